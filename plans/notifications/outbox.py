"""Turning digests into outbox rows exactly once, and delivering them through small channel classes.

Creating: one row per (recipient, channel, day, kind), protected by a unique constraint, with the
in-app notifications and escalation records written in the same transaction. Sending: a worker first
claims a row with a conditional update, and only the worker that updated exactly one row sends it
(as Healthchecks does). Nothing can stall the outbox: every error is caught per row and recorded on it;
temporary failures are retried with exponential backoff up to REMINDER_MAX_ATTEMPTS, then the row is
failed; a claim older than REMINDER_STALE_CLAIM_SECONDS (a worker that died) is released with an error;
a robot that took the message but did not answer in time leaves the row "可能已发送", never resent
automatically. Staff can retry (rendered again from the current settings), confirm or dismiss any row.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from plans.audience import liaisons_by_unit
from plans.models import Channel, Escalation, Notification, Outbox, OutboxStatus, ReminderKind, ReminderSettings
from plans.notifications import pacing
from plans.notifications.channels import TRANSPORTS, masked_url, robot_of
from plans.notifications.channels.base import TransportError
from plans.notifications.channels.robot import RobotTransport
from plans.notifications.due import plan_digests
from plans.notifications.render import render_digest, render_message
from talentplan.lib.recipients import split_addresses

log = logging.getLogger(__name__)
ERROR_MAX_CHARS = 1000
RETRYABLE = [OutboxStatus.FAILED, OutboxStatus.UNKNOWN, OutboxStatus.DISMISSED, OutboxStatus.PENDING]


@dataclass
class RunReport:
    created: int = 0
    existing: int = 0
    sent: int = 0
    failed: int = 0


def addresses_for(unit=None, user=None) -> tuple[dict[str, list[str]], list]:
    """{channel: addresses} as configured right now, and the users who get the in-app notification.
    Lists are split again here, so a value saved before validation existed cannot stall a send."""
    if user is not None:
        return {Channel.EMAIL: split_addresses(user.email)[0]}, [user]
    return _unit_addresses([unit])[unit.pk]


def addresses_by_unit(units) -> dict[int, tuple[dict[str, list[str]], list]]:
    """addresses_for of many units at once, in a fixed number of queries (数据体检 reads every unit's reach)."""
    return _unit_addresses(list(units))


def _unit_addresses(units) -> dict[int, tuple[dict[str, list[str]], list]]:
    """addresses_for for many units in a fixed number of queries, whatever their number. The people are the
    units' liaisons (plans.audience); the addresses add the unit's own e-mail, extra addresses and robot."""
    liaisons = liaisons_by_unit(units)
    configs = {c.unit_id: c for c in ReminderSettings.objects.filter(unit__in=units)}
    result = {}
    for unit in units:
        users = liaisons[unit.pk]
        config = configs.get(unit.pk) or ReminderSettings(unit=unit)
        channels = {}
        if config.email_enabled:
            typed = [u.email for u in users] + [unit.email, config.extra_emails]
            channels[Channel.EMAIL] = split_addresses("\n".join(t for t in typed if t))[0]
        if config.webhook_enabled and config.webhook_url.strip():
            channels[robot_of(config).channel] = [config.webhook_url.strip()]
        result[unit.pk] = (channels, users)
    return result


def undeliverable_addresses(units) -> dict[int, list[str]]:
    """Unit id -> what the e-mail of its reminders cannot go to, each naming where it was typed: the same
    sources as _unit_addresses (the liaisons' e-mail, the unit's, the extra addresses), whose split drops
    such an address from the recipients (an older value saved before validation, e.g. "not-an-address")."""
    liaisons = liaisons_by_unit(units)
    configs = {c.unit_id: c for c in ReminderSettings.objects.filter(unit__in=units)}
    result = {}
    for unit in units:
        config = configs.get(unit.pk) or ReminderSettings(unit=unit)
        if not config.email_enabled:
            continue
        sources = [(f"联络员 {u.get_full_name() or u.username} 的邮箱", u.email) for u in liaisons[unit.pk]]
        sources += [("单位联系邮箱", unit.email), ("提醒设置的其他收件人", config.extra_emails)]
        found = [f"{label}：{error}" for label, text in sources if text for error in split_addresses(text)[1]]
        if found:
            result[unit.pk] = found
    return result


CREATE_BATCH = 50  # digests per transaction: a mail body is up to ~200 KB, so memory stays bounded


def record_digests(today: date, plan_codes=None, missed_days: int = 0) -> RunReport:
    """Create the day's outbox rows; a row that already exists (an earlier, parallel or interrupted run)
    is left alone, so a run that was killed half-way is finished by running it again.

    The day's existing rows are read in one query up front, so a second run renders nothing; the new
    rows are written in batches (outbox rows, notifications and escalations in one transaction each)."""
    report = RunReport()
    digests = plan_digests(today, plan_codes, missed_days)
    existing = set(Outbox.objects.filter(date=today, event_key="").values_list("recipient_key", "channel", "kind"))
    by_unit = _unit_addresses([d.unit for d in digests if d.unit is not None])
    todo = []
    for digest in digests:
        channels, users = by_unit[digest.unit.pk] if digest.unit else addresses_for(user=digest.user)
        new = [c for c in channels if (digest.recipient_key, c, digest.kind) not in existing]
        report.existing += len(channels) - len(new)
        if new:
            todo.append((digest, channels, users, new))
    for start in range(0, len(todo), CREATE_BATCH):
        batch = todo[start : start + CREATE_BATCH]
        try:
            report.created += _create_batch(batch, today)
        except IntegrityError:  # a parallel run created some of them meanwhile: row by row, as it is safe
            for digest, channels, users, new in batch:
                for channel in new:
                    created = _create_one(digest, channels, users, channel, today)
                    report.created += created
                    report.existing += not created
    return report


def _create_batch(batch, today) -> int:
    rows, effects = [], []
    for digest, channels, users, new in batch:
        content = render_digest(digest, today)
        for channel in new:
            rows.append(_row(digest, channel, channels[channel], content, today))
            effects.append((digest, users, channel == next(iter(channels))))
    with transaction.atomic():
        Outbox.objects.bulk_create(rows)  # primary keys come back (RETURNING on PostgreSQL and SQLite)
        notifications, escalations = [], []
        for outbox, (digest, users, first_channel) in zip(rows, effects, strict=True):
            if first_channel:
                notifications += _notifications(outbox, digest, users)
                escalations += _escalations(digest, today)
        Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=2000)
        Escalation.objects.bulk_create(escalations, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def _create_one(digest, channels, users, channel, today) -> bool:
    try:
        with transaction.atomic():
            content = render_digest(digest, today)
            outbox, created = Outbox.objects.get_or_create(
                recipient_key=digest.recipient_key,
                channel=channel,
                date=today,
                kind=digest.kind,
                event_key="",
                defaults={"unit": digest.unit, "user": digest.user, "recipients": channels[channel], **content},
            )
            if created and channel == next(iter(channels)):
                Notification.objects.bulk_create(_notifications(outbox, digest, users), ignore_conflicts=True)
                Escalation.objects.bulk_create(_escalations(digest, today), ignore_conflicts=True, batch_size=2000)
    except IntegrityError:
        created = False  # a parallel run created it between our read and write
    return created


def _row(digest, channel, addresses, content, today) -> Outbox:
    return Outbox(
        recipient_key=digest.recipient_key,
        channel=channel,
        date=today,
        kind=digest.kind,
        unit=digest.unit,
        user=digest.user,
        recipients=addresses,
        **content,
    )


def _notifications(outbox, digest, users) -> list[Notification]:
    """One in-app notification per digest (on its first channel's row), whatever the number of channels."""
    link = digest.items[0].link if len(digest.items) == 1 else _list_link(digest.kind)
    return [
        Notification(user=u, outbox=outbox, title=outbox.subject, body=outbox.body_text, link=link, kind=digest.kind)
        for u in users
    ]


def _escalations(digest, today) -> list[Escalation]:
    if digest.kind != ReminderKind.ESCALATION:
        return []
    return [Escalation(occurrence_id=item.occurrence_id, date=today) for item in digest.items]


def _list_link(kind) -> str:
    """Where a digest of several items points: the unit's 我的任务, or the overdue list for staff and leaders."""
    if kind in (ReminderKind.UNIT_DIGEST, ReminderKind.CO_UNIT_DIGEST, ReminderKind.INSTRUCTION_DUE):
        return reverse("plans:my_tasks")
    if kind == ReminderKind.SUPERVISION_DUE:
        return reverse("plans:supervision_list") + "?state=open"
    return reverse("plans:task_list") + "?overdue=true"


def _due_rows(now):
    """Pending rows (one a robot's pacing holds back waits for its time) and failed ones due for a retry."""
    return Outbox.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__isnull=True)
        | Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(
            status=OutboxStatus.FAILED,
            permanent_error=False,
            next_attempt_at__lte=now,
            attempts__lt=settings.REMINDER_MAX_ATTEMPTS,
        )
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
    outcome = _attempt(outbox_id, now)
    outcome.write()
    return outcome.sent


