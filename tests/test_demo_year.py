"""The demo year: past deadlines of the demo liaisons played through the real services at their dates."""

from datetime import date, timedelta

import pytest
import time_machine

from plans.choices import ReportState
from plans.demo import seed_demo_progress
from plans.demo_year import FATES, fate_of, seed_demo_year
from plans.models import Occurrence, ProgressReport
from units.demo import ensure_demo_accounts

pytestmark = pytest.mark.django_db


def test_fates_are_six_on_time_two_late_one_overdue_one_returned_in_ten():
    # (position × 3 + index) mod 10 walks all ten slots for positions 0..9 with index 0.
    assert sorted(fate_of(p, 0) for p in range(10)) == sorted(FATES)
    assert FATES.count("on_time") == 6 and FATES.count("late") == 2
    # Slots 0–5 on time, 6–7 late, 8 overdue, 9 returned: position 1 → slot 3, 2 → 6, 3 → 9, 6 → 18 mod 10 = 8.
    assert [fate_of(p, 0) for p in (1, 2, 3, 6)] == ["on_time", "late", "returned", "overdue"]


@time_machine.travel(date(2023, 12, 15), tick=False)
def test_every_past_deadline_gets_its_fate_at_its_own_dates():
    ensure_demo_accounts()
    seed_demo_progress()
    counts = seed_demo_year(date(2023, 12, 15))
    assert counts["on_time"] > counts["late"] > 0 and counts["overdue"] > 0 and counts["returned"] > 0
    assert counts["on_time"] * 2 > sum(counts.values())  # most deadlines met on time

    seeded = ProgressReport.objects.filter(
        narrative__in=["已完成，佐证材料已上传。", "正在推进，部分工作尚未完成。", "已完成。"]
    )
    for report in seeded.select_related("occurrence", "milestone"):
        occurrence = Occurrence.objects.get(pk=report.occurrence_id)
        due = occurrence.due_date
        index = list(
            report.milestone.occurrences.filter(is_deadline=True, due_date__lt=date(2023, 12, 15))
            .order_by("due_date")
            .values_list("pk", flat=True)
        ).index(occurrence.pk)
        fate = fate_of(report.milestone.position, index)
        if fate == "late" and due + timedelta(days=23) >= date(2023, 12, 15):
            fate = "overdue"
        # Submitted 10 days before (on time) or 20 days after (late) the deadline; approved 3 days later.
        if fate == "on_time":
            assert occurrence.completed_on == due - timedelta(days=7) and occurrence.completed_on_time
        elif fate == "late":
            assert occurrence.completed_on == due + timedelta(days=23) and not occurrence.completed_on_time
        elif fate == "overdue":
            assert occurrence.completed_on is None and report.state == ReportState.APPROVED
        else:
            assert occurrence.completed_on is None and report.state == ReportState.RETURNED
            assert "佐证材料" in report.review_comment
        assert report.submitted_at.date() < date(2023, 12, 15)
