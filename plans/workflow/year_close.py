"""年度销号: close a plan year. Each deadline of that year is recorded 按期完成, 逾期完成 or 未完成, in its own
history and in its node plan's (so the 变更记录 shows the close). A deadline left 未完成 stops counting as
open only where a later deadline of the same node plan takes over (yearly work); a one-off item stays
逾期未完成 until it is done (see OccurrenceQuerySet.open)."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans import access
from plans.choices import Outcome
from plans.models import Milestone, Occurrence, Plan, PlanYearClosure
from plans.notifications import notices
from plans.tracking import deadline_outcome


def closing_outcome(occurrence, closed_on) -> str:
    """At the close every deadline of the year has passed: what is not done is 未完成."""
    return deadline_outcome(occurrence, closed_on) or Outcome.MISSED


@transaction.atomic
def close_year(user, plan: Plan, year: int) -> PlanYearClosure:
    access.require(user, "close_year", plan, "只有组织部工作人员可以进行年度销号。")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # its current state: archived since the page loaded?
    if plan.is_archived:
        raise ValidationError("该计划已归档，不能销号；请先恢复。")
    if year not in plan.years:
        raise ValidationError(f"{year}年不在该计划的实施年度（{plan.start_year}—{plan.end_year}年）内。")
    today = timezone.localdate()
    if year > today.year:
        raise ValidationError(f"{year}年尚未到来，不能销号。")
    if PlanYearClosure.objects.filter(plan=plan, year=year).exists():
        raise ValidationError(f"{year}年度已经销号。")
    counts = Counter()
    occurrences = Occurrence.objects.select_for_update().filter(
        milestone__plan=plan, is_deadline=True, due_date__year=year, outcome=""
    )
    per_milestone = {}
    for occurrence in occurrences.order_by("milestone_id", "due_date"):
        outcome = closing_outcome(occurrence, today)
        occurrence.outcome = outcome
        occurrence._change_reason = f"{year}年度销号：{occurrence.label} {Outcome(outcome).label}"
        occurrence._history_user = user  # who closed, also when run outside a request
        occurrence.save(update_fields=["outcome"])
        counts[outcome] += 1
        per_milestone.setdefault(occurrence.milestone_id, []).append(occurrence._change_reason)
    for milestone in Milestone.objects.select_for_update().filter(pk__in=per_milestone):
        # A visible line in the node plan's own 变更记录 (no field changes, the reason says it all): saved
        # through one unchanged column, so its history row is written and its search text is not rebuilt.
        milestone._change_reason = "；".join(per_milestone[milestone.pk])
        milestone._history_user = user
        milestone.save(update_fields=["version"])
    closure = PlanYearClosure.objects.create(
        plan=plan,
        year=year,
        closed_by=user,
        met_count=counts[Outcome.MET],
        late_count=counts[Outcome.LATE],
        missed_count=counts[Outcome.MISSED],
    )
    notices.year_closed(closure)
    return closure
