"""The stored year rows (plans.models.MilestoneYear, written by plans.tracking.refresh_year_states) against the
occurrences read one by one, after each kind of change made through the portal's own services and by the bulk
writers; and the year filters (年度, 已完成 by year, 期限完成情况) that read them against the Python rules
(tracking.deadline_outcome, is_done_for_year) applied to every node plan."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from plans.choices import MilestoneStatus, Outcome, UnitRole
from plans.demo.accounts import ensure_demo_accounts
from plans.demo.progress import seed_demo_progress
from plans.loading.load import load_plans
from plans.models import Milestone, MilestoneYear, Occurrence, ProgressReport
from plans.tracking import (
    deadline_outcome,
    done_q,
    in_year_q,
    is_done_for_year,
    refresh_next_due,
    year_outcome_q,
)
from plans.workflow import assignment, reporting
from tests.conftest import create_test_users
from tests.helpers import submit

pytestmark = pytest.mark.django_db
TODAY = date(2023, 12, 15)
YEARS = (2022, 2023, 2024, 2025)


def live_rows() -> dict:
    """(node plan, year) → the stored fields, from every occurrence in Python."""
    rows = {}
    for o in Occurrence.objects.order_by("pk"):
        row = rows.setdefault(
            (o.milestone_id, o.due_date.year),
            dict(deadlines=0, undone=0, open_due=None, met_on=None, late_on=None, last_done_on=None),
        )
        if not o.is_deadline:
            continue
        row["deadlines"] += 1
        due, done = o.extended_due_date or o.due_date, o.completed_on
        if done is None:
            row["undone"] += 1
            row["open_due"] = min(filter(None, (row["open_due"], due)))
            continue
        name = "met_on" if done <= due else "late_on"
        row[name] = min(filter(None, (row[name], done)))
        row["last_done_on"] = max(filter(None, (row["last_done_on"], done)))
    return rows


def stored_rows() -> dict:
    fields = ("deadlines", "undone", "open_due", "met_on", "late_on", "last_done_on")
    return {
        (r["milestone_id"], r["year"]): {f: r[f] for f in fields}
        for r in MilestoneYear.objects.values("milestone_id", "year", *fields)
    }


def by_rule(today) -> dict:
    """What each filter should select, by the Python rules over each node plan's occurrences."""
    occurrences = {}
    for o in Occurrence.objects.all():
        occurrences.setdefault(o.milestone_id, []).append(o)
    expected = {}
    for m in Milestone.objects.all():
        mine = occurrences.get(m.pk, [])
        deadline_count = sum(o.is_deadline for o in mine)
        for year in YEARS:
            in_year = [o for o in mine if o.due_date.year == year]
            if in_year:
                expected.setdefault(("year", year), set()).add(m.pk)
            outcomes = [deadline_outcome(o, today) for o in in_year if o.is_deadline]
            for outcome in Outcome:
                if outcome.value in outcomes:
                    expected.setdefault((outcome.value, year), set()).add(m.pk)
            # 已完成 counts a deadline done once approved (done_q has no cut-off date; deadline_outcome does).
            done = [Outcome.MET if o.completed_on else "" for o in in_year if o.is_deadline]
            if is_done_for_year(m.status, deadline_count, done):
                expected.setdefault(("done", year), set()).add(m.pk)
        every = [deadline_outcome(o, today) for o in mine if o.is_deadline]
        for outcome in Outcome:
            if outcome.value in every:
                expected.setdefault((outcome.value, None), set()).add(m.pk)
    return expected


def selected(today) -> dict:
    ids = lambda q: set(Milestone.objects.filter(q).values_list("pk", flat=True))  # noqa: E731
    found = {}
    for year in YEARS:
        found[("year", year)] = ids(in_year_q(year))
        found[("done", year)] = ids(done_q(year))
        for outcome in Outcome:
            found[(outcome.value, year)] = ids(year_outcome_q(outcome.value, year, today))
    for outcome in Outcome:
        found[(outcome.value, None)] = ids(year_outcome_q(outcome.value, None, today))
    return found


def assert_stored_equals_live(today=TODAY):
    assert stored_rows() == live_rows()
    expected, found = by_rule(today), selected(today)
    for key in found:
        assert found[key] == expected.get(key, set()), key
    assert list(Milestone.objects.exclude(deadline_total=0).filter(occurrences=None)) == []


@pytest.fixture
def demo():
    if not Milestone.objects.exists():
        load_plans()
    ensure_demo_accounts()
    assert seed_demo_progress() > 0
    create_test_users()


