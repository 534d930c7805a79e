"""Entering and reviewing actual indicator figures, as progress reports are entered and reviewed."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from plans import access
from plans.workflow import review
from targets.comparators import TargetError, parse_number
from targets.models import Indicator, IndicatorEntry, IndicatorYear


def increment_from(indicator: Indicator, year: int, value_kind: str, value: Decimal) -> Decimal:
    """A year-end total becomes that year's increment: total minus baseline and earlier approved increments."""
    if value_kind == IndicatorEntry.ValueKind.INCREMENT:
        return value
    earlier = indicator.years.filter(year__lt=year).aggregate(total=Sum("actual_value"))["total"] or Decimal(0)
    try:
        baseline = parse_number(indicator.baseline_text) or Decimal(0)
    except TargetError:
        baseline = Decimal(0)  # a baseline that is not a figure counts as none, as on the indicator page
    return value - baseline - earlier


@transaction.atomic
def submit_entry(user, indicator, year, value_kind, value, source_note, evidence=None) -> IndicatorEntry:
    access.require(user, "enter", indicator, "只有工作人员或该指标填报单位的联络员可以填报实际值。")
    if year not in indicator.plan.years:
        raise ValidationError(f"年份应在 {indicator.plan.start_year}—{indicator.plan.end_year} 之间。")
    if not source_note.strip():
        raise ValidationError("请填写数据来源。")
    return IndicatorEntry.objects.create(
        indicator=indicator,
        year=year,
        value_kind=value_kind,
        value=value,
        increment=increment_from(indicator, year, value_kind, value),
        source_note=source_note.strip(),
        evidence=evidence or "",
        evidence_name=evidence.name[:200] if evidence else "",
        author=user,
    )


def review_entry(user, entry: IndicatorEntry, approve: bool, comment: str, version: int) -> IndicatorEntry:
    return review.decide(user, entry, approve, comment, version, on_approved=_apply_approved_entry)


def _apply_approved_entry(entry: IndicatorEntry) -> None:
    # The year's row may be missing when the plan's years were changed after loading.
    year, _ = IndicatorYear.objects.get_or_create(indicator=entry.indicator, year=entry.year)
    year.actual_value = entry.increment
    year.actual_note = entry.source_note
    year._change_reason = f"审核通过 {entry.author} 的填报"
    year.save(update_fields=["actual_value", "actual_note"])