@dataclass
class Outcome:
    """What one send attempt did, as the conditional update that records it on the row."""

    outbox_id: int
    sent: bool
    fields: dict

    def write(self) -> None:
        Outbox.objects.filter(pk=self.outbox_id, status=OutboxStatus.SENDING).update(**self.fields)


def _attempt(outbox_id: int, now) -> Outcome:
    """Send a row this worker has claimed; the outcome is returned for the caller to write."""
    outbox = Outbox.objects.get(pk=outbox_id)
    transport = TRANSPORTS[outbox.channel]()
    robot = _robot(outbox, transport)
    if robot:
        wait = pacing.take_slot(robot, transport.messages_per_minute, timezone.now())
        if wait is not None:
            return _deferred(outbox, transport, wait, "每分钟最多 {n} 条")
    try:
        note = transport.notify(outbox)
    except TransportError as exc:
        if robot and exc.errcode in transport.rate_limit_codes:
            until = timezone.now() + timedelta(seconds=transport.rate_limit_seconds)
            pacing.back_off(robot, until)
            return _deferred(outbox, transport, until, f"收到限流应答（错误码 {exc.errcode}），整个机器人暂停")
        return _failure(outbox, exc.message, exc.permanent, exc.maybe_sent, now)
    except Exception as exc:  # noqa: BLE001  a bug or bad data in one row must not stall the others
        log.exception("提醒 %s 发送时出错", outbox_id)
        return _failure(outbox, f"发送时出错：{type(exc).__name__}：{exc}", False, False, now)
    note = "；".join(filter(None, [note, _left_out(outbox)]))
    fields = {"status": OutboxStatus.SENT, "sent_at": timezone.now(), "last_error": note[:ERROR_MAX_CHARS]}
    return Outcome(outbox_id, True, {**fields, "permanent_error": False})


