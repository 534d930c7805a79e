"""Planned versus actual, for one indicator: the cumulative paths, completion, 序时进度 and the light.

Pure functions over plain values; `trajectory_of(indicator, today)` adapts a model instance.

- Planned path: baseline + the yearly increments as printed (a blank year adds nothing). An annual
  indicator's path is each year's own target; an end-only target ("total") has only its end point.
- Completion honours the comparator: "100 以上" is met at 100, "超200" needs 201, "12" needs 12.
- 序时进度: within a year, the expectation grows in proportion to the days elapsed.
- The light follows the node-plan rule (plans.tracking: INDICATOR_LIGHT_RULE), with year ends as the
  deadlines: red when the latest passed checkpoint (a year end with a planned figure) was missed;
  yellow when the next checkpoint is within the yellow window and that year's actual is not yet
  approved; green otherwise. An indicator with no planned figure within the plan's years (nothing
  printed, or a target year outside the plan) is grey.

Every shape an indicator can hold is answered, never raised: no baseline, no yearly figures, a blank
or zero target, a target year outside the plan, a one-year plan, a text that is not a number (kept in
`notes`, shown on the page), actuals for only some years.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from plans.choices import Rag
from plans.tracking import in_yellow_window, is_overdue

from .choices import Comparator, IndicatorKind
from .comparators import Target, TargetError, parse_number, parse_target

NO_PLAN = "无计划值"
NO_ACTUAL = "暂无实际值"
MAX_PERCENT = Decimal(10) ** 12


@dataclass(frozen=True)
class IndicatorSpec:
    kind: str
    start_year: int
    end_year: int
    baseline: Decimal | None
    yearly: dict[int, Target | None]  # the printed yearly figures; None = blank
    target: Target | None
    target_year: int | None
    problems: tuple[str, ...] = ()  # printed texts that are not figures: shown, never raised

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


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
    notes: list[str] = field(default_factory=list)  # why a figure is missing, in Chinese

    @property
    def completion_label(self) -> str:
        if self.completion is not None:
            return f"{self.completion}%"
        if self.required is None:
            return NO_PLAN
        if self.reached is None:
            return NO_ACTUAL
        return "—"  # a target of 0: no ratio to show

    @property
    def reached_label(self) -> str:
        return NO_ACTUAL if self.reached is None else figure_text(self.reached)


def figure_text(value: Decimal | None) -> str:
    """A figure without trailing zeros or exponent: 15, 12.5, 100000; blank for None."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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
    ratio = part / whole * 100
    if abs(ratio) >= MAX_PERCENT:
        return None  # a mistyped target (0.0001) gives no meaningful percentage
    return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _has_path(spec: IndicatorSpec) -> bool:
    """A cumulative indicator draws baseline + increments only when the document printed some of them."""
    return spec.baseline is not None or any(spec.yearly.get(y) for y in spec.years)


def _deadline_year(spec: IndicatorSpec) -> int:
    """The year an end-only target is due: the printed target year, else the plan's last year."""
    return spec.target_year if spec.target_year is not None else spec.end_year


