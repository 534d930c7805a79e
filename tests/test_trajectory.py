"""Trajectory, completion and light for document 000's indicators, with hand-entered actuals.

Every expected number below is worked out by hand from the printed tables."""

from datetime import date
from decimal import Decimal as D

import pytest

from plans.choices import Rag
from targets.models import Indicator
from targets.trajectory import trajectory_of

pytestmark = pytest.mark.django_db


def indicator(name, table=None):
    queryset = Indicator.objects.filter(plan__code="jianghai-rcqq-2022", name=name)
    if table:
        queryset = queryset.filter(table=table)
    return queryset.select_related("plan").get()


def enter(ind, **actuals):
    """Hand-entered actual increments, e.g. y2022=15 (kept as approved actuals on IndicatorYear)."""
    for key, value in actuals.items():
        ind.years.filter(year=int(key[1:])).update(actual_value=value)
    return Indicator.objects.select_related("plan").prefetch_related("years").get(pk=ind.pk)


def test_at_least_100_is_met_at_100():
    # 表1 博士（后）: 65 + 15/15/20, target "100 以上".
    traj = trajectory_of(enter(indicator("博士（后）"), y2022=15, y2023=12, y2024=8), date(2025, 1, 10))
    assert [p.planned for p in traj.points] == [D(80), D(95), D(115)]
    assert [p.actual for p in traj.points] == [D(80), D(92), D(100)]
    assert (traj.reached, traj.required, traj.completion, traj.met) == (D(100), D(100), D("100.0"), True)


def test_more_than_200_needs_201():
    # 二、主要目标: 新引进博士后、博士、硕士超200人 (no baseline: only new arrivals count).
    ind = indicator("新引进博士后、博士、硕士")
    assert ind.target_text == "超200"
    traj = trajectory_of(enter(ind, y2022=80, y2023=70, y2024=50), date(2025, 1, 10))
    assert (traj.reached, traj.required, traj.completion, traj.met) == (D(200), D(201), D("99.5"), False)
    traj = trajectory_of(enter(ind, y2024=51), date(2025, 1, 10))
    assert (traj.reached, traj.met) == (D(201), True)


def test_plain_target_is_at_least():
    # 表1 省级以上领军人才: 6 + 2/2/2 = 12, printed plain "12": a 组织部 reads it as at least 12 (issue 10).
    ind = indicator("省级以上领军人才")
    assert trajectory_of(enter(ind, y2022=2, y2023=2, y2024=2), date(2025, 1, 10)).met is True
    over = trajectory_of(enter(ind, y2024=3), date(2025, 1, 10))
    # 6 + 2 + 2 + 3 = 13 of 12 = 108.3%, met and green (over-achieving is never missing)
    assert (over.reached, over.met, over.completion, over.rag) == (D(13), True, D("108.3"), Rag.GREEN)


def test_blank_increments_stay_blank_and_add_nothing():
    # 表1 省级以上创新创业团队: 0 + 1 / blank / blank = 1.
    ind = indicator("省级以上创新创业团队")
    traj = trajectory_of(enter(ind, y2022=0), date(2023, 3, 1))
    assert [p.planned_increment for p in traj.points] == [D(1), None, None]
    assert [p.planned for p in traj.points] == [D(1), D(1), D(1)]
    assert traj.rag == Rag.RED  # 2022 ended with 0 of the planned 1
    traj = trajectory_of(enter(ind, y2023=1), date(2024, 1, 5))
    assert (traj.rag, traj.met) == (Rag.GREEN, True)


def test_time_proportional_expectation_flags_an_indicator_behind():
    # 表1 硕士: 365 + 50/55/55. On 2023-07-02, day 183 of 365: 415 + 55 × 183/365 ≈ 442.6 expected.
    ind = indicator("硕士")
    behind = trajectory_of(enter(ind, y2022=50, y2023=20), date(2023, 7, 2))
    assert round(behind.expected_to_date, 1) == D("442.6")
    assert behind.behind_schedule is True
    ahead = trajectory_of(enter(ind, y2023=30), date(2023, 7, 2))
    assert ahead.behind_schedule is False


def test_light_rule_matches_node_plans():
    ind = enter(indicator("博士工作站"), y2022=1)  # 表2: 6 + 1/1/2 = 10
    assert trajectory_of(ind, date(2023, 6, 1)).rag == Rag.GREEN  # 2022 met, 2023 not yet due
    assert trajectory_of(ind, date(2023, 12, 26)).rag == Rag.YELLOW  # 2023 due within 7 days, no actual
    assert trajectory_of(ind, date(2024, 1, 2)).rag == Rag.RED  # 2023 passed without its increment


@pytest.mark.parametrize(
    "name, reached",
    [
        ("博士后科研工作站", 9),
        ("博士后创新实践基地", 16),
        ("博士工作站", 10),
        ("省级以上企业技术中心", 22),
        ("省级以上新型研发机构", 4),
        ("省级以上孵化器", 4),
        ("省级以上众创空间", 5),
    ],
)
def test_table_2_met_exactly_when_every_printed_increment_arrives(name, reached):
    ind = indicator(name)
    increments = {f"y{y.year}": y.planned_value for y in ind.years.all() if y.planned_value is not None}
    traj = trajectory_of(enter(ind, **increments), date(2025, 1, 10))
    assert (traj.reached, traj.met, traj.rag) == (D(reached), True, Rag.GREEN)
