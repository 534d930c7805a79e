"""The deadline rules, each defined once: overdue, due soon, the yellow window and the light (红黄绿灯).

Node plans get them as SQL annotations (`with_tracking`), so lists stay at a fixed number of queries;
indicators (targets.trajectory), the dashboard, the bulletin and the detail page use the Python
predicates below; templates show the rule's text from here (`{% light_rule %}`), never a number.
What an open deadline is and its effective due date are defined on the Occurrence model
(`Occurrence.objects.open_deadlines()`, `occurrence.effective_due_date`).

The light:
  - a staff override, when set, wins (its reason is recorded in history);
  - 暂缓 (paused) is grey;
  - red when the next open deadline has passed (overdue), or the status is 滞后;
  - yellow when the next open deadline is within the yellow window and no report for it has been approved;
  - green otherwise (on track, completed, ongoing work with nothing due).
"""

from datetime import date, timedelta

from django.db.models import Case, CharField, DateField, Exists, F, OuterRef, Q, Subquery, Value, When

from talentplan.lib.dates import cn_date

from .choices import MilestoneStatus, Rag, ReportKind, ReportState
from .models import Occurrence, ProgressReport

YELLOW_WITHIN_DAYS = 7  # the yellow window
DUE_SOON_DAYS = 30  # "due soon" on the dashboard, the plan page and the bulletin

LIGHT_RULE = (
    f"逾期或状态为“滞后”为红灯；{YELLOW_WITHIN_DAYS} 天内到期且该期进展尚未审核通过为黄灯；“暂缓”为灰灯；其余为绿灯。"
)
INDICATOR_LIGHT_RULE = (
    f"上一个考核年度末未达计划为红灯；{YELLOW_WITHIN_DAYS} 天内到考核时点且当年实际值未审核为黄灯；其余为绿灯。"
)
DUE_SOON_LABEL = f"{DUE_SOON_DAYS}天内到期"


# --- Python: for one date ----------------------------------------------------------------------------


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


def is_due_within(due: date | None, today: date, days: int) -> bool:
    return due is not None and today <= due <= today + timedelta(days=days)


def is_due_soon(due: date | None, today: date) -> bool:
    return is_due_within(due, today, DUE_SOON_DAYS)


def in_yellow_window(due: date | None, today: date) -> bool:
    return is_due_within(due, today, YELLOW_WITHIN_DAYS)


# --- SQL: the same rules over a date column ----------------------------------------------------------


def overdue_q(field: str, today: date) -> Q:
    return Q(**{f"{field}__lt": today})


def due_within_q(field: str, today: date, days: int) -> Q:
    return Q(**{f"{field}__gte": today, f"{field}__lte": today + timedelta(days=days)})


def with_tracking(queryset, today: date):
    next_open = Occurrence.objects.open_deadlines().filter(milestone=OuterRef("pk")).order_by("effective_due")
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
            When(overdue_q("next_due", today), then=Value(Rag.RED)),
            When(status=MilestoneStatus.LAGGING, then=Value(Rag.RED)),
            When(due_within_q("next_due", today, YELLOW_WITHIN_DAYS), next_approved=False, then=Value(Rag.YELLOW)),
            default=Value(Rag.GREEN),
            output_field=CharField(),
        ),
    )


def overdue(queryset, today: date):
    return queryset.filter(overdue_q("next_due", today))


def due_within(queryset, today: date, days: int):
    return queryset.filter(due_within_q("next_due", today, days))


def occurrence_state(occurrence, today: date, approved_occurrence_ids: set[int]) -> tuple[str, str]:
    """(label, bootstrap colour) for one occurrence on the detail page."""
    if occurrence.outcome:
        return ("销号：按期完成", "success") if occurrence.outcome == "met" else ("销号：未按期完成", "danger")
    if occurrence.completed_on:
        return f"已完成（{cn_date(occurrence.completed_on)}）", "success"
    if not occurrence.is_deadline:
        if occurrence.pk in approved_occurrence_ids:
            return "已报送", "success"
        return ("报送期", "secondary") if occurrence.due_date >= today else ("未报送", "warning")
    due = occurrence.effective_due_date
    if is_overdue(due, today):
        return "已逾期", "danger"
    if occurrence.pk in approved_occurrence_ids:
        return "进展已审核", "success"
    if in_yellow_window(due, today):
        return "即将到期", "warning"
    if occurrence.start_date > today:
        return "未开始", "secondary"
    return "进行中", "primary"