def compute(spec: IndicatorSpec, actuals: dict[int, Decimal], approved_years: set[int], today: date) -> Trajectory:
    years = spec.years
    result = Trajectory(notes=list(spec.problems))
    if not years:
        result.notes.append(f"计划起止年份（{spec.start_year}—{spec.end_year}）无效，无法计算")
        result.rag = Rag.GREY
        return result
    if spec.target_year is not None and spec.target_year not in years:
        result.notes.append(f"目标年份 {spec.target_year} 年不在计划年度 {years.start}—{years.stop - 1} 年内")
    outside = sorted(y for y in actuals if y not in years)
    if outside:
        result.notes.append(f"{'、'.join(map(str, outside))} 年的实际值不在计划年度内，未计入")
    actuals = {y: v for y, v in actuals.items() if y in years and v is not None}

    annual = spec.kind == IndicatorKind.ANNUAL
    path = spec.kind == IndicatorKind.CUMULATIVE and _has_path(spec)
    base = spec.baseline or Decimal(0)
    planned_cum, actual_cum, any_actual = base, base, False
    for year in years:
        yearly_target = spec.yearly.get(year)
        planned_inc = yearly_target.value if yearly_target else None
        actual_inc = actuals.get(year)
        if annual:
            planned, actual = required_value(yearly_target or spec.target), actual_inc
        else:
            planned_cum += planned_inc or 0
            if path:
                planned = planned_cum
            else:
                planned = required_value(spec.target) if year == _deadline_year(spec) else None
            if actual_inc is not None:
                actual_cum += actual_inc
                any_actual = True
            actual = actual_cum if actual_inc is not None else None
        result.points.append(YearPoint(year, planned, actual, planned_inc, actual_inc))

    if annual:
        current_year = min(max(today.year, years.start), years.stop - 1)
        point = next(p for p in result.points if p.year == current_year)
        result.reached, result.required = point.actual, point.planned
        result.expected_to_date = point.planned * _year_fraction(today, current_year) if point.planned else None
        current = point.actual or Decimal(0)
    else:
        result.reached = actual_cum if any_actual else None
        if spec.target is not None:
            result.required = required_value(spec.target)
        elif path and any(spec.yearly.get(y) for y in years):
            result.required = planned_cum
        result.expected_to_date = _expected_path(result, base, today) if path else _expected_end(spec, result, today)
        current = actual_cum
    result.completion = _percent(result.reached, result.required)
    if result.reached is not None and result.required is not None:
        uses_comparator = spec.target is not None and not annual
        result.met = spec.target.is_met(result.reached) if uses_comparator else result.reached >= result.required
    result.behind_schedule = result.expected_to_date is not None and current < result.expected_to_date
    result.rag = _light(result, annual, current, approved_years, today)
    if result.required is None and all(p.planned is None for p in result.points):
        result.notes.append("未设目标值和年度计划值，不计算完成率和灯色")
    return result


def _expected_path(result: Trajectory, base: Decimal, today: date) -> Decimal:
    previous = base
    for point in result.points:
        fraction = _year_fraction(today, point.year)
        if fraction < 1:
            return previous + (point.planned_increment or 0) * fraction
        previous = point.planned
    return previous


def _expected_end(spec: IndicatorSpec, result: Trajectory, today: date) -> Decimal | None:
    """An end-only target is expected in proportion to the days from the plan's start to its deadline."""
    if result.required is None:
        return None
    first, last = date(spec.start_year, 1, 1), date(_deadline_year(spec), 12, 31)
    span = (last - first).days + 1
    if span <= 0:
        return None  # due before the plan began: no schedule to be ahead of or behind
    elapsed = min(max((today - first).days + 1, 0), span)
    return result.required * Decimal(elapsed) / Decimal(span)


def _light(result: Trajectory, annual: bool, current: Decimal, approved_years: set[int], today: date) -> str:
    """Checkpoints are year ends with a planned figure (a blank year is no checkpoint)."""
    planned = [p for p in result.points if p.planned is not None]
    checkpoints = planned if annual else [p for p in planned if p.planned_increment is not None] or planned
    if not checkpoints:
        return Rag.GREY  # nothing planned within the plan's years: nothing to be on or off track against
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


def _read(parse, text, label: str, problems: list[str]):
    """A printed figure, or None with a note when it is not one (data entered by hand may be anything)."""
    try:
        return parse(text)
    except TargetError:
        problems.append(f"{label}“{text}”不是可计算的数值，按空白处理")
        return None


def spec_from_texts(
    kind: str,
    start_year: int,
    end_year: int,
    baseline_text: str | None,
    yearly_texts: dict[int, str | None],
    target_text: str | None,
    target_year: int | None,
) -> IndicatorSpec:
    problems: list[str] = []
    years = range(start_year, end_year + 1)
    return IndicatorSpec(
        kind=kind,
        start_year=start_year,
        end_year=end_year,
        baseline=_read(parse_number, baseline_text, "基期值", problems),
        yearly={year: _read(parse_target, yearly_texts.get(year), f"{year}年计划值", problems) for year in years},
        target=_read(parse_target, target_text, "目标值", problems),
        target_year=target_year,
        problems=tuple(problems),
    )


def spec_of(indicator, start_year: int, end_year: int) -> IndicatorSpec:
    return spec_from_texts(
        indicator.kind,
        start_year,
        end_year,
        indicator.baseline_text,
        {y.year: y.planned_text for y in indicator.years.all()},
        indicator.target_text,
        indicator.target_year,
    )


def trajectory_of(indicator, today: date) -> Trajectory:
    """Uses the approved actual increments kept on IndicatorYear (prefetch `years` and `plan`)."""
    plan = indicator.plan
    actuals = {y.year: y.actual_value for y in indicator.years.all() if y.actual_value is not None}
    return compute(spec_of(indicator, plan.start_year, plan.end_year), actuals, set(actuals), today)