def _left_out(outbox) -> str:
    """A unit's e-mail that went out without some of its addresses says which, and the unit to fix: the row is
    sent, but not to everyone staff typed in."""
    if outbox.channel != Channel.EMAIL or outbox.unit is None:
        return ""
    found = undeliverable_addresses([outbox.unit]).get(outbox.unit_id)
    if not found:
        return ""
    return f"以下地址格式不正确，未发送（请改正“{outbox.unit.name}”的联系方式）：" + "；".join(found)
def _robot(outbox, transport) -> str:
    """The pacing key of a robot row ("" for e-mail, or a row without a URL, which fails on its own)."""
    if not isinstance(transport, RobotTransport) or not outbox.recipients:
        return ""
    return pacing.robot_key(outbox.channel, outbox.recipients[0])


def _deferred(outbox, transport, until, why: str) -> Outcome:
    """The robot cannot take it yet: back to pending until `until`; the claim's attempt is not counted."""
    reason = why.format(n=transport.messages_per_minute)
    message = f"{transport.label or '群机器人'}发送节奏：{reason}，顺延至 {timezone.localtime(until):%H:%M:%S} 发送"
    fields = {"status": OutboxStatus.PENDING, "next_attempt_at": until, "attempts": F("attempts") - 1}
    return Outcome(outbox.pk, False, {**fields, "last_error": message[:ERROR_MAX_CHARS], "permanent_error": False})


def next_paced_send():
    """The earliest time a held-back robot row may go (None if none waits), for the task to come back then."""
    return (
        Outbox.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__isnull=False)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def _failure(outbox, message: str, permanent: bool, maybe_sent: bool, now) -> Outcome:
    attempts, limit = outbox.attempts, settings.REMINDER_MAX_ATTEMPTS
    if maybe_sent:
        status, next_at = OutboxStatus.UNKNOWN, None
    elif permanent or attempts >= limit:
        status, next_at = OutboxStatus.FAILED, None
        if not permanent:
            message += f"（已尝试 {attempts} 次，达到上限，不再自动重试）"
        permanent = True
    else:
        delay = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
        status, next_at = OutboxStatus.FAILED, now + timedelta(seconds=delay)
    log.warning("提醒 %s 发送未成功（第 %s 次）：%s", outbox.pk, attempts, message)
    fields = {"status": status, "last_error": message[:ERROR_MAX_CHARS], "permanent_error": permanent or maybe_sent}
    return Outcome(outbox.pk, False, {**fields, "next_attempt_at": next_at})


