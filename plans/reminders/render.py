"""A digest becomes a message: subject, text and HTML bodies from templates/emails/reminder-*."""

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

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


def rest_link(digest: Digest) -> str:
    """The task list filtered to what the digest is about, most urgent first: where the unlisted rest is."""
    if digest.unit is not None:
        params = {"unit": digest.unit.pk, "sort": "next_due"}
        if digest.kind == ReminderKind.UNIT_DIGEST:
            params["unit_role"] = "lead"
    else:
        params = {"overdue": "true", "sort": "next_due"}
    return settings.SITE_URL.rstrip("/") + reverse("plans:task_list") + "?" + urlencode(params)


def render_digest(digest: Digest, today: date) -> dict:
    """At most REMINDER_DIGEST_MAX_ITEMS items, most urgent first (most overdue, then soonest due), and the
    count of the rest with a link to them: a province-wide summary stays a readable, small e-mail."""
    title, intro = TITLES[digest.kind]
    name = digest.unit.name if digest.unit else ""
    days = settings.REMINDER_ESCALATE_AFTER_DAYS
    person = digest.user.get_full_name() or digest.user.username if digest.user else name
    ordered = sorted(digest.items, key=lambda i: (i.days_left, i.plan, i.milestone_id))
    listed = ordered[: settings.REMINDER_DIGEST_MAX_ITEMS]
    items = [{**i.as_dict(), "overdue_days": -i.days_left} for i in listed]
    context = {
        "rest": len(ordered) - len(listed),
        "rest_link": rest_link(digest),
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
        "items": [i.as_dict() for i in listed],
    }
