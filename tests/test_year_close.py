"""年度销号: every deadline of the year is recorded met or missed, and the next year's become the ones due."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from plans.models import Milestone, Occurrence, Plan
from plans.queries import task_queryset
from plans.workflow import reporting
from plans.workflow.year_close import close_year
from tests.fixture_reading import node_plan_rows
from tests.helpers import submit

pytestmark = pytest.mark.django_db


def deadlines_in_2022(code):
    """From the worklist and commitments: one-off 2022 dates once each; yearly phrases once; 每年下半年 /
    每两年下半年 once (a commitment's 每年 is its schedule column)."""
    count = 0
    for row in node_plan_rows(code):
        due = (row["due"] or row["schedule"]).replace(" ", "")
        if due.startswith("2022年") or due.startswith("每年") or due.startswith("每两年"):
            count += 1
    return count


def test_closing_2022_records_met_and_missed(user_named):
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    yearly = Milestone.objects.get(plan=plan, position=6)  # 每年12月, 区人社局
    occurrence_2022 = yearly.occurrences.get(label="2022年12月")
    with time_machine.travel(date(2022, 12, 10), tick=False):
        report = submit(user_named("liaison_hr"), yearly, status="completed", percent=100, occurrence=occurrence_2022)
        reporting.review_report(user_named("staff"), report, True, "", report.version)
    with time_machine.travel(date(2023, 1, 5), tick=False):
        closure = close_year(user_named("staff"), plan, 2022)
        assert (closure.met_count, closure.missed_count) == (1, deadlines_in_2022("jianghai-rcqq-2022") - 1)
        occurrence_2022.refresh_from_db()
        assert occurrence_2022.outcome == "met"
        assert occurrence_2022.history.filter(history_change_reason__startswith="2022年度销号", outcome="met").exists()
        assert (
            Occurrence.objects.filter(milestone__plan=plan, due_date__year=2022, outcome="missed").count()
            == closure.missed_count
        )
        # The 2023 occurrence is now the one due, for the met and the missed alike.
        tasks = {m.pk: m for m in task_queryset(user_named("staff")).filter(plan=plan)}
        assert tasks[yearly.pk].next_due == date(2023, 12, 31)
        missed_yearly = Milestone.objects.get(plan=plan, position=7)
        assert tasks[missed_yearly.pk].next_due == date(2023, 12, 31)
        with pytest.raises(ValidationError, match="已经销号"):
            close_year(user_named("staff"), plan, 2022)


def test_only_staff_close_and_only_past_or_current_years(user_named):
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    with pytest.raises(ValidationError, match="不在该计划的实施年度"):
        close_year(user_named("staff"), plan, 2025)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        close_year(user_named("leader"), plan, 2022)
    with time_machine.travel(date(2022, 6, 1), tick=False), pytest.raises(ValidationError, match="尚未到来"):
        close_year(user_named("staff"), plan, 2023)
