"""Entering and reviewing actual indicator figures, as progress reports are entered and reviewed."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from plans import access
from plans.models import figures_changed
from plans.workflow import review
from targets.comparators import TargetError, parse_number
from targets.members import member_figures_of
from targets.models import Indicator, IndicatorEntry, IndicatorYear


def increment_from(indicator: Indicator, year: int, value_kind: str, value: Decimal, member: str = "") -> Decimal:
    """A year-end total becomes that year's increment: total minus baseline and earlier approved increments
    (a member's own earlier increments when each member reports its own figure)."""
    if value_kind == IndicatorEntry.ValueKind.INCREMENT:
        return value
    if member:
        figures = member_figures_of([indicator.pk]).get(indicator.pk, {}).get(member, {})
        earlier = sum((v for y, v in figures.items() if y < year), Decimal(0))
    else:
        earlier = indicator.years.filter(year__lt=year).aggregate(total=Sum("actual_value"))["total"] or Decimal(0)
    try:
        baseline = parse_number(indicator.baseline_text) or Decimal(0)
    except TargetError:
        baseline = Decimal(0)  # a baseline that is not a figure counts as none, as on the indicator page
    return value - baseline - earlier


@transaction.atomic
def submit_entry(user, indicator, year, value_kind, value, source_note, evidence=None, member="") -> IndicatorEntry:
    access.require(user, "enter", indicator, "只有工作人员或该指标填报单位的联络员可以填报实际值。")
    if year not in indicator.plan.years:
        raise ValidationError(f"年份应在 {indicator.plan.start_year}—{indicator.plan.end_year} 之间。")
    if not source_note.strip():
        raise ValidationError("请填写数据来源。")
    member = (member or "").strip()
    if indicator.member_label:
        if not member:
            raise ValidationError(f"该指标要求{indicator.member_label}都达到，请选择填报的是哪个成员，不能填合计数。")
        if member not in (indicator.members or []):
            raise ValidationError(f"“{member}”不在该指标的成员名单中。")
    elif member:
        raise ValidationError("该指标按一个数字判断，不分成员填报。")
    return IndicatorEntry.objects.create(
        indicator=indicator,
        year=year,
        value_kind=value_kind,
        value=value,
        member=member,
        increment=increment_from(indicator, year, value_kind, value, member),
        source_note=source_note.strip(),
        evidence=evidence or "",
        evidence_name=evidence.name[:200] if evidence else "",
        author=user,
    )


def review_entry(user, entry: IndicatorEntry, approve: bool, comment: str, version: int) -> IndicatorEntry:
    return review.decide(user, entry, approve, comment, version, on_approved=_apply_approved_entry)


def _apply_approved_entry(entry: IndicatorEntry) -> None:
    if entry.member:  # a member's figure is its approved entry (targets.members); the year's row keeps no total
        figures_changed(plan_ids=[entry.indicator.plan_id])
        return
    # The year's row may be missing when the plan's years were changed after loading.
    year, _ = IndicatorYear.objects.get_or_create(indicator=entry.indicator, year=entry.year)
    year.actual_value = entry.increment
    year.actual_note = entry.source_note
    year._change_reason = f"审核通过 {entry.author} 的填报"
    year.save(update_fields=["actual_value", "actual_note"])
