"""Milestone.next_due_date equals the rule (earliest effective date among open deadlines) after every write path."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F

from plans.models import Milestone, Plan
from plans.workflow import reporting
from plans.workflow.year_close import close_year
from tests.helpers import milestone_led_by, submit

pytestmark = pytest.mark.django_db


def rule(milestone) -> tuple:
    """Worked out in Python from the occurrences themselves: open = a deadline not met, and either not closed
    or closed 未完成 with no later deadline of the same node plan (a one-off stays owed until it is done)."""
    deadlines = [o for o in milestone.occurrences.all() if o.is_deadline]

    def still_owed(o):
        return o.outcome == "missed" and not any(d.due_date > o.due_date for d in deadlines)

    open_deadlines = [o for o in deadlines if o.completed_on is None and (o.outcome == "" or still_owed(o))]
    if not open_deadlines:
        return None, None
    first = min(open_deadlines, key=lambda o: (o.extended_due_date or o.due_date, o.pk))
    return first.extended_due_date or first.due_date, first.pk


def assert_column_matches(milestones=None):
    for milestone in milestones or Milestone.objects.prefetch_related("occurrences"):
        milestone.refresh_from_db(fields=["next_due_date", "next_deadline_id"])
        assert (milestone.next_due_date, milestone.next_deadline_id) == rule(milestone), milestone.pk


def test_loaded_plans_have_the_column_filled():
    assert Milestone.objects.filter(next_due_date__isnull=False).exists()
    assert_column_matches()


def test_approving_a_completed_report_moves_to_the_next_deadline(user_named):
    yearly = Milestone.objects.get(plan__code="jianghai-rcqq-2022", position=6)  # 每年12月: three deadlines
    first = yearly.occurrences.filter(is_deadline=True).order_by("due_date").first()
    assert yearly.next_deadline_id == first.pk
    with time_machine.travel(date(2022, 12, 10), tick=False):
        report = submit(user_named("liaison_hr"), yearly, status="completed", percent=100, occurrence=first)
        reporting.review_report(user_named("staff"), report, True, "", report.version)
    yearly.refresh_from_db()
    assert yearly.next_deadline_id != first.pk
    assert_column_matches([yearly])


def test_an_approved_extension_moves_the_date(user_named):
    milestone = milestone_led_by("区人力资源和社会保障局")
    occurrence = milestone.occurrences.get(pk=milestone.next_deadline_id)
    new_date = date(occurrence.due_date.year + 5, 6, 30)  # later than every other deadline of the plan
    with time_machine.travel(occurrence.due_date.replace(day=1), tick=False):
        extension = reporting.request_extension(
            user_named("liaison_hr"), milestone, occurrence, new_date, "需要更多时间", beyond_plan_confirmed=True
        )
        reporting.review_extension(user_named("staff"), extension, True, "同意")
    assert_column_matches([milestone])


def test_closing_a_year_and_recomputing_occurrences(user_named):
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    with time_machine.travel(date(2023, 1, 5), tick=False):
        close_year(user_named("staff"), plan, 2022)
    assert_column_matches(plan.milestones.prefetch_related("occurrences"))
    # A one-off closed 未完成 keeps its passed deadline as the next one (it is still 逾期未完成).
    assert plan.milestones.filter(
        next_due_date__year=2022, occurrences__pk=F("next_deadline_id"), occurrences__outcome="missed"
    ).exists()
    milestone = plan.milestones.exclude(next_deadline_id=None).first()
    milestone.occurrences.get(pk=milestone.next_deadline_id).delete()  # as the loader does when a phrase changes
    assert_column_matches([milestone])


def test_rebuild_command_repairs_a_stale_column():
    Milestone.objects.update(next_due_date=date(2000, 1, 1), next_deadline_id=None)
    out = StringIO()
    call_command("rebuild_next_due", stdout=out)
    assert "已重新计算" in out.getvalue()
    assert_column_matches()
