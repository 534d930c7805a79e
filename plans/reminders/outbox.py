"""Turning digests into outbox rows exactly once, and delivering them through small channel classes.

Creating: one row per (recipient, channel, day, kind), protected by a unique constraint, with the
in-app notifications and escalation records written in the same transaction. Sending: a worker first
claims a row with a conditional update, and only the worker that updated exactly one row sends it
(as Healthchecks does). Every attempt leaves its outcome on the row; temporary failures are retried
with exponential backoff, permanent ones wait for staff to retry or dismiss them.
"""

import json
import logging
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from units.roles import Role

from ..models import Channel, Escalation, Notification, Outbox, OutboxStatus, ReminderKind, ReminderSettings
from .due import Digest, plan_digests

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)

TITLES = {
    ReminderKind.UNIT_DIGEST: ("{name}：节点计划到期提醒", "以下节点计划由贵单位牵头，即将到期或已经逾期："),
    ReminderKind.CO_UNIT_DIGEST: (
        "{name}：配合事项知会",
        "以下节点计划贵单位为配合单位，现知会进度情况，请配合牵头单位推进：",
    ),
    ReminderKind.STAFF_SUMMARY: ("逾期事项汇总", "截至今天，各单位逾期未完成的节点计划如下："),
    ReminderKind.ESCALATION: ("逾期超过{days}天事项上报", "以下节点计划逾期已超过{days}天，现按规定报告："),
}


