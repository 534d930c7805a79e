"""A digest becomes a message: subject, text and HTML bodies from templates/emails/reminder-*.

Rendered from the items' plain dicts (what the outbox row keeps), so a retry can render the row again
with the current unit name. An e-mail lists at most REMINDER_EMAIL_MAX_ITEMS items, then states how many
more there are and links to the full list, which keeps a huge digest far below the mail size cap."""

from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from plans.models import ReminderKind
from plans.notifications.due import Digest
from talentplan.lib.dates import cn_date

TITLES = {
    ReminderKind.UNIT_DIGEST: ("{name}：节点计划到期提醒", "以下节点计划由贵单位牵头，即将到期或已经逾期："),
    ReminderKind.CO_UNIT_DIGEST: (
        "{name}：配合事项知会",
        "以下节点计划贵单位为配合单位，现知会进度情况，请配合牵头单位推进：",
    ),
    ReminderKind.STAFF_SUMMARY: ("逾期事项汇总", "截至今天，各单位逾期未完成的节点计划如下："),
    ReminderKind.ESCALATION: ("逾期超过{days}天事项上报", "以下节点计划逾期已超过{days}天，现按规定报告："),
    ReminderKind.INSTRUCTION_DUE: (
        "{name}：领导批示反馈提醒",
        "以下领导批示由贵单位承办，反馈期限将到或已过，请及时反馈办理情况：",
    ),
    ReminderKind.SUPERVISION_DUE: (
        "{name}：督办单签收及回执提醒",
        "以下督办单由贵单位承办，尚未签收或回执期限将到、已过，请及时签收并报送回执：",
    ),
}


def one_line(text: str) -> str:
    """A unit name once carried a line break, which no mail header may contain."""
    return " ".join(str(text or "").split())


def _cn_due(value) -> str:
    return cn_date(date.fromisoformat(value) if isinstance(value, str) else value)


def _state(item: dict) -> str:
    days = item["days_left"]
    if item.get("kind") == "report_request":
        return "请报送本季度进展"
    if item.get("kind") == "supervision_unsigned":
        return "未签收" + (f"，回执期限已过 {-days} 天" if days < 0 else f"，{days} 天后须回执")
    if days < 0:
        return f"已逾期 {-days} 天"
    return "今天到期" if days == 0 else f"还有 {days} 天"


def _color(item: dict) -> str:
    return "#dc3545" if item["days_left"] < 0 else "#fd7e14"


def render_digest(digest: Digest, today: date) -> dict:
    return render_message(digest.kind, digest.unit, digest.user, [i.as_dict() for i in digest.items], today)


def render_message(kind: str, unit, user, items: list[dict], today: date) -> dict:
    title, intro = TITLES[kind]
    name = one_line(unit.name) if unit else ""
    days = settings.REMINDER_ESCALATE_AFTER_DAYS
    person = one_line(user.get_full_name() or user.username) if user else name
    cap = settings.REMINDER_EMAIL_MAX_ITEMS
    # The message shows the Chinese date (2022年4月30日); the stored items keep ISO dates for machines.
    # The state line is worked out here once, not by an if-chain in both bodies (a third of the rendering).
    shown = [{**i, "due": _cn_due(i["due"]), "state": _state(i), "color": _color(i)} for i in items[:cap]]
    path = reverse("plans:my_tasks") if unit else reverse("plans:task_list")
    context = {
        "title": title.format(name=name, days=days),
        "intro": intro.format(days=days),
        "items": shown,
        "total": len(items),
        "hidden": len(items) - len(shown),
        "all_link": settings.SITE_URL.rstrip("/") + path,
        "today": today,
        "greeting": f"{person}：",
    }
    return {
        "subject": one_line(render_to_string("emails/reminder-subject.txt", context))[:200],
        "body_text": render_to_string("emails/reminder-body.txt", context),
        "body_html": render_to_string("emails/reminder-body.html", context),
        "items": items,
    }
