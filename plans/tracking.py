"""Where each node plan stands, computed in the database so lists stay at a fixed number of queries.

RAG (红黄绿灯) rule, the same everywhere (README, help text, reminders):
  - a staff override, when set, wins (its reason is recorded in history);
  - 暂缓 (paused) is grey;
  - red when the next open deadline has passed (overdue), or the status is 滞后;
  - yellow when the next open deadline is within 7 days and no report for it has been approved;
  - green otherwise (on track, completed, ongoing work with nothing due).
"""

from datetime import date, timedelta

from django.db.models import Case, CharField, DateField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from .choices import MilestoneStatus, Rag, ReportKind, ReportState
from .models import Occurrence, ProgressReport

YELLOW_WITHIN_DAYS = 7


def open_deadlines():
    """Deadlines not yet met nor closed by 年度销号, each with its effective date (an extension replaces it)."""
    return Occurrence.objects.filter(is_deadline=True, completed_on__isnull=True, outcome="").annotate(
        effective_due=Coalesce("extended_due_date", "due_date", output_field=DateField())
    )


def with_tracking(queryset, today: date):
    next_open = open_deadlines().filter(milestone=OuterRef("pk")).order_by("effective_due")
    latest_report = ProgressReport.objects.filter(milestone=OuterRef("pk")).order_by("-submitted_at")
    latest_consolidated = latest_report.filter(kind=ReportKind.CONSOLIDATED)
    queryset = queryset.annotate(
        next_due=Subquery(next_open.values("effective_due")[:1], output_field=DateField()),
        next_occurrence_id=Subquery(next_open.values("pk")[:1]),
        last_report_at=Subquery(latest_report.values("submitted_at")[:1]),
        last_report_state=Subquery(latest_consolidated.values("state")[:1], output_field=CharField()),
    )
    approved_for_next = ProgressReport.objects.filter(
        occurrence_id=OuterRef("next_occurrence_id"), state=ReportState.APPROVED
    )
    return queryset.annotate(
        next_approved=Exists(approved_for_next),
        rag=Case(
            When(~Q(rag_override=""), then=F("rag_override")),
            When(status=MilestoneStatus.PAUSED, then=Value(Rag.GREY)),
            When(next_due__lt=today, then=Value(Rag.RED)),
            When(status=MilestoneStatus.LAGGING, then=Value(Rag.RED)),
            When(next_due__lte=today + timedelta(days=YELLOW_WITHIN_DAYS), next_approved=False, then=Value(Rag.YELLOW)),
            default=Value(Rag.GREEN),
            output_field=CharField(),
        ),
    )


def overdue(queryset, today: date):
    return queryset.filter(next_due__lt=today)


def due_within(queryset, today: date, days: int):
    return queryset.filter(next_due__gte=today, next_due__lte=today + timedelta(days=days))


def occurrence_state(occurrence, today: date, approved_occurrence_ids: set[int]) -> tuple[str, str]:
    """(label, bootstrap colour) for one occurrence on the detail page."""
    if occurrence.outcome:
        return ("销号：按期完成", "success") if occurrence.outcome == "met" else ("销号：未按期完成", "danger")
    if occurrence.completed_on:
        return f"已完成（{occurrence.completed_on:%Y-%m-%d}）", "success"
    if not occurrence.is_deadline:
        if occurrence.pk in approved_occurrence_ids:
            return "已报送", "success"
        return ("报送期", "secondary") if occurrence.due_date >= today else ("未报送", "warning")
    due = occurrence.effective_due_date
    if due < today:
        return "已逾期", "danger"
    if occurrence.pk in approved_occurrence_ids:
        return "进展已审核", "success"
    if due <= today + timedelta(days=YELLOW_WITHIN_DAYS):
        return "即将到期", "warning"
    if occurrence.start_date > today:
        return "未开始", "secondary"
    return "进行中", "primary"
