"""Planned versus actual, for one indicator, and its one verdict: the only place an indicator is judged.

Pure functions over plain values; `trajectory_of(indicator, today)` adapts a model instance. The indicator
page, the dashboard, the 工作清单 Excel and the Word bulletin all read `Trajectory.verdict` / `.rag`.

- Planned path: baseline + the yearly increments as printed (a blank year adds nothing: the running total
  carries). An annual indicator's path is each year's own target; an end-only target has its end point.
- Comparator: as the fixtures state it from the wording (targets.comparators.satisfies): a plain figure and
  达X are at least, 超X is more than. Yearly figures use the indicator's comparator.
- Cadence decides which years are due (checkpoints): yearly = every plan year, biennial = the batch years,
  once = the target year, ongoing = none (a standard held continuously; never overdue).
- A due year has ended on its last day: a figure "截至12月31日" is that year's figure, so on 2024-12-31 the
  2024 checkpoint is judged, not scheduled.
- The verdict, in this order: 已达标 when the figure that counts satisfies the requirement (a met target is
  never red); 未报送 when a figure is due (a due year has ended, or one is in progress) and none was reported
  (a missing report is not a failure: its own verdict, light and count); 未达标 (red) when the latest due
  year that has ended was missed, and always once the plan's last year has ended unmet (never 落后序时进度
  after the end); 落后序时进度 / 符合序时进度 within a due year (the expectation grows with the days elapsed;
  an end-only target grows over the plan's span up to its year); 本年无要求 in a year that is not due (a
  biennial off year); grey when nothing is planned.
- The light: green when met; red when a due year ended unmet; yellow when the next due year end is within
  the yellow window (talentplan.lib.light, as for node plans) and that year's actual is not approved; an ongoing
  standard below its figure is yellow (未达标准), never red (it has no deadline); grey when nothing is planned or
  reported (未报送 shows its own colour wherever the verdict is shown: `VERDICT_COLOURS`).
- A standard each member must meet (each county, each leader: `members`) is judged member by member with
  the same rule (`members.py`); the indicator's verdict is the worst member's, and the members are listed.

Every shape an indicator can hold is answered, never raised: no baseline, no yearly figures, a blank
or zero target, a target year outside the plan, a one-year plan, a text that is not a number (kept in
`notes`, shown on the page), actuals for only some years.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from talentplan.lib.light import Rag, in_yellow_window
from targets.choices import Cadence, Comparator, IndicatorKind, default_cadence
from targets.comparators import Target, TargetError, parse_number, parse_target, satisfies

NO_PLAN = "无计划值"
NO_ACTUAL = "暂无实际值"


VERDICT_RULE = (
    "按原文措辞判断：不带修饰的数字、“达”“以上”“不少于”达到即达标，“超”“突破”须超过；"
    "只在应完成的年度（每年、批次年或目标年份）核对，其余年份本年无要求；长期标准不设期限。"
    "已达标的指标不亮红灯；应报而没有填报实际值的为“未报送”，不算未达标；"
    "计划最后一年结束（截至12月31日）仍未达到的为“未达标”，不再称落后序时进度；"
    "要求每个县（市、区）或每位领导都达到的，逐一判断并列出名单，全部达到才算达标。"
)


class Verdict:
    """The one verdict an indicator shows (page, dashboard, Excel, Word)."""

    MET = "已达标"
    MISSED = "未达标"
    BEHIND = "落后序时进度"
    ON_PACE = "符合序时进度"
    NOT_DUE = "本年无要求"
    BELOW_STANDARD = "未达标准"
    UNREPORTED = "未报送"
    NO_ACTUAL = NO_ACTUAL
    NO_PLAN = NO_PLAN


# The verdict's own colour (a CSS class suffix in static/talentplan.css and the dashboard's legend): 未报送
# is not a failure, so it is neither red nor the grey of "nothing planned".
VERDICT_COLOURS = {
    Verdict.MET: "met",
    Verdict.MISSED: "missed",
    Verdict.BEHIND: "behind",
    Verdict.BELOW_STANDARD: "behind",
    Verdict.ON_PACE: "on_track",
    Verdict.NOT_DUE: "on_track",
    Verdict.UNREPORTED: "unreported",
    Verdict.NO_ACTUAL: "unreported",
    Verdict.NO_PLAN: "unjudged",
}
# Worst first: a standard each member must meet takes its worst member's verdict.
VERDICT_SEVERITY = [
    Verdict.MISSED,
    Verdict.UNREPORTED,
    Verdict.BELOW_STANDARD,
    Verdict.BEHIND,
    Verdict.ON_PACE,
    Verdict.NOT_DUE,
    Verdict.MET,
    Verdict.NO_ACTUAL,
    Verdict.NO_PLAN,
]


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
    comparator: str = Comparator.AT_LEAST
    cadence: str = ""  # blank: by kind (an end-only target once, the others yearly)
    batch_years: tuple[int, ...] = ()

    @property
    def effective_cadence(self) -> str:
        return self.cadence or default_cadence(self.kind)

    def due_years(self) -> set[int]:
        years, cadence = set(self.years), self.effective_cadence
        if cadence == Cadence.YEARLY:
            return years
        if cadence == Cadence.BIENNIAL:
            return set(self.batch_years) & years
        if cadence == Cadence.ONCE:
            return {_deadline_year(self)} & years
        return set()  # ongoing: no deadline

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
    threshold: Decimal | None = None  # the printed figure the comparator applies to (planned shows what meets it)


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
    verdict: str = Verdict.NO_PLAN
    comparator: str = Comparator.AT_LEAST
    notes: list[str] = field(default_factory=list)  # why a figure is missing, in Chinese
    members: list = field(default_factory=list)  # (member, its Trajectory) when each member must meet it
    member_label: str = ""  # 每个县（市、区）, 每位党政领导

    @property
    def colour(self) -> str:
        return VERDICT_COLOURS.get(self.verdict, "unjudged")

    def members_with(self, verdict: str) -> list[str]:
        return [name for name, t in self.members if t.verdict == verdict]

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
    def verdict_text(self) -> str:
        """The verdict with its light, for exports: "已达标（绿灯）"; 未报送 alone (nothing reported, no light)."""
        if self.verdict == Verdict.UNREPORTED:
            return self.verdict
        return f"{self.verdict}（{Rag(self.rag).label}）"

    @property
    def reached_label(self) -> str:
        if self.members:
            return f"{len(self.members_with(Verdict.MET))}/{len(self.members)} 达标"
        return NO_ACTUAL if self.reached is None else figure_text(self.reached)


def figure_text(value: Decimal | None) -> str:
    """A figure without trailing zeros or exponent: 15, 12.5, 100000; blank for None."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def required_value(target: Target | None, comparator: str | None = None) -> Decimal | None:
    """The figure shown as required: "超200" needs 201 (whole units); the others their printed figure."""
    if target is None:
        return None
    return target.value + 1 if (comparator or target.comparator) == Comparator.MORE_THAN else target.value


