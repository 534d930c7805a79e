"""Reminder service tests against a fixed calendar, with time frozen in Asia/Shanghai."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from plans.models import Milestone, Outbox, Plan
from plans.notifications.daily_run import run_reminders
from plans.notifications.due import open_items, plan_digests
from plans.notifications.outbox import record_digests
from plans.tasks import send_daily_reminders
from plans.workflow import reporting
from tests.helpers import submit

pytestmark = pytest.mark.django_db
RCQQ, BSH = ["jianghai-rcqq-2022"], ["jianghai-bsh-2022"]


def milestone(code, position):
    return Milestone.objects.get(plan__code=code, position=position)


def trigger_days(milestone_obj, start: date, end: date, codes, due: date | None = None) -> list[date]:
    """The days on which this node plan's deadline (optionally: the one due on `due`) triggers a reminder."""
    days, day = [], start
    while day <= end:
        items = open_items(day, codes)
        if any(i.milestone_id == milestone_obj.pk and i.triggered and due in (None, i.due) for i in items):
            days.append(day)
        day += timedelta(days=1)
    return days


def test_one_off_date_is_reminded_30_7_and_1_days_before():
    one_off = milestone("jianghai-rcqq-2022", 34)  # 2022年12月, 区人社局 leads
    assert one_off.due_text == "2022年12月"
    days = trigger_days(one_off, date(2022, 11, 1), date(2022, 12, 31), RCQQ)
    assert days == [date(2022, 12, 1), date(2022, 12, 24), date(2022, 12, 30)]
    digest = next(
        d for d in plan_digests(date(2022, 12, 1), RCQQ) if d.unit and d.unit.name == "区人力资源和社会保障局"
    )
    assert one_off.pk in [i.milestone_id for i in digest.items]


def test_yearly_december_has_three_occurrences_and_nothing_after_the_last_year():
    yearly = milestone("jianghai-rcqq-2022", 6)  # 每年12月
    assert yearly.due_text == "每年12月"
    for year in (2022, 2023, 2024):
        assert trigger_days(yearly, date(year, 11, 25), date(year, 12, 31), RCQQ, date(year, 12, 31)) == [
            date(year, 12, 1),
            date(year, 12, 24),
            date(year, 12, 30),
        ]
    upcoming_2025 = [i for i in open_items(date(2025, 12, 1), RCQQ) if i.milestone_id == yearly.pk and i.days_left >= 0]
    assert upcoming_2025 == []


def test_second_half_of_every_year():
    half = Milestone.objects.get(plan__code="jianghai-bsh-2022", due_text="每年下半年")
    for year in (2022, 2023, 2024):
        assert trigger_days(half, date(year, 11, 25), date(year, 12, 31), BSH, date(year, 12, 31)) == [
            date(year, 12, 1),
            date(year, 12, 24),
            date(year, 12, 30),
        ]


def test_second_half_every_two_years():
    biennial = Milestone.objects.get(plan__code="jianghai-bsh-2022", due_text="每两年下半年")
    assert trigger_days(biennial, date(2022, 11, 25), date(2022, 12, 31), BSH) == [
        date(2022, 12, 1),
        date(2022, 12, 24),
        date(2022, 12, 30),
    ]
    assert trigger_days(biennial, date(2023, 11, 25), date(2023, 12, 31), BSH, date(2023, 12, 31)) == []
    assert len(trigger_days(biennial, date(2024, 11, 25), date(2024, 12, 31), BSH, date(2024, 12, 31))) == 3


def test_ongoing_work_gets_a_quarterly_report_request(user_named):
    ongoing = milestone("jianghai-bsh-2022", 5)  # 长期推进, 区人社局 leads
    assert ongoing.due_text == "长期推进"
    requests = trigger_days(ongoing, date(2022, 1, 1), date(2022, 12, 31), BSH)
    assert requests == [date(2022, 3, 24), date(2022, 6, 23), date(2022, 9, 23), date(2022, 12, 24)]
    with time_machine.travel(date(2022, 5, 10), tick=False):
        submit(user_named("liaison_hr"), ongoing)  # a report within the second quarter
    assert not any(i.milestone_id == ongoing.pk for i in open_items(date(2022, 6, 23), BSH))


def test_on_demand_work_is_never_reminded():
    on_demand = set(Milestone.objects.filter(due_text="按需开展").values_list("pk", flat=True))  # rcqq rows 37, 40
    assert on_demand
    day = date(2022, 1, 1)
    while day <= date(2025, 1, 31):
        assert not on_demand & {i.milestone_id for i in open_items(day, RCQQ)}
        day += timedelta(days=11)


def test_overdue_is_reminded_weekly_until_a_report_is_approved(user_named):
    one_off = milestone("jianghai-rcqq-2022", 34)  # due 2022-12-31
    assert trigger_days(one_off, date(2023, 1, 1), date(2023, 1, 21), RCQQ) == [
        date(2023, 1, 7),
        date(2023, 1, 14),
        date(2023, 1, 21),
    ]
    report = submit(user_named("liaison_hr"), one_off, occurrence=one_off.occurrences.get())
    reporting.review_report(user_named("staff"), report, True, "", report.version)
    assert trigger_days(one_off, date(2023, 1, 22), date(2023, 2, 28), RCQQ) == []


