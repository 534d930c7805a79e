"""The light (rag) and the last report on stored columns (Milestone.latest_report_at, next_deadline_approved,
written by plans.tracking.refresh_report_columns), against the reports read one by one, after the changes that
move them; and the light's filter (tracking.rag_q) and sort against the light rule applied in Python."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.choices import MilestoneStatus, Rag, ReportState, UnitRole
from plans.demo.accounts import ensure_demo_accounts
from plans.demo.progress import seed_demo_progress
from plans.loading.load import load_plans
from plans.models import Milestone, Occurrence, ProgressReport
from plans.tracking import rag_q, refresh_next_due, with_tracking
from plans.workflow import reporting
from talentplan.lib.light import in_yellow_window, is_overdue
from tests.conftest import create_test_users
from tests.helpers import submit

pytestmark = pytest.mark.django_db
TODAY = date(2023, 12, 15)


def live_columns() -> dict:
    latest, approved = {}, set()
    for r in ProgressReport.objects.all():
        latest[r.milestone_id] = max(filter(None, (latest.get(r.milestone_id), r.submitted_at)))
        if r.state == ReportState.APPROVED and r.occurrence_id:
            approved.add(r.occurrence_id)
    return {m.pk: (latest.get(m.pk), m.next_deadline_id in approved) for m in Milestone.objects.all()}


def stored_columns() -> dict:
    rows = Milestone.objects.values_list("pk", "latest_report_at", "next_deadline_approved")
    return {pk: (at, approved) for pk, at, approved in rows}


def light_by_rule(m, today, approved: bool) -> str:
    """tracking.LIGHT_RULE in Python: 人工指定 first, 暂缓 grey, overdue or 滞后 red, due within the yellow
    window and not yet approved yellow, else green."""
    if m.rag_override:
        return m.rag_override
    if m.status == MilestoneStatus.PAUSED:
        return Rag.GREY
    if is_overdue(m.next_due_date, today) or m.status == MilestoneStatus.LAGGING:
        return Rag.RED
    if in_yellow_window(m.next_due_date, today) and not approved:
        return Rag.YELLOW
    return Rag.GREEN


def assert_stored_equals_live(today=TODAY):
    live = live_columns()
    assert stored_columns() == live
    milestones = list(Milestone.objects.all())
    expected = {m.pk: light_by_rule(m, today, live[m.pk][1]) for m in milestones}
    annotated = dict(with_tracking(Milestone.objects.all(), today).values_list("pk", "rag"))
    assert annotated == expected
    for rag in Rag:
        found = set(Milestone.objects.filter(rag_q(rag.value, today)).values_list("pk", flat=True))
        assert found == {pk for pk, light in expected.items() if light == rag.value}, rag


@pytest.fixture
def demo():
    if not Milestone.objects.exists():
        load_plans()
    ensure_demo_accounts()
    assert seed_demo_progress() > 0
    create_test_users()


@time_machine.travel(TODAY, tick=False)
def test_stored_columns_follow_reports_reviews_and_deadlines(demo, user_named):
    assert_stored_equals_live()
    liaison, staff = user_named("liaison_hr"), user_named("staff")
    milestone = Milestone.objects.filter(
        assignments__unit__name="区人力资源和社会保障局",
        assignments__role=UnitRole.LEAD,
        next_deadline_id__isnull=False,
    ).first()
    nearest = Occurrence.objects.get(pk=milestone.next_deadline_id)
    nearest.extended_due_date = TODAY + timedelta(days=5)  # into the yellow window
    nearest.save()
    assert_stored_equals_live()
    report = submit(liaison, milestone, percent=60, occurrence=nearest)
    assert Milestone.objects.get(pk=milestone.pk).latest_report_at >= report.submitted_at
    assert_stored_equals_live()
    reporting.review_report(staff, report, True, "同意。", report.version)  # approved: no longer yellow
    assert Milestone.objects.get(pk=milestone.pk).next_deadline_approved
    assert_stored_equals_live()
    ProgressReport.objects.filter(pk=report.pk).delete()
    assert_stored_equals_live()
    for later in (TODAY + timedelta(days=10), date(2025, 1, 2)):
        assert_stored_equals_live(later)


@time_machine.travel(TODAY, tick=False)
def test_bulk_writers_keep_the_columns(demo):
    Milestone.objects.update(latest_report_at=None, next_deadline_approved=True)
    refresh_next_due()  # as gen_synthetic and rebuild_next_due call it
    assert_stored_equals_live()


@time_machine.travel(TODAY, tick=False)
def test_the_list_filters_and_sorts_the_light_and_the_last_report_without_reading_the_reports(demo, client_as):
    staff = client_as("staff")
    for params in ({"rag": "red"}, {"rag": "yellow"}, {"sort": "rag"}, {"sort": "-last_report_at"}):
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(reverse("plans:task_list"), params).status_code == 200
        # The page's id query (the first over the node plans with an ORDER BY) reads no report.
        ids = next(
            q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"] and "plans_milestone" in q["sql"]
        )
        assert "plans_progressreport" not in ids, params
