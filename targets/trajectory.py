"""Planned versus actual, for one indicator: the cumulative paths, completion, 序时进度 and the light.

Pure functions over plain values; `trajectory_of(indicator, actuals, today)` adapts a model instance.

- Planned path: baseline + the yearly increments as printed (a blank year adds nothing). An annual
  indicator's path is each year's own target; an end-only target ("total") has only its end point.
- Completion honours the comparator: "100 以上" is met at 100, "超200" needs 201, "12" needs 12.
- 序时进度: within a year, the expectation grows in proportion to the days elapsed.
- The light follows the node-plan rule (plans.tracking: INDICATOR_LIGHT_RULE), with year ends as the
  deadlines: red when the latest passed checkpoint (a year end with a planned figure) was missed;
  yellow when the next checkpoint is within the yellow window and that year's actual is not yet
  approved; green otherwise.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from plans.choices import Rag
from plans.tracking import in_yellow_window, is_overdue

from .choices import Comparator, IndicatorKind
from .comparators import Target, parse_number, parse_target


@dataclass(frozen=True)
class IndicatorSpec:
    kind: str
    start_year: int
    end_year: int
    baseline: Decimal | None
    yearly: dict[int, Target | None]  # the printed yearly figures; None = blank
    target: Target | None
    target_year: int | None


@dataclass
class YearPoint:
    year: int
    planned: Decimal | None  # planned cumulative (annual: that year's target)
    actual: Decimal | None  # actual cumulative (annual: that year's actual)
    planned_increment: Decimal | None
    actual_increment: Decimal | None


@dataclass
class Trajectory:
    points: list[YearPoint] = field(default_factory=list)
    reached: Decimal | None = None
    required: Decimal | None = None
    completion: Decimal | None = None  # percent of what the end target requires
    met: bool = False
    expected_to_date: Decimal | None = None
    behind_schedule: bool = False
    rag: str = Rag.GREEN


def required_value(target: Target | None) -> Decimal | None:
    """The smallest figure that meets the target: "超200" needs 201."""
    if target is None:
        return None
    return target.value + 1 if target.comparator == Comparator.MORE_THAN else target.value


def _year_fraction(today: date, year: int) -> Decimal:
    if today.year < year:
        return Decimal(0)
    if today.year > year:
        return Decimal(1)
    start, end = date(year, 1, 1), date(year, 12, 31)
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)


def _percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (part / whole * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def compute(spec: IndicatorSpec, actuals: dict[int, Decimal], approved_years: set[int], today: date) -> Trajectory:
    years = list(range(spec.start_year, spec.end_year + 1))
    base = spec.baseline or Decimal(0)
    annual = spec.kind == IndicatorKind.ANNUAL
    result = Trajectory()

    planned_cum, actual_cum, last_actual_year = base, base, None
    for year in years:
        yearly_target = spec.yearly.get(year)
        planned_inc = yearly_target.value if yearly_target else None
        actual_inc = actuals.get(year)
        if annual:
            planned = required_value(yearly_target or spec.target)
            actual = actual_inc
        else:
            planned_cum += planned_inc or 0
            has_plan = spec.kind == IndicatorKind.CUMULATIVE or (year == spec.target_year)
            planned = (
                planned_cum
                if spec.kind == IndicatorKind.CUMULATIVE
                else (required_value(spec.target) if has_plan else None)
            )
            if actual_inc is not None:
                actual_cum += actual_inc
                last_actual_year = year
            actual = actual_cum if actual_inc is not None else None
        result.points.append(YearPoint(year, planned, actual, planned_inc, actual_inc))

    if annual:
        year = min(max(today.year, spec.start_year), spec.end_year)
        point = next(p for p in result.points if p.year == year)
        result.reached, result.required = point.actual, point.planned
        result.expected_to_date = (point.planned or 0) * _year_fraction(today, year) if point.planned else None
        current = point.actual or Decimal(0)
    else:
        result.reached = actual_cum if last_actual_year is not None else None
        result.required = required_value(spec.target) if spec.target else (planned_cum if spec.yearly else None)
        result.expected_to_date = _expected_cumulative(spec, result, base, today)
        current = actual_cum
    result.completion = _percent(result.reached, result.required)
    result.met = (
        result.reached is not None
        and result.required is not None
        and (spec.target.is_met(result.reached) if spec.target and not annual else result.reached >= result.required)
    )
    result.behind_schedule = result.expected_to_date is not None and current < result.expected_to_date
    result.rag = _light(result, annual, current, approved_years, today)
    return result


def _expected_cumulative(spec, result, base, today) -> Decimal | None:
    if spec.kind == IndicatorKind.CUMULATIVE:
        previous = base
        for point in result.points:
            fraction = _year_fraction(today, point.year)
            if fraction < 1:
                return previous + (point.planned_increment or 0) * fraction
            previous = point.planned
        return previous
    if result.required is None:
        return None
    first, last = date(spec.start_year, 1, 1), date(spec.target_year or spec.end_year, 12, 31)
    elapsed = min(max((today - first).days + 1, 0), (last - first).days + 1)
    return result.required * Decimal(elapsed) / Decimal((last - first).days + 1)


def _light(result: Trajectory, annual: bool, current: Decimal, approved_years: set[int], today: date) -> str:
    """Checkpoints are year ends with a planned figure (a blank year is no checkpoint)."""
    if annual:
        checkpoints = [p for p in result.points if p.planned is not None]
    else:
        checkpoints = [p for p in result.points if p.planned_increment is not None] or [
            p for p in result.points if p.planned is not None
        ]
    passed = [p for p in checkpoints if is_overdue(date(p.year, 12, 31), today)]
    if passed:
        latest = passed[-1]
        achieved = latest.actual if annual else current
        if achieved is None or achieved < latest.planned:
            return Rag.RED
    upcoming = [p for p in checkpoints if date(p.year, 12, 31) >= today]
    if upcoming:
        next_point = upcoming[0]
        if in_yellow_window(date(next_point.year, 12, 31), today) and next_point.year not in approved_years:
            return Rag.YELLOW
    return Rag.GREEN


def spec_of(indicator, start_year: int, end_year: int) -> IndicatorSpec:
    years = {y.year: y for y in indicator.years.all()}
    return IndicatorSpec(
        kind=indicator.kind,
        start_year=start_year,
        end_year=end_year,
        baseline=parse_number(indicator.baseline_text),
        yearly={
            year: parse_target(years[year].planned_text) if year in years else None
            for year in range(start_year, end_year + 1)
        },
        target=parse_target(indicator.target_text),
        target_year=indicator.target_year,
    )


def trajectory_of(indicator, today: date) -> Trajectory:
    """Uses the approved actual increments kept on IndicatorYear (prefetch `years` and `plan`)."""
    plan = indicator.plan
    actuals = {y.year: y.actual_value for y in indicator.years.all() if y.actual_value is not None}
    return compute(spec_of(indicator, plan.start_year, plan.end_year), actuals, set(actuals), today)