class TransportError(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.message, self.permanent = message, permanent


class EmailTransport:
    def notify(self, outbox: Outbox) -> None:
        if not outbox.recipients:
            raise TransportError("没有收件邮箱：请在“提醒设置”或单位信息中填写联系邮箱", permanent=True)
        message = EmailMultiAlternatives(
            outbox.subject, outbox.body_text, settings.DEFAULT_FROM_EMAIL, outbox.recipients
        )
        if outbox.body_html:
            message.attach_alternative(outbox.body_html, "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(f"收件地址被拒绝：{exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"邮件发送失败：{exc}") from exc


class WebhookTransport:
    """POSTs JSON shaped like a 企业微信/钉钉 group robot's markdown message."""

    def notify(self, outbox: Outbox) -> None:
        if not outbox.recipients:
            raise TransportError("没有配置群机器人地址", permanent=True)
        payload = json.dumps(
            {
                "msgtype": "markdown",
                "markdown": {"title": outbox.subject, "content": f"**{outbox.subject}**\n\n{outbox.body_text}"},
            },
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(
            outbox.recipients[0], data=payload, headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.REMINDER_WEBHOOK_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code != 429
            raise TransportError(f"群机器人返回 HTTP {exc.code}", permanent=permanent) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"无法连接群机器人：{exc}") from exc


TRANSPORTS = {Channel.EMAIL: EmailTransport, Channel.WEBHOOK: WebhookTransport}


@dataclass
class RunReport:
    created: int = 0
    existing: int = 0
    sent: int = 0
    failed: int = 0


def addresses_for(unit=None, user=None) -> tuple[dict[str, list[str]], list]:
    """{channel: addresses} as configured right now, and the users who get the in-app notification."""
    if user is not None:
        return {Channel.EMAIL: [user.email] if user.email else []}, [user]
    User = get_user_model()
    users = list(User.objects.filter(memberships__unit=unit, is_active=True, groups__name=Role.LIAISON).distinct())
    config = ReminderSettings.objects.filter(unit=unit).first() or ReminderSettings(unit=unit)
    channels = {}
    if config.email_enabled:
        addresses = [u.email for u in users if u.email] + ([unit.email] if unit.email else []) + config.extra_email_list
        channels[Channel.EMAIL] = list(dict.fromkeys(addresses))
    if config.webhook_enabled and config.webhook_url:
        channels[Channel.WEBHOOK] = [config.webhook_url]
    return channels, users


def _render(digest: Digest, today: date) -> dict:
    title, intro = TITLES[digest.kind]
    name = digest.unit.name if digest.unit else ""
    days = settings.REMINDER_ESCALATE_AFTER_DAYS
    person = digest.user.get_full_name() or digest.user.username if digest.user else name
    items = [{**i.as_dict(), "overdue_days": -i.days_left} for i in digest.items]
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


def record_digests(today: date, plan_codes=None) -> RunReport:
    """Create today's outbox rows; a row that already exists (an earlier or parallel run) is left alone."""
    report = RunReport()
    for digest in plan_digests(today, plan_codes):
        channels, users = addresses_for(digest.unit, digest.user)
        content = _render(digest, today)
        for channel, addresses in channels.items():
            try:
                with transaction.atomic():
                    outbox, created = Outbox.objects.get_or_create(
                        recipient_key=digest.recipient_key,
                        channel=channel,
                        date=today,
                        kind=digest.kind,
                        defaults={"unit": digest.unit, "user": digest.user, "recipients": addresses, **content},
                    )
                    if created:
                        _side_effects(outbox, digest, users, today, first_channel=channel == next(iter(channels)))
            except IntegrityError:
                created = False  # a parallel run created it between our read and write
            report.created += created
            report.existing += not created
    return report


def _side_effects(outbox, digest, users, today, first_channel: bool) -> None:
    if not first_channel:
        return  # one in-app notification per digest, whatever the number of channels
    link = digest.items[0].link if len(digest.items) == 1 else ""
    for user in users:
        Notification.objects.get_or_create(
            user=user, outbox=outbox, defaults={"title": outbox.subject, "body": outbox.body_text, "link": link}
        )
    if digest.kind == ReminderKind.ESCALATION:
        for item in digest.items:
            Escalation.objects.get_or_create(occurrence_id=item.occurrence_id, defaults={"date": today})


def _due_rows(now):
    return Outbox.objects.filter(
        Q(status=OutboxStatus.PENDING)
        | Q(
            status=OutboxStatus.FAILED,
            permanent_error=False,
            next_attempt_at__lte=now,
            attempts__lt=settings.REMINDER_MAX_ATTEMPTS,
        )
        | Q(status=OutboxStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
    )


def claim(outbox_id: int, now) -> bool:
    """Only the worker whose conditional update changed exactly one row may send."""
    return (
        _due_rows(now)
        .filter(pk=outbox_id)
        .update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


def send_one(outbox_id: int) -> bool:
    now = timezone.now()
    if not claim(outbox_id, now):
        return False
    outbox = Outbox.objects.get(pk=outbox_id)
    try:
        TRANSPORTS[outbox.channel]().notify(outbox)
    except TransportError as exc:
        delay = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** (outbox.attempts - 1)
        Outbox.objects.filter(pk=outbox_id).update(
            status=OutboxStatus.FAILED,
            last_error=exc.message,
            permanent_error=exc.permanent,
            next_attempt_at=None if exc.permanent else now + timedelta(seconds=delay),
        )
        log.warning("提醒 %s 发送失败（第 %s 次）：%s", outbox_id, outbox.attempts, exc.message)
        return False
    Outbox.objects.filter(pk=outbox_id).update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="")
    return True


def deliver_pending() -> RunReport:
    report = RunReport()
    for outbox_id in _due_rows(timezone.now()).order_by("pk").values_list("pk", flat=True):
        if send_one(outbox_id):
            report.sent += 1
        elif Outbox.objects.filter(pk=outbox_id, status=OutboxStatus.FAILED).exists():
            report.failed += 1
    return report


def run_reminders(today: date | None = None, plan_codes=None) -> RunReport:
    today = today or timezone.localdate()
    report = record_digests(today, plan_codes)
    delivered = deliver_pending()
    report.sent, report.failed = delivered.sent, delivered.failed
    return report


def retry(outbox: Outbox) -> bool:
    """Staff's retry button: the row becomes due again at once, to the addresses configured now
    (staff usually retry after fixing a unit's address)."""
    channels, _ = addresses_for(outbox.unit, outbox.user)
    recipients = channels.get(outbox.channel, outbox.recipients) or outbox.recipients
    Outbox.objects.filter(pk=outbox.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, next_attempt_at=None, permanent_error=False, recipients=recipients
    )
    return send_one(outbox.pk)


def dismiss(outbox: Outbox) -> None:
    Outbox.objects.filter(pk=outbox.pk, status=OutboxStatus.FAILED).update(status=OutboxStatus.DISMISSED)
