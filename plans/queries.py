"""The querysets behind the pages, built once so every page costs a fixed number of queries."""

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

from plans import access
from plans.choices import MilestoneStatus
from plans.models import Evidence, MilestoneUnit, ProgressReport
from plans.tracking import with_tracking
from targets.members import member_figures_of
from targets.models import IndicatorYear
from targets.trajectory import trajectory_of


def task_queryset(user, today=None, include_archived=False):
    """Lists, exports and the API show active plans only; a node plan's own page also opens (for staff)
    when its plan is archived."""
    today = today or timezone.localdate()
    milestones = (
        access.milestones(user, active=not include_archived)
        .select_related("plan", "measure__item__category")
        .prefetch_related(Prefetch("assignments", queryset=MilestoneUnit.objects.select_related("unit")))
    )
    return with_tracking(milestones, today)


def my_open_tasks(user, today=None):
    """A liaison's open node plans: overdue first, then by due date, undated ones last."""
    today = today or timezone.localdate()
    return (
        task_queryset(user, today)
        # Done for now: completed with no deadline left open (a yearly task done for 2023 still owes 2024).
        .exclude(status=MilestoneStatus.COMPLETED, next_due__isnull=True)
        .annotate(
            is_overdue=Case(When(next_due__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("is_overdue", F("next_due").asc(nulls_last=True), "plan__code", "position")
    )


def my_indicators(user, today=None) -> list:
    """The indicators a liaison's units report (their reporting unit), each with its one verdict."""
    today = today or timezone.localdate()
    if not access.can(user, "my_tasks"):
        return []
    indicators = (
        access.indicators(user)
        .select_related("plan", "unit")
        .prefetch_related(Prefetch("years", queryset=IndicatorYear.objects.order_by("year")))
        .annotate(pending=Count("entries", filter=Q(entries__state="submitted")))
        .order_by("plan__code", "position")
    )
    indicators = list(indicators)
    members = member_figures_of(i.pk for i in indicators)  # one query, however many are listed
    return [(i, trajectory_of(i, today, member_figures=members[i.pk])) for i in indicators]


def milestone_reports(milestone):
    return (
        ProgressReport.objects.filter(milestone=milestone)
        .select_related("unit", "author", "reviewer", "occurrence")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
    )