def test_an_approved_extension_stops_overdue_reminders(user_named):
    one_off = milestone("jianghai-rcqq-2022", 34)
    occurrence = one_off.occurrences.get()
    with time_machine.travel(date(2023, 1, 3), tick=False):
        extension = reporting.request_extension(
            user_named("liaison_hr"), one_off, occurrence, date(2023, 3, 31), "待上级批复"
        )
        reporting.review_extension(user_named("staff"), extension, True, "同意")
    assert trigger_days(one_off, date(2023, 1, 4), date(2023, 2, 27), RCQQ) == []
    assert trigger_days(one_off, date(2023, 3, 1), date(2023, 3, 31), RCQQ) == [
        date(2023, 3, 1),
        date(2023, 3, 24),
        date(2023, 3, 30),
    ]


def test_escalation_after_14_days_overdue_goes_to_the_overseeing_leader_once(user_named):
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    plan.overseer = user_named("leader")
    plan.save()
    one_off = milestone("jianghai-rcqq-2022", 34)

    def escalated(day):
        return {i.milestone_id for d in plan_digests(day, RCQQ) if d.kind == "escalation" for i in d.items}

    assert one_off.pk not in escalated(date(2023, 1, 14))  # 14 days overdue: not yet more than 14
    assert one_off.pk in escalated(date(2023, 1, 15))
    record_digests(date(2023, 1, 15), RCQQ)
    assert one_off.pk not in escalated(date(2023, 1, 21))  # reported once
    digest = next(d for d in plan_digests(date(2023, 1, 15), BSH) if d.kind == "escalation")
    assert digest.user == user_named("leader")


@pytest.mark.parametrize(
    "moment, today",
    [
        (datetime(2022, 12, 30, 15, 59, tzinfo=UTC), date(2022, 12, 30)),  # 23:59 in Shanghai: 1 day before
        (datetime(2022, 12, 30, 16, 1, tzinfo=UTC), date(2022, 12, 31)),  # 00:01 in Shanghai: due today
        (datetime(2022, 12, 31, 16, 30, tzinfo=UTC), date(2023, 1, 1)),  # new year in Shanghai: 1 day overdue
    ],
)
def test_midnight_and_year_end_are_taken_in_asia_shanghai(moment, today):
    one_off = milestone("jianghai-rcqq-2022", 34)  # due 2022-12-31
    with time_machine.travel(moment, tick=False):
        send_daily_reminders()
    rows = Outbox.objects.filter(unit__name="区人力资源和社会保障局", kind="unit_digest", channel="email")
    assert set(Outbox.objects.values_list("date", flat=True)) == {today}
    listed = any(one_off.pk in [i["milestone_id"] for i in row.items] for row in rows)
    assert listed == (today == date(2022, 12, 30))  # only the day before is a reminder day


def test_running_twice_on_the_same_day_sends_once(user_named):
    for name in ("liaison_hr", "staff"):
        user = user_named(name)
        user.email = f"{name}@example.gov.cn"
        user.save()
    first = run_reminders(date(2022, 12, 1), RCQQ)
    sent = len(mail.outbox)
    assert first.created > 0 and sent > 0
    second = run_reminders(date(2022, 12, 1), RCQQ)
    # Nothing new; the escalation made by the first run is not planned again (it is recorded once).
    assert second.created == 0 and second.existing == first.created - Outbox.objects.filter(kind="escalation").count()
    assert len(mail.outbox) == sent  # nothing sent twice
    assert Outbox.objects.filter(date=date(2022, 12, 1)).count() == first.created
    hr_mail = [m for m in mail.outbox if "liaison_hr@example.gov.cn" in m.to]
    assert len(hr_mail) == 1 and "到期提醒" in hr_mail[0].subject and "还有 30 天" in hr_mail[0].body
    assert user_named("liaison_hr").notifications.count() == 1


def test_a_row_made_by_a_parallel_run_meanwhile_is_left_alone_and_the_rest_created(user_named, monkeypatch):
    """Between the job's read of the day's rows and its batch insert, another run creates one of them:
    the batch falls back to one row at a time, that row keeps the other run's content, nothing is lost."""
    from plans.notifications import outbox as outbox_service

    day = date(2022, 12, 1)
    planned = {(d.recipient_key, d.kind) for d in plan_digests(day, RCQQ) if d.unit}
    hr_key = f"unit:{user_named('liaison_hr').memberships.get().unit_id}"
    assert (hr_key, "unit_digest") in planned
    addresses = outbox_service._unit_addresses

    def parallel_run_meanwhile(units):
        Outbox.objects.create(
            recipient_key=hr_key, channel="email", date=day, kind="unit_digest", subject="另一次运行", body_text="-"
        )
        return addresses(units)

    monkeypatch.setattr(outbox_service, "_unit_addresses", parallel_run_meanwhile)
    report = record_digests(day, RCQQ)
    rows = Outbox.objects.filter(date=day)
    assert report.existing == 1 and report.created == rows.count() - 1 > 0
    assert rows.get(recipient_key=hr_key, kind="unit_digest", channel="email").subject == "另一次运行"
    assert {(r.recipient_key, r.kind) for r in rows} >= planned
    # The rows this run created carry their in-app notifications (the other run's row is its business).
    for_people = rows.filter(user__isnull=False)
    assert for_people and all(r.notifications.filter(user=r.user).exists() for r in for_people)
    assert not rows.get(recipient_key=hr_key, kind="unit_digest").notifications.exists()