def _year_fraction(today: date, year: int) -> Decimal:
    if today.year < year:
        return Decimal(0)
    if today.year > year:
        return Decimal(1)
    start, end = date(year, 1, 1), date(year, 12, 31)
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)


def year_ended(year: int, today: date) -> bool:
    """A due year is judged from its last day on: the figure as at 12月31日 is the year's figure."""
    return today >= date(year, 12, 31)


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
    result = Trajectory(notes=list(spec.problems), comparator=spec.comparator)
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

    cadence, due = spec.effective_cadence, spec.due_years()
    annual = spec.kind == IndicatorKind.ANNUAL
    path = spec.kind == IndicatorKind.CUMULATIVE and _has_path(spec)
    base = spec.baseline or Decimal(0)
    planned_cum, actual_cum, any_actual = base, base, False
    for year in years:
        yearly_target = spec.yearly.get(year)
        planned_inc = yearly_target.value if yearly_target else None
        actual_inc = actuals.get(year)
        threshold = None
        if annual:
            actual = actual_inc
            figure = yearly_target or spec.target
            threshold = figure.value if figure and year in due else None
        else:
            planned_cum += planned_inc or 0
            if path:
                threshold = planned_cum if year in due else None
            elif year in due:
                threshold = spec.target.value if spec.target else None
            if actual_inc is not None:
                actual_cum += actual_inc
                any_actual = True
            actual = actual_cum if actual_inc is not None else None
        planned = _shown(threshold, spec.comparator)
        result.points.append(YearPoint(year, planned, actual, planned_inc, actual_inc, threshold))

    if annual:
        current_year = min(max(today.year, years.start), years.stop - 1)
        point = next(p for p in result.points if p.year == current_year)
        result.reached, result.required = point.actual, point.planned
        fraction = _year_fraction(today, current_year)
        result.expected_to_date = point.threshold * fraction if point.threshold is not None else None
        current, threshold = point.actual or Decimal(0), point.threshold
    else:
        result.reached = actual_cum if any_actual else None
        threshold = spec.target.value if spec.target is not None else None
        if threshold is None and path and any(spec.yearly.get(y) for y in years):
            threshold = planned_cum
        result.required = _shown(threshold, spec.comparator)
        if cadence == Cadence.ONGOING:
            result.expected_to_date = None
        elif path:
            result.expected_to_date = _expected_path(result, base, today, due)
        else:
            result.expected_to_date = _expected_end(spec, result, today)
        current = actual_cum
    result.completion = _percent(result.reached, result.required)
    if result.reached is not None and threshold is not None:
        result.met = satisfies(result.reached, spec.comparator, threshold)
    result.behind_schedule = (
        not result.met
        and spec.comparator in (Comparator.AT_LEAST, Comparator.MORE_THAN)
        and result.expected_to_date is not None
        and current < result.expected_to_date
    )
    result.rag, result.verdict = _light(result, spec, annual, current, approved_years, today)
    if result.required is None and all(p.planned is None for p in result.points):
        if cadence != Cadence.ONGOING:
            result.notes.append("未设目标值和年度计划值，不计算完成率和灯色")
    return result