@time_machine.travel(TODAY, tick=False)
def test_year_rows_follow_every_change_made_through_the_portal(demo, user_named):
    assert_stored_equals_live()
    found = selected(TODAY)
    assert found[("year", 2023)] and found[(Outcome.MISSED.value, 2023)] and found[("done", 2022)]
    liaison, staff = user_named("liaison_hr"), user_named("staff")
    open_deadline = Occurrence.objects.filter(is_deadline=True, completed_on=None, due_date__lt=TODAY)
    milestone = Milestone.objects.filter(
        assignments__unit__name="区人力资源和社会保障局", assignments__role=UnitRole.LEAD, occurrences__in=open_deadline
    ).first()
    occurrence = open_deadline.filter(milestone=milestone).order_by("due_date").first()

    # A report for a deadline, approved late: 未完成 becomes 逾期完成.
    report = submit(liaison, milestone, status=MilestoneStatus.COMPLETED, percent=100, occurrence=occurrence)
    assert_stored_equals_live()
    reporting.review_report(staff, report, True, "同意。", report.version)
    assert Occurrence.objects.get(pk=occurrence.pk).completed_on == TODAY
    assert_stored_equals_live()
    assert milestone.pk in selected(TODAY)[(Outcome.LATE.value, occurrence.due_date.year)]

    # An approved extension of another passed deadline.
    late = open_deadline.exclude(milestone=milestone).filter(
        milestone__assignments__unit__name="区人力资源和社会保障局"
    )
    late = late.filter(milestone__assignments__role=UnitRole.LEAD).first()
    extension = reporting.request_extension(liaison, late.milestone, late, TODAY + timedelta(days=30), "需要时间。")
    reporting.review_extension(staff, extension, True, "同意。")
    assert_stored_equals_live()

    # A status set directly; the approved report deleted (its deadline opened again, as the portal does).
    paused = Milestone.objects.exclude(status=MilestoneStatus.PAUSED).last()
    paused.status = MilestoneStatus.COMPLETED
    paused.save()
    assert_stored_equals_live()
    ProgressReport.objects.filter(pk=report.pk).delete()
    reopened = Occurrence.objects.get(pk=occurrence.pk)
    reopened.completed_on = None
    reopened.save()
    assert_stored_equals_live()

    # The plan's years changed, then a node plan's schedule written again over them: new deadlines.
    plan = milestone.plan
    plan.end_year += 2
    plan.save()
    edited = Milestone.objects.filter(plan=plan).exclude(pk=milestone.pk).first()
    leads = [a.unit for a in edited.assignments.filter(role=UnitRole.LEAD)]
    data = assignment.MilestoneInput(edited.measure, edited.text, "每年12月", leads, [])
    assignment.edit_milestone(staff, edited, edited.version, data)
    assert MilestoneYear.objects.filter(milestone=edited, year=plan.end_year, deadlines=1).exists()
    assert_stored_equals_live()
    created = assignment.create_milestone(
        staff, plan, assignment.MilestoneInput(edited.measure, "新增节点", "2024年6月", leads, [])
    )
    assert MilestoneYear.objects.filter(milestone=created, year=2024).exists()
    Milestone.objects.filter(pk=edited.pk).delete()
    assert not MilestoneYear.objects.filter(milestone_id=edited.pk).exists()
    assert_stored_equals_live()
    for later in (date(2024, 7, 1), date(2025, 1, 2)):  # the same rows judged on other days
        assert_stored_equals_live(later)


@time_machine.travel(TODAY, tick=False)
def test_bulk_writers_keep_the_year_rows(demo):
    MilestoneYear.objects.all().delete()
    Milestone.objects.update(deadline_total=0)
    call_command("rebuild_next_due", stdout=None)  # refresh_next_due for every node plan
    assert_stored_equals_live()
    MilestoneYear.objects.filter(year=2023).delete()
    refresh_next_due()
    assert_stored_equals_live()


@pytest.mark.django_db
def test_gen_synthetic_writes_the_year_rows():
    from bench.synthetic import generate, size_for

    generate(size_for(200), seed=5, today=date(2026, 6, 15), force=True)
    assert stored_rows() == live_rows()
    assert MilestoneYear.objects.filter(milestone__plan__code__startswith="syn-").exists()


@time_machine.travel(TODAY, tick=False)
def test_the_task_list_by_year_reads_the_year_rows(demo, client_as, user_named):
    from plans import access

    staff = client_as("staff")
    expected = by_rule(TODAY)
    # The year filter itself keeps the node plans with a deadline or report period in that year.
    visible = access.milestones(user_named("staff")).active().filter(pk__in=expected[("year", 2023)])
    open_2023 = visible.exclude(pk__in=expected[("done", 2023)]).count()
    page = staff.get(reverse("plans:task_list"), {"done": "false", "year": "2023"}).content.decode()
    assert f"共 {open_2023} 个节点计划" in page
    for outcome in Outcome:
        page = staff.get(reverse("plans:task_list"), {"outcome": outcome.value, "year": "2023"}).content.decode()
        count = visible.filter(pk__in=expected.get((outcome.value, 2023), set())).count()
        assert f"共 {count} 个节点计划" in page, outcome
