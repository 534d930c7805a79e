"""A digest becomes a message: subject, text and HTML bodies from templates/emails/reminder-*."""

from datetime import date

from django.conf import settings
from django.template.loader import render_to_string

from talentplan.lib.dates import cn_date

from ..models import ReminderKind
from .due import Digest

TITLES = {
    ReminderKind.UNIT_DIGEST: ("{name}：节点计划到期提醒", "以下节点计划由贵单位牵头，即将到期或已经逾期："),
    ReminderKind.CO_UNIT_DIGEST: (
        "{name}：配合事项知会",
        "以下节点计划贵单位为配合单位，现知会进度情况，请配合牵头单位推进：",
    ),
    ReminderKind.STAFF_SUMMARY: ("逾期事项汇总", "截至今天，各单位逾期未完成的节点计划如下："),
    ReminderKind.ESCALATION: ("逾期超过{days}天事项上报", "以下节点计划逾期已超过{days}天，现按规定报告："),
}


def render_digest(digest: Digest, today: date) -> dict:
    title, intro = TITLES[digest.kind]
    name = digest.unit.name if digest.unit else ""
    days = settings.REMINDER_ESCALATE_AFTER_DAYS
    person = digest.user.get_full_name() or digest.user.username if digest.user else name
    # The message shows the Chinese date (2022年4月30日); the stored items keep ISO dates for machines.
    items = [{**i.as_dict(), "due": cn_date(i.due), "overdue_days": -i.days_left} for i in digest.items]
    context = {
        "title": title.format(name=name, days=days),
        "intro": intro.format(days=days),
        "items": items,
        "today": today,
        "greeting": f"{person}：",
    }
    return {
        "subject": render_to_string("emails/reminder-subject.txt", context).strip(),
        "body_text": render_to_string("emails/reminder-body.txt", context),
        "body_html": render_to_string("emails/reminder-body.html", context),
        "items": [i.as_dict() for i in digest.items],
    }
