"""Every shape an indicator can hold goes through the pure trajectory functions without an exception.

Hypothesis draws the printed texts (blank, numbers, comparators, percentages, words that are not
figures), the plan's years (one year, several, even an invalid span), target years inside and outside
the plan, actuals for some years, and any day. The worked examples below are computed by hand.
"""

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from plans.choices import Rag
from targets.choices import IndicatorKind
from targets.trajectory import NO_ACTUAL, NO_PLAN, compute, figure_text, spec_from_texts

FIGURES = st.one_of(
    st.integers(0, 100000).map(str),
    st.decimals(0, 1000, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "1万", "三", "0.5"]),
)
TARGET_TEXTS = st.one_of(
    st.none(),
    st.just(""),
    FIGURES,
    FIGURES.map(lambda f: f"{f} 以上"),
    FIGURES.map(lambda f: f"超{f}"),
    FIGURES.map(lambda f: f"不少于{f}"),
    FIGURES.map(lambda f: f"达{f}%"),
    FIGURES.map(lambda f: f"{f}左右"),
    st.sampled_from(["3—5", "1-3", "突破10万", "一次", "显著提升", "若干", "约65", "%", "达80%"]),
    st.text(max_size=12),
)
BASELINE_TEXTS = st.one_of(st.none(), st.just(""), FIGURES, st.sampled_from(["约65", "不详", "65 以上"]))
ACTUAL_VALUES = st.decimals(-1000, 10**9, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def shapes(draw):
    start = draw(st.integers(2018, 2030))
    end = start + draw(st.integers(-1, 5))  # -1: an invalid span (end before start)
    years = list(range(start, end + 1))
    yearly = {year: draw(TARGET_TEXTS) for year in years}
    target_year = draw(st.one_of(st.none(), st.integers(start - 4, max(start, end) + 4)))
    spec = spec_from_texts(
        draw(st.sampled_from(IndicatorKind.values)),
        start,
        end,
        draw(BASELINE_TEXTS),
        yearly,
        draw(TARGET_TEXTS),
        target_year,
    )
    actual_years = st.integers(start - 2, max(start, end) + 2)
    actuals = draw(st.dictionaries(actual_years, ACTUAL_VALUES, max_size=6))
    approved = set(draw(st.lists(st.sampled_from(sorted(actuals)), unique=True))) if actuals else set()
    today = draw(st.dates(date(2016, 1, 1), date(2038, 12, 31)))
    return spec, actuals, approved, today


@settings(max_examples=400, deadline=None)
@given(shapes())
def test_any_shape_gives_a_sane_trajectory(shape):
    spec, actuals, approved, today = shape
    t = compute(spec, actuals, approved, today)
    assert t.rag in Rag.values
    assert [p.year for p in t.points] == list(spec.years)
    for value in (t.completion, t.reached, t.required, t.expected_to_date):
        assert value is None or value.is_finite()
    if t.completion is not None:
        # completion is reached / required in percent, to one decimal
        assert abs(t.completion - t.reached / t.required * 100) <= D("0.05")
    assert t.completion_label and t.reached_label
    if t.met:
        assert t.reached is not None and t.required is not None
    if not any(p.planned is not None for p in t.points):
        assert t.rag == Rag.GREY  # nothing to be on or off track against
    if spec.kind == IndicatorKind.CUMULATIVE and spec.baseline is not None:
        planned = [p.planned for p in t.points]
        assert planned == sorted(planned)  # increments are never negative: the planned path never falls
    assert all(isinstance(note, str) and note for note in t.notes)


@settings(max_examples=200, deadline=None)
@given(st.decimals(-(10**12), 10**12, places=2, allow_nan=False, allow_infinity=False))
def test_figure_text_round_trips(value):
    assert D(figure_text(value)) == value
    assert "E" not in figure_text(value)


def test_the_reported_case_target_year_before_the_plan():
    # Exported from a 2022–2024 plan, imported as 2025–2027: "期末目标" 100 due in 2024.
    spec = spec_from_texts(IndicatorKind.TOTAL, 2025, 2027, None, {}, "100", 2024)
    t = compute(spec, {}, set(), date(2025, 6, 1))
    assert t.expected_to_date is None and t.behind_schedule is False
    assert t.rag == Rag.GREY  # its only checkpoint (end of 2024) is not a plan year
    assert "目标年份 2024 年不在计划年度 2025—2027 年内" in t.notes
    assert (t.required, t.completion_label, t.reached_label) == (D(100), NO_ACTUAL, NO_ACTUAL)


def test_one_year_plan():
    # Plan 2025 only: 10 + 5 → 15. On 2025-07-02 (day 183 of 365) the expectation is 10 + 5 × 183/365 ≈ 12.51;
    # an actual increment of 3 gives 13: ahead of it, 13/15 = 86.7 %, green (31 Dec is more than 7 days off).
    spec = spec_from_texts(IndicatorKind.CUMULATIVE, 2025, 2025, "10", {2025: "5"}, "15", 2025)
    t = compute(spec, {2025: D(3)}, {2025}, date(2025, 7, 2))
    assert round(t.expected_to_date, 2) == D("12.51")
    assert (t.reached, t.completion, t.behind_schedule, t.rag) == (D(13), D("86.7"), False, Rag.GREEN)


def test_zero_target_has_no_ratio_but_can_be_met():
    spec = spec_from_texts(IndicatorKind.TOTAL, 2025, 2027, None, {}, "0", 2027)
    t = compute(spec, {2025: D(0)}, {2025}, date(2026, 3, 1))
    assert (t.completion, t.completion_label, t.met) == (None, "—", True)


def test_nothing_planned_is_grey_and_says_so():
    spec = spec_from_texts(IndicatorKind.ANNUAL, 2025, 2027, None, {}, None, None)
    t = compute(spec, {2025: D(4)}, {2025}, date(2026, 3, 1))
    assert (t.rag, t.completion_label) == (Rag.GREY, NO_PLAN)
    assert "未设目标值和年度计划值，不计算完成率和灯色" in t.notes


def test_a_target_that_is_not_a_figure_is_noted_not_raised():
    spec = spec_from_texts(IndicatorKind.TOTAL, 2025, 2027, "约65", {2026: "若干"}, "显著提升", 2027)
    t = compute(spec, {}, set(), date(2026, 3, 1))
    assert spec.target is None and spec.baseline is None and spec.yearly[2026] is None
    assert "目标值“显著提升”不是可计算的数值，按空白处理" in t.notes
    assert "基期值“约65”不是可计算的数值，按空白处理" in t.notes
    assert (t.rag, t.completion_label) == (Rag.GREY, NO_PLAN)


def test_percentage_target():
    # 人才安居房投入使用率 "达80%" (unit %): 85 reached is 85/80 = 106.3 % and meets "at least 80".
    spec = spec_from_texts(IndicatorKind.TOTAL, 2025, 2027, None, {}, "达80%", 2027)
    t = compute(spec, {2027: D(85)}, {2027}, date(2028, 1, 10))
    assert (t.completion, t.met, t.rag) == (D("106.3"), True, Rag.GREEN)


def test_actuals_for_some_years_only():
    # 0 + 1/1/1 (no target: the planned total 3 is required). Actuals 2025: 1, 2027: 1 → 2 of 3 = 66.7 %;
    # after 2027 the last checkpoint (3) was missed: red. 2026 shows no actual, not a zero.
    spec = spec_from_texts(IndicatorKind.CUMULATIVE, 2025, 2027, "0", {2025: "1", 2026: "1", 2027: "1"}, None, 2027)
    t = compute(spec, {2025: D(1), 2027: D(1)}, {2025, 2027}, date(2028, 1, 10))
    assert [p.actual for p in t.points] == [D(1), None, D(2)]
    assert (t.reached, t.required, t.completion, t.rag) == (D(2), D(3), D("66.7"), Rag.RED)


def test_actuals_outside_the_plan_years_are_not_counted():
    spec = spec_from_texts(IndicatorKind.CUMULATIVE, 2025, 2027, "0", {2025: "2"}, "2", 2027)
    t = compute(spec, {2022: D(50), 2025: D(2)}, {2022, 2025}, date(2026, 3, 1))
    assert (t.reached, t.met) == (D(2), True)
    assert "2022 年的实际值不在计划年度内，未计入" in t.notes


def test_an_invalid_span_gives_an_empty_grey_trajectory():
    spec = spec_from_texts(IndicatorKind.CUMULATIVE, 2027, 2025, "1", {}, "5", 2027)
    t = compute(spec, {2026: D(1)}, set(), date(2026, 3, 1))
    assert (t.points, t.rag, t.completion_label) == ([], Rag.GREY, NO_PLAN)