def _shown(threshold: Decimal | None, comparator: str) -> Decimal | None:
    if threshold is None:
        return None
    return threshold + 1 if comparator == Comparator.MORE_THAN else threshold


def _expected_path(result: Trajectory, base: Decimal, today: date, due: set[int]) -> Decimal | None:
    """Within a due year, the running total grows with the days elapsed; a year not due expects nothing."""
    previous = base
    for point in result.points:
        fraction = _year_fraction(today, point.year)
        if fraction < 1:
            if point.year not in due:
                return None
            return previous + (point.planned_increment or 0) * fraction
        previous += point.planned_increment or 0
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


def _light(result: Trajectory, spec: IndicatorSpec, annual: bool, current: Decimal, approved_years, today) -> tuple:
    """(light, verdict): one rule. Checkpoints are the ends of due years (cadence); a met target is green."""
    checkpoints = [p for p in result.points if p.threshold is not None]
    if not checkpoints and spec.effective_cadence != Cadence.ONGOING:
        return Rag.GREY, Verdict.MET if result.met else Verdict.NO_PLAN  # no due year within the plan
    if result.met:
        return Rag.GREEN, Verdict.MET
    plan_ended = year_ended(spec.end_year, today)
    if spec.effective_cadence == Cadence.ONGOING:
        if result.required is None:
            return Rag.GREY, Verdict.NO_PLAN
        if result.reached is None:
            return Rag.GREY, Verdict.UNREPORTED
        return Rag.YELLOW, Verdict.BELOW_STANDARD  # a standard held continuously: never overdue
    passed = [p for p in checkpoints if year_ended(p.year, today)]
    if passed:
        latest = passed[-1]
        achieved = latest.actual if annual else (current if result.reached is not None else None)
        if achieved is None:
            return Rag.GREY, Verdict.UNREPORTED
        if not satisfies(achieved, spec.comparator, latest.threshold):
            return Rag.RED, Verdict.MISSED
    if plan_ended and result.required is not None:
        return Rag.RED, Verdict.MISSED  # the last year is over: what is unmet now is missed, not behind
    due_now = any(p.year == today.year for p in checkpoints)
    if not due_now and spec.years.start <= today.year < spec.years.stop and result.expected_to_date is None:
        verdict = Verdict.NOT_DUE
    elif result.reached is None and (due_now or passed or result.expected_to_date):
        return Rag.GREY, Verdict.UNREPORTED
    else:
        verdict = Verdict.BEHIND if result.behind_schedule else Verdict.ON_PACE
    upcoming = [p for p in checkpoints if date(p.year, 12, 31) >= today]
    if upcoming:
        next_point = upcoming[0]
        if in_yellow_window(date(next_point.year, 12, 31), today) and next_point.year not in approved_years:
            return Rag.YELLOW, verdict
    return Rag.GREEN, verdict


