"""The deadline rules are defined once (plans.tracking) and every copy agrees with them."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from plans import tracking
from plans.choices import Rag
from plans.models import Milestone, Occurrence
from plans.tracking import with_tracking

pytestmark = pytest.mark.django_db


def _row_34():
    """Row 34 of 000 (江海区“人才强区”): one deadline, 2022年12月 → 2022-12-31, nothing reported."""
    return Milestone.objects.get(plan__code="jianghai-rcqq-2022", position=34)


def test_sql_light_and_python_window_agree_at_the_edges_of_the_window():
    milestone, due = _row_34(), date(2022, 12, 31)
    window = timedelta(days=tracking.YELLOW_WITHIN_DAYS)
    for today, expected in [
        (due - window - timedelta(days=1), Rag.GREEN),  # one day before the window opens
        (due - window, Rag.YELLOW),  # first day of the window
        (due, Rag.YELLOW),  # the due date itself
        (due + timedelta(days=1), Rag.RED),  # overdue
    ]:
        sql = with_tracking(Milestone.objects.filter(pk=milestone.pk), today).get().rag
        assert sql == expected, today
        python_yellow = tracking.in_yellow_window(due, today)
        assert python_yellow == (expected == Rag.YELLOW) and tracking.is_overdue(due, today) == (expected == Rag.RED)


def test_open_deadlines_and_the_effective_due_date_agree_in_sql_and_python():
    occurrence = _row_34().occurrences.get()
    occurrence.extended_due_date = date(2023, 3, 31)
    occurrence.save()
    annotated = Occurrence.objects.open_deadlines().get(pk=occurrence.pk)
    assert annotated.effective_due == occurrence.effective_due_date == date(2023, 3, 31)
    assert occurrence.is_open
    # Row 34 is one-off (its only deadline): recorded 未完成 by 年度销号, it is still owed, so still open.
    occurrence.outcome = "missed"
    occurrence.save()
    assert Occurrence.objects.open_deadlines().filter(pk=occurrence.pk).exists()
    occurrence.refresh_from_db()
    assert occurrence.is_open
    occurrence.completed_on, occurrence.outcome = date(2023, 5, 1), "late"  # done after the close: closed
    occurrence.save()
    assert not Occurrence.objects.open_deadlines().filter(pk=occurrence.pk).exists()
    occurrence.refresh_from_db()
    assert not occurrence.is_open


def test_pages_show_the_rule_text_from_its_one_definition(client_as):
    assert tracking.LIGHT_RULE in client_as("staff").get("/tasks/").content.decode()
    assert tracking.INDICATOR_LIGHT_RULE in client_as("staff").get("/dashboard/").content.decode()


def test_no_template_restates_a_number_of_days():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number in re.findall(r"\d+\s*天", path.read_text(encoding="utf-8")):
            offenders.append(f"{path.name}: {number}")
    assert offenders == []
