"""年度销号: close a plan year. Each deadline of that year is recorded met or missed (kept in history),
and closed deadlines stop counting as open, so the next year's occurrences become the ones due."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import access, events
from .models import Occurrence, Plan, PlanYearClosure


@transaction.atomic
def close_year(user, plan: Plan, year: int) -> PlanYearClosure:
    access.require(user, "close_year", plan, "只有组织部工作人员可以进行年度销号。")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # its current state: archived since the page loaded?
    if plan.is_archived:
        raise ValidationError("该计划已归档，不能销号；请先恢复。")
    if year not in plan.years:
        raise ValidationError(f"{year}年不在该计划的实施年度（{plan.start_year}—{plan.end_year}年）内。")
    if year > timezone.localdate().year:
        raise ValidationError(f"{year}年尚未到来，不能销号。")
    if PlanYearClosure.objects.filter(plan=plan, year=year).exists():
        raise ValidationError(f"{year}年度已经销号。")
    met = missed = 0
    occurrences = Occurrence.objects.select_for_update().filter(
        milestone__plan=plan, is_deadline=True, due_date__year=year, outcome=""
    )
    for occurrence in occurrences:
        on_time = occurrence.completed_on_time
        occurrence.outcome = "met" if on_time else "missed"
        occurrence._change_reason = f"{year}年度销号"
        occurrence.save()
        met, missed = met + on_time, missed + (not on_time)
    closure = PlanYearClosure.objects.create(plan=plan, year=year, closed_by=user, met_count=met, missed_count=missed)
    events.year_closed(closure)
    return closure
