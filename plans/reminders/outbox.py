"""Turning digests into outbox rows exactly once, and delivering them through small channel classes.

Creating: one row per (recipient, channel, day, kind), protected by a unique constraint, with the
in-app notifications and escalation records written in the same transaction. Sending: a worker first
claims a row with a conditional update, and only the worker that updated exactly one row sends it
(as Healthchecks does). Every attempt leaves its outcome on the row; temporary failures are retried
with exponential backoff, permanent ones wait for staff to retry or dismiss them.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from units.roles import Role

from ..models import Channel, Escalation, Notification, Outbox, OutboxStatus, ReminderKind, ReminderSettings
from .due import plan_digests
from .render import render_digest
from .transports import TRANSPORTS
from .transports.base import TransportError

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)


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


def record_digests(today: date, plan_codes=None) -> RunReport:
    """Create today's outbox rows; a row that already exists (an earlier or parallel run) is left alone."""
    report = RunReport()
    for digest in plan_digests(today, plan_codes):
        channels, users = addresses_for(digest.unit, digest.user)
        content = render_digest(digest, today)
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
    # Bulk, one statement each; the unique constraints make a repeat (a parallel run) a no-op.
    Notification.objects.bulk_create(
        [Notification(user=u, outbox=outbox, title=outbox.subject, body=outbox.body_text, link=link) for u in users],
        ignore_conflicts=True,
    )
    if digest.kind == ReminderKind.ESCALATION:
        Escalation.objects.bulk_create(
            [Escalation(occurrence_id=item.occurrence_id, date=today) for item in digest.items],
            ignore_conflicts=True,
            batch_size=1000,
        )


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
