"""Workflow notifications: one line and a link for every event, in-app for everyone it concerns, and by
e-mail or the unit's group robot according to each person's 通知方式.

External channels go through the reminders' outbox (plans/notifications/outbox.py): one Outbox row per
(recipient, channel, day, kind, event), so the unique constraint makes each event go out exactly once,
and every failure shows on 提醒记录 (/reminders/) with retry. Rows are sent as soon as the transaction
commits: by the Celery task when a broker is configured, by the same service in-process otherwise.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape

from plans.audience import Audience, liaisons_by_unit
from plans.choices import NotifyBy
from plans.models import Channel, Notification, NotificationPreference, Outbox, ReminderSettings
from plans.notifications.channels import robot_of

log = logging.getLogger(__name__)
LINE_LIMIT = 200  # Outbox.subject and Notification.title


@dataclass
class Event:
    kind: str  # a ReminderKind
    key: str  # what makes two calls the same event, e.g. "report:12:returned:v3"
    line: str  # the whole message, one line
    link: str  # the object's get_absolute_url()


def one_line(text: str, limit: int = 30) -> str:
    """A quotation of a long text for a one-line message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Recording and sending ------------------------------------------------------------------------------


def _body(event: Event) -> tuple[str, str]:
    url = settings.SITE_URL.rstrip("/") + event.link
    text = f"{event.line}\n办理：{url}\n\n本消息由人才工作行动计划督办平台自动发送，请勿回复。\n"
    html = f'<p>{escape(event.line)}</p><p><a href="{escape(url)}">{escape(url)}</a></p>'
    return text, html


def notify(event: Event, audience: Audience) -> list[int]:
    """Tell the audience (plans.audience decides it) about the event: its people in the portal and by their
    通知方式, and the robots of its units where one of their liaisons asked for the robot.

    Returns the ids of the outbox rows created now; a repeated call for the same event creates nothing.
    """
    users, units = list(dict.fromkeys(audience.users)), audience.units
    today = timezone.localdate()
    line = one_line(event.line, LINE_LIMIT)
    body_text, body_html = _body(event)
    preferences = dict(NotificationPreference.objects.filter(user__in=users).values_list("user_id", "notify_by"))
    created_ids = []

    def outbox_row(recipient_key, channel, addresses, unit=None, user=None):
        same = {"recipient_key": recipient_key, "channel": channel, "kind": event.kind, "event_key": event.key}
        if Outbox.objects.filter(**same).exists():
            return  # recorded on an earlier day: an event is sent once, not once a day
        try:
            with transaction.atomic():
                row, created = Outbox.objects.get_or_create(
                    recipient_key=recipient_key,
                    channel=channel,
                    date=today,
                    kind=event.kind,
                    event_key=event.key,
                    defaults={
                        "unit": unit,
                        "user": user,
                        "recipients": addresses,
                        "subject": line,
                        "body_text": body_text,
                        "body_html": body_html,
                    },
                )
        except IntegrityError:
            return  # a parallel request recorded the same event
        if created:
            created_ids.append(row.pk)

    robot_wanted = set()
    for user in users:
        try:
            with transaction.atomic():
                Notification.objects.get_or_create(
                    user=user,
                    event_key=event.key,
                    defaults={"title": line, "body": event.line, "link": event.link, "kind": event.kind},
                )
        except IntegrityError:
            pass  # a parallel request recorded the same event for this person
        notify_by = preferences.get(user.pk, NotifyBy.EMAIL)
        if notify_by in (NotifyBy.EMAIL, NotifyBy.ROBOT) and user.email:
            outbox_row(f"user:{user.pk}", Channel.EMAIL, [user.email], user=user)
        if notify_by == NotifyBy.ROBOT:
            robot_wanted.add(user.pk)
    if robot_wanted:
        liaisons = liaisons_by_unit(units)
        for unit in units:
            if not {user.pk for user in liaisons[unit.pk]} & robot_wanted:
                continue
            config = ReminderSettings.objects.filter(unit=unit).first()
            if config and config.webhook_enabled and config.webhook_url:
                outbox_row(f"unit:{unit.pk}", robot_of(config).channel, [config.webhook_url], unit=unit)
    if created_ids:
        transaction.on_commit(lambda: dispatch(created_ids))
    return created_ids


def dispatch(outbox_ids: list[int]) -> None:
    """Send the rows now: through Celery when a broker runs, else in this process (same service)."""
    from plans.notifications.outbox import send_one

    if not settings.NOTIFY_SEND_INLINE:
        from plans.tasks import send_outbox_rows

        try:
            send_outbox_rows.delay(outbox_ids)
            return
        except Exception as exc:  # the broker is down: send here rather than wait for the retry task
            log.warning("消息队列不可用，改为直接发送：%s", exc)
    for outbox_id in outbox_ids:
        send_one(outbox_id)
