"""A missed week is made good by one catch-up per unit (dated the day it runs), not one message per missed day:
every deadline that would have triggered on a missed day is in it, and the missed days count as done."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from plans.models import Outbox, ReminderRun
from plans.notifications.daily_run import run_reminders
from plans.notifications.due import plan_digests

pytestmark = pytest.mark.django_db
TODAY = date(2022, 12, 8)
WEEK_AGO = TODAY - timedelta(days=7)


def test_a_missed_week_goes_out_as_one_catch_up_per_unit(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now()
    ReminderRun.objects.create(date=WEEK_AGO, started_at=now, completed_at=now)  # then six mornings missed
    daily = {  # what the seven days would have sent one by one: unit -> days
        digest.recipient_key: []
        for day in range(1, 8)
        for digest in plan_digests(WEEK_AGO + timedelta(days=day))
        if digest.unit is not None and digest.kind == "unit_digest"
    }
    for day in range(1, 8):
        for digest in plan_digests(WEEK_AGO + timedelta(days=day)):
            if digest.unit is not None and digest.kind == "unit_digest":
                daily[digest.recipient_key].append({i.occurrence_id for i in digest.items if i.triggered})
    assert sum(len(days) for days in daily.values()) > len(daily)  # some unit would have heard more than once

    run_reminders(TODAY)
    rows = Outbox.objects.filter(kind="unit_digest")
    assert {row.date for row in rows} == {TODAY}
    per_unit = {}
    for row in rows:
        per_unit.setdefault(row.recipient_key, set()).add(row.channel)
    # One catch-up per unit and channel, and every unit that would have been reminded on any missed day is.
    assert rows.count() == sum(len(channels) for channels in per_unit.values())
    assert set(per_unit) == set(daily)
    for key, days in daily.items():
        row = rows.filter(recipient_key=key).first()
        listed = {item["occurrence_id"] for item in row.items}
        assert set().union(*days) <= listed, key  # every item that triggered on a missed day is in it
    done = set(ReminderRun.objects.filter(completed_at__isnull=False).values_list("date", flat=True))
    assert {WEEK_AGO + timedelta(days=n) for n in range(1, 8)} <= done


def test_an_ordinary_day_is_unchanged(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now()
    ReminderRun.objects.create(date=TODAY - timedelta(days=1), started_at=now, completed_at=now)
    run_reminders(TODAY)
    expected = {d.recipient_key for d in plan_digests(TODAY) if d.kind == "unit_digest"}
    assert set(Outbox.objects.filter(kind="unit_digest").values_list("recipient_key", flat=True)) == expected
