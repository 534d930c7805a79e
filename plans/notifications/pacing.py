"""Pacing the group robots to their published limit (20 messages a minute per robot, 企业微信 and 钉钉 alike),
shared by every worker and node through the database, so it works on SQLite with the filesystem broker too.

A robot is its webhook URL. Each send takes a slot: at most `messages_per_minute` in any 60 seconds, spaced
evenly (60 / limit seconds apart), so a burst of digests is spread out instead of hitting the limit. A
rate-limit answer (企业微信 45009, 钉钉 130101 / 410100) backs the whole robot off for the transport's
`rate_limit_seconds` (a minute for 企业微信, the 10-minute ban for 钉钉): nothing is posted to it before then.
A message that must wait stays pending with the time it may go (Outbox.next_attempt_at); that wait is not
a failed attempt."""

import hashlib
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from plans.models import RobotPace

WINDOW_SECONDS = 60
TRIES = 20  # conditional updates lost to another worker before giving up for this round


def robot_key(channel: str, url: str) -> str:
    return hashlib.sha256(f"{channel}\n{url.strip()}".encode()).hexdigest()


def _pace(key: str) -> RobotPace:
    try:
        with transaction.atomic():
            return RobotPace.objects.get_or_create(robot=key)[0]
    except IntegrityError:  # another worker made it meanwhile
        return RobotPace.objects.get(robot=key)


def next_free(pace: RobotPace, per_minute: int, now: datetime) -> datetime | None:
    """When the robot may take the next message: None if now."""
    moment = now.timestamp()
    sent = [t for t in pace.sent if moment - t < WINDOW_SECONDS]
    earliest = moment
    if pace.backoff_until and pace.backoff_until.timestamp() > earliest:
        earliest = pace.backoff_until.timestamp()
    if sent:
        earliest = max(earliest, sent[-1] + WINDOW_SECONDS / per_minute)
    if len(sent) >= per_minute:
        earliest = max(earliest, sent[-per_minute] + WINDOW_SECONDS)
    return None if earliest <= moment else datetime.fromtimestamp(earliest, tz=now.tzinfo)


def take_slot(key: str, per_minute: int, now: datetime) -> datetime | None:
    """Take a send slot now (returns None), or say when one is free (and take nothing)."""
    for _ in range(TRIES):
        pace = _pace(key)
        wait = next_free(pace, per_minute, now)
        if wait is not None:
            return wait
        moment = now.timestamp()
        sent = [t for t in pace.sent if moment - t < WINDOW_SECONDS] + [moment]
        taken = RobotPace.objects.filter(pk=pace.pk, version=pace.version).update(sent=sent, version=pace.version + 1)
        if taken:
            return None
    return now + timedelta(seconds=WINDOW_SECONDS / per_minute)  # busy: try again shortly


def back_off(key: str, until: datetime) -> None:
    """The robot answered with its rate limit: nothing goes to it before `until`."""
    for _ in range(TRIES):
        pace = _pace(key)
        if pace.backoff_until and pace.backoff_until >= until:
            return
        if RobotPace.objects.filter(pk=pace.pk, version=pace.version).update(
            backoff_until=until, version=pace.version + 1
        ):
            return


def blocked_until(key: str, per_minute: int, now: datetime) -> datetime | None:
    """Read only: when the robot may take a message (None: now)."""
    pace = RobotPace.objects.filter(robot=key).first()
    return next_free(pace, per_minute, now) if pace else None