def release_stale_claims(now) -> int:
    """A row still "sending" long after its claim belongs to a worker that died mid-send. E-mail is
    released for another attempt (or failed at the limit); a robot may have posted it, so it becomes
    "可能已发送" for staff to confirm or retry."""
    released = 0
    cutoff = now - timedelta(seconds=settings.REMINDER_STALE_CLAIM_SECONDS)
    for row in Outbox.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=cutoff):
        stuck = Outbox.objects.filter(pk=row.pk, status=OutboxStatus.SENDING, claimed_at=row.claimed_at)
        started = timezone.localtime(row.claimed_at)  # staff read Asia/Shanghai (TIME_ZONE), never UTC
        reason = f"发送中断：{started:%Y-%m-%d %H:%M} 开始的发送没有结果（处理进程可能已退出）"
        if row.channel != Channel.EMAIL:
            released += stuck.update(
                status=OutboxStatus.UNKNOWN, permanent_error=True, last_error=reason + "，消息可能已发出，请到群里确认"
            )
        elif row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            released += stuck.update(
                status=OutboxStatus.FAILED, permanent_error=True, last_error=reason + "，已达尝试上限"
            )
        else:
            released += stuck.update(
                status=OutboxStatus.FAILED, permanent_error=False, next_attempt_at=now, last_error=reason + "，将重试"
            )
    return released


def deliver_pending() -> RunReport:
    report = RunReport()
    now = timezone.now()
    release_stale_claims(now)
    tried, outcome, held = [], None, {}  # held: robot key -> until when, learned in this run
    rows = _due_rows(now).order_by("pk").values_list("pk", "channel", "recipients")
    for outbox_id, channel, recipients in list(rows):
        key = pacing.robot_key(channel, recipients[0]) if channel != Channel.EMAIL and recipients else ""
        if key and key in held and held[key] > timezone.now():
            tried.append(outbox_id)
            continue  # the robot is full or backed off: the row waits, unclaimed, for a later run
        try:
            # The last row's outcome and this row's claim commit together: one commit per message.
            # A crash after a send and before this commit leaves that row "sending", as it always could.
            attempted_at = timezone.now()
            with transaction.atomic():
                if outcome is not None:
                    outcome, written = None, outcome
                    written.write()
                claimed = claim(outbox_id, attempted_at)
            if claimed:
                outcome = _attempt(outbox_id, attempted_at)
                until = outcome.fields.get("next_attempt_at")
                if key and outcome.fields.get("status") == OutboxStatus.PENDING and until:
                    held[key] = until
        except Exception:  # noqa: BLE001  e.g. the database went away for one row: go on with the next
            log.exception("提醒 %s 处理失败", outbox_id)
            outcome = None
        sent = outcome is not None and outcome.sent
        report.sent += sent
        if not sent:
            tried.append(outbox_id)
    if outcome is not None:
        outcome.write()
    # The failures counted once at the end (not one query per row); a row still failing is failed.
    for start in range(0, len(tried), 5000):
        chunk = tried[start : start + 5000]
        report.failed += Outbox.objects.filter(pk__in=chunk, status=OutboxStatus.FAILED).count()
    return report


def refresh_from_settings(outbox: Outbox) -> None:
    """Render the row again as it would be made now: current addresses, robot kind and unit name."""
    channels, _ = addresses_for(outbox.unit, outbox.user)
    robots_now = [c for c in channels if c != Channel.EMAIL]
    channel = outbox.channel
    if channel != Channel.EMAIL and robots_now and robots_now[0] != channel:
        twin = Outbox.objects.filter(
            recipient_key=outbox.recipient_key, channel=robots_now[0], date=outbox.date, kind=outbox.kind
        )
        channel = channel if twin.exists() else robots_now[0]
    recipients = channels.get(channel, [])
    content = render_message(outbox.kind, outbox.unit, outbox.user, outbox.items, outbox.date)
    Outbox.objects.filter(pk=outbox.pk).update(channel=channel, recipients=recipients, **content)


def retry(outbox: Outbox) -> bool:
    """Staff's retry button, for any row not sent yet (failed, "可能已发送", dismissed, or stuck): it is
    rendered again from the current settings (staff usually retry after fixing an address) and sent now."""
    if outbox.status not in RETRYABLE:
        return False
    refresh_from_settings(outbox)
    Outbox.objects.filter(pk=outbox.pk, status=outbox.status).update(
        status=OutboxStatus.PENDING, next_attempt_at=None, permanent_error=False
    )
    return send_one(outbox.pk)


def confirm_sent(outbox: Outbox) -> bool:
    """Staff saw the message in the group: a "可能已发送" row is recorded as sent."""
    return bool(
        Outbox.objects.filter(pk=outbox.pk, status=OutboxStatus.UNKNOWN).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="工作人员确认已送达", permanent_error=False
        )
    )


def dismiss(outbox: Outbox) -> bool:
    return bool(
        Outbox.objects.filter(pk=outbox.pk, status__in=RETRYABLE + [OutboxStatus.SENDING]).update(
            status=OutboxStatus.DISMISSED
        )
    )


def masked_recipients(outbox: Outbox) -> list[str]:
    """Addresses as shown to people: a robot URL carries its key or token, so that part is masked."""
    if outbox.channel == Channel.EMAIL:
        return list(outbox.recipients)
    return [masked_url(outbox.channel, url) for url in outbox.recipients]