# A dashboard judges every indicator (2,000 at scale) and their texts repeat ("100 以上", "50"): parse each text
# once. Targets are frozen and Decimals immutable, so sharing them is safe; a text that fails is not cached.
_parse_target = lru_cache(maxsize=4096)(parse_target)
_parse_number = lru_cache(maxsize=4096)(parse_number)


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
    comparator: str | None = None,
    cadence: str = "",
    batch_years=(),
) -> IndicatorSpec:
    problems: list[str] = []
    years = range(start_year, end_year + 1)
    target = _read(_parse_target, target_text, "目标值", problems)
    comparator = comparator or (target.comparator if target else Comparator.AT_LEAST)
    return IndicatorSpec(
        kind=kind,
        start_year=start_year,
        end_year=end_year,
        baseline=_read(_parse_number, baseline_text, "基期值", problems),
        yearly={year: _read(_parse_target, yearly_texts.get(year), f"{year}年计划值", problems) for year in years},
        target=target.judged_by(comparator) if target else None,
        target_year=target_year,
        problems=tuple(problems),
        comparator=comparator,
        cadence=cadence or "",
        batch_years=tuple(batch_years or ()),
    )


def spec_of(indicator, start_year: int, end_year: int, years=None) -> IndicatorSpec:
    years = indicator.years.all() if years is None else years
    return spec_from_texts(
        indicator.kind,
        start_year,
        end_year,
        indicator.baseline_text,
        {y.year: y.planned_text for y in years},
        indicator.target_text,
        indicator.target_year,
        indicator.comparator,
        indicator.cadence,
        indicator.batch_years,
    )


def trajectory_of(indicator, today: date, years=None, member_figures=None) -> Trajectory:
    """Uses the approved actual increments kept on IndicatorYear (prefetch `years` and `plan`, or pass the
    indicator's `years` already fetched). A standard each member must meet (`indicator.member_label`) is
    judged on its members' approved entries instead (`members.member_figures_of`, one query; pass its answer
    for this indicator as `member_figures` when judging many)."""
    plan = indicator.plan
    years = indicator.years.all() if years is None else years
    spec = spec_of(indicator, plan.start_year, plan.end_year, years)
    if indicator.member_label:
        from targets.members import combine, member_figures_of

        if member_figures is None:
            member_figures = member_figures_of([indicator.pk]).get(indicator.pk, {})
        return combine(spec, indicator.member_label, list(indicator.members or []), member_figures, today)
    actuals = {y.year: y.actual_value for y in years if y.actual_value is not None}
    return compute(spec, actuals, set(actuals), today)
