"""Each comparator and cadence, tested from the documents' own wording (issue 10).

Every test quotes the printed phrase (file:line in /work/shared/seeds/, as fixtures/JUDGEMENTS.md cites it)
and works the expected verdict out by hand in its comment. Actual figures are entered as approved yearly
increments on IndicatorYear, as the review of an entry leaves them.
"""

import re
from datetime import date
from decimal import Decimal as D

import pytest

from plans.choices import Rag
from targets.choices import Cadence, Comparator
from targets.models import Indicator
from targets.trajectory import Verdict, trajectory_of
from tests.fixture_reading import plan_yaml

pytestmark = pytest.mark.django_db

RCQQ, BSH, NANPING = "jianghai-rcqq-2022", "jianghai-bsh-2022", "nanping-cjwy-2021"


def indicator(code, name):
    return Indicator.objects.select_related("plan").get(plan__code=code, name=name)


def enter(ind, **actuals):
    """Approved actual increments by year, e.g. y2022=15."""
    for key, value in actuals.items():
        ind.years.filter(year=int(key[1:])).update(actual_value=value)
    return Indicator.objects.select_related("plan").prefetch_related("years").get(pk=ind.pk)


def judged(ind, today):
    t = trajectory_of(ind, today)
    return t.met, t.verdict, t.rag


# -- comparators ------------------------------------------------------------------------------------------


def test_plain_figure_is_at_least_leading_talents_15_against_12():
    # 000:38 表1 “省级以上领军人才／6／2／2／2／12”: a plain 12, read as 引进领军人才12名 = at least 12.
    # Base 6 + 2 + 2 + 5 = 15 by the end of 2024; 15 >= 12 -> met, green (before issue 10: "must equal", red).
    ind = indicator(RCQQ, "省级以上领军人才")
    assert (ind.comparator, ind.cadence, ind.wording_line) == (Comparator.AT_LEAST, Cadence.YEARLY, 38)
    assert judged(enter(ind, y2022=2, y2023=2, y2024=5), date(2025, 1, 10)) == (True, Verdict.MET, Rag.GREEN)


def test_da_is_at_least_platform_total_36_against_da_35():
    # 001:43 “平台总量达35个” (target typed "35", comparator gte): 36 >= 35 -> met; 34 -> not met, and after
    # the end of 2024 (its only due year) that is 未达标, red.
    ind = indicator(BSH, "平台总量")
    assert ind.wording == "平台总量达35个" and ind.comparator == Comparator.AT_LEAST
    assert judged(enter(ind, y2024=36), date(2025, 1, 10)) == (True, Verdict.MET, Rag.GREEN)
    assert judged(enter(ind, y2024=34), date(2025, 1, 10)) == (False, Verdict.MISSED, Rag.RED)


def test_chao_is_more_than_200_is_not_met_at_200():
    # 000:32 “新引进博士后、博士、硕士超200人”: more than 200. 80 + 70 + 50 = 200 -> not met (200 is not
    # more than 200), red after 2024; one more (201) -> met.
    ind = indicator(RCQQ, "新引进博士后、博士、硕士")
    assert ind.comparator == Comparator.MORE_THAN
    assert judged(enter(ind, y2022=80, y2023=70, y2024=50), date(2025, 1, 10)) == (False, Verdict.MISSED, Rag.RED)
    assert judged(enter(ind, y2024=51), date(2025, 1, 10)) == (True, Verdict.MET, Rag.GREEN)


def test_bu_shao_yu_is_at_least_the_same_200_is_met_under_its_own_wording():
    # 000:175 “引进博士后、博士、硕士不少于200人”: the same 200 people, worded 不少于 -> 200 >= 200 met.
    ind = indicator(RCQQ, "引进博士后、博士、硕士")
    assert ind.comparator == Comparator.AT_LEAST
    assert judged(enter(ind, y2022=80, y2023=70, y2024=50), date(2025, 1, 10))[0] is True


def test_tu_po_is_more_than_100_thousand_exactly_is_not_a_breakthrough():
    # 000:32 “人才总量突破10万人”: 突破 read as 超 -> exactly 100000 is not met; 100001 is.
    ind = indicator(RCQQ, "人才总量")
    assert ind.comparator == Comparator.MORE_THAN
    assert judged(enter(ind, y2024=100000), date(2025, 1, 10))[0] is False
    assert judged(enter(ind, y2024=100001), date(2025, 1, 10))[0] is True


def test_yi_shang_is_at_least_100_at_100():
    # 000:39 “博士（后）／65／15／15／20／100 以上”: 65 + 15 + 12 + 8 = 100 -> 100 以上 is met at 100.
    ind = indicator(RCQQ, "博士（后）")
    assert judged(enter(ind, y2022=15, y2023=12, y2024=8), date(2025, 1, 10))[0] is True


def test_range_is_its_lower_bound_and_not_a_cap():
    # 002:93 “每年安排3—5个重大项目”: at least 3 each year; 5 is the planned range, not a cap (no 不超过).
    # 2023: 6 projects -> met, green; 2 projects -> below 3 -> in 2024 the 2023 year-end was missed: red.
    ind = indicator(NANPING, "“揭榜挂帅”重大项目")
    assert judged(enter(ind, y2023=6), date(2023, 12, 31))[:2] == (True, Verdict.MET)
    assert judged(enter(ind, y2023=2), date(2024, 1, 10))[2] == Rag.RED


def test_zuo_you_is_at_least_with_no_tolerance():
    # 002:107 “每年遴选5个左右产学研联合创新项目”: at least 5, no downward tolerance. 2022: 4 -> not met
    # (red once 2022 has ended); 5 -> met.
    ind = indicator(NANPING, "产学研联合创新项目")
    assert judged(enter(ind, y2022=4), date(2023, 1, 10))[1:] == (Verdict.MISSED, Rag.RED)
    assert judged(enter(ind, y2022=5), date(2022, 12, 31))[:2] == (True, Verdict.MET)


def test_no_indicator_is_judged_exactly_or_as_a_cap():
    # None of the 72 indicators' wording says 控制在 / 不超过 / 以内 (fixtures/JUDGEMENTS.md §1): 65 gte, 7 gt.
    counts = {c: Indicator.objects.filter(comparator=c).count() for c in Comparator.values}
    assert counts == {"gte": 65, "gt": 7, "eq": 0, "lte": 0}


# -- cadences ---------------------------------------------------------------------------------------------


def test_biennial_off_year_expects_nothing_and_is_not_red():
    # 002:113 “每两年遴选一批，每批遴选“创业之星”5人”: batches 2021, 2023, 2025.
    # 2021 batch of 5 met; in mid-2022 (an off year) nothing is expected: 本年无要求, not red, no 序时进度.
    ind = indicator(NANPING, "“创业之星”")
    assert (ind.cadence, ind.batch_years) == (Cadence.BIENNIAL, [2021, 2023, 2025])
    t = trajectory_of(enter(ind, y2021=5), date(2022, 6, 30))
    assert (t.verdict, t.rag, t.expected_to_date) == (Verdict.NOT_DUE, Rag.GREEN, None)
    # The off year 2022 ends with no figure at all: still not red in 2023 (its year end was no checkpoint).
    assert trajectory_of(ind, date(2023, 3, 1)).rag != Rag.RED
    # 2023 is a batch year: by 2023-07-02 (half the year) 2.5 of 5 are expected; with no 2023 figure entered
    # the portal cannot say behind (issue 21): 未报送. With 2 entered: 2 < 2.5 -> behind.
    assert trajectory_of(ind, date(2023, 7, 2)).verdict == Verdict.UNREPORTED
    assert trajectory_of(enter(ind, y2023=2), date(2023, 7, 2)).verdict == Verdict.BEHIND
    # The 2023 batch passes with 2 of 5 -> 未达标, red in 2024 (a due year was missed).
    assert judged(ind, date(2024, 1, 10))[1:] == (Verdict.MISSED, Rag.RED)


def test_yearly_cumulative_blank_increment_carries_the_running_total():
    # 000:47 “博士后科研工作站／7／2／／／9”: 2023 and 2024 blank -> nothing new expected; each year end
    # checks the running total 9. 7 + 2 (2022) = 9 -> met and green through 2024, with no 2023/2024 entry.
    ind = indicator(RCQQ, "博士后科研工作站")
    assert judged(enter(ind, y2022=2), date(2024, 1, 10)) == (True, Verdict.MET, Rag.GREEN)


def test_yearly_annual_each_year_against_its_own_figure():
    # 001:149 “每年发放优才卡不少于100张”: printed 长期推进 for the node plan, but the indicator is yearly.
    # 2022: 120 -> met in 2022; 2023 passes with 90 -> red in 2024 until the 2024 figure meets 100.
    ind = indicator(BSH, "发放优才卡")
    assert ind.cadence == Cadence.YEARLY
    assert judged(enter(ind, y2022=120), date(2022, 12, 31))[:2] == (True, Verdict.MET)
    assert judged(enter(ind, y2023=90), date(2024, 1, 10))[1:] == (Verdict.MISSED, Rag.RED)
    assert judged(enter(ind, y2024=100), date(2024, 12, 31)) == (True, Verdict.MET, Rag.GREEN)


def test_once_is_due_only_in_its_target_year():
    # 000:197 “在2022年6月前建成1个县级乡村振兴人才驿站”: once, 2022. With no figure entered it is 未报送 from
    # 2023 (issue 21: a missing report is not a failure); with 0 built it is 未达标, red;
    # 1 built -> met, green (later plan years ask nothing more).
    ind = indicator(RCQQ, "县级乡村振兴人才驿站")
    assert ind.cadence == Cadence.ONCE
    assert judged(ind, date(2023, 1, 10))[1:] == (Verdict.UNREPORTED, Rag.GREY)
    assert judged(enter(ind, y2022=0), date(2023, 1, 10))[1:] == (Verdict.MISSED, Rag.RED)
    assert judged(enter(ind, y2022=1), date(2024, 6, 1)) == (True, Verdict.MET, Rag.GREEN)


def test_once_five_year_total_is_not_red_before_its_year():
    # 002:45 “力争5年内引进培养博士100名”: once, 2025. In 2023 with 30 doctors it is not due yet: never red;
    # the 序时进度 over 2021–2025 (by 2023-12-31: 3 of 5 years -> about 60) says 落后序时进度.
    ind = indicator(NANPING, "引进培养博士")
    t = trajectory_of(enter(ind, y2021=10, y2022=10, y2023=10), date(2023, 12, 31))
    assert t.rag != Rag.RED and t.verdict == Verdict.BEHIND
    assert round(t.expected_to_date) == 60


def test_ongoing_standard_has_no_deadline_and_is_never_red():
    # 002:293 “市级人才服务窗口专职工作人员配备不少于3人”: a staffing standard, no year is due.
    # 2 staff -> 未达标准 (yellow) even years after the plan; 3 staff -> met, green.
    ind = indicator(NANPING, "市级人才服务窗口专职工作人员")
    assert ind.cadence == Cadence.ONGOING
    assert judged(enter(ind, y2021=2), date(2030, 1, 1)) == (False, Verdict.BELOW_STANDARD, Rag.YELLOW)
    assert judged(enter(ind, y2022=1), date(2030, 1, 1)) == (True, Verdict.MET, Rag.GREEN)


def test_cadence_counts_match_the_judgements():
    # fixtures/JUDGEMENTS.md §2 计数: yearly 39, biennial 2, once 28, ongoing 3 (72 in all).
    counts = {c: Indicator.objects.filter(cadence=c).count() for c in Cadence.values}
    assert counts == {"yearly": 39, "biennial": 2, "once": 28, "ongoing": 3}


def test_every_indicator_has_a_reporting_unit():
    # 63 named by the documents, 9 falling back to 区委组织部 (000:13); none left without one.
    assert Indicator.objects.filter(unit__isnull=True).count() == 0
    assert indicator(RCQQ, "“龙溪传人”等本土人才评选活动").unit.name == "各街道"
    assert indicator(NANPING, "“创业之星”").unit.name == "市科技局"


def _printed_threshold(text: str):
    """The first figure of a printed target, read here independently: "超1万" -> 10000, "一次" -> 1, "3—5" -> 3."""
    compact = text.replace(" ", "")
    if "一次" in compact:
        return D(1)
    match = re.search(r"(\d+(?:\.\d+)?)(万)?", compact)
    return D(match[1]) * (10000 if match[2] else 1)


ALL_INDICATORS = [
    (code, entry) for code in (RCQQ, BSH, NANPING) for entry in plan_yaml(code)["indicators"] if entry["target"]
]


@pytest.mark.parametrize("code, entry", ALL_INDICATORS, ids=[f"{c}-{e['name']}" for c, e in ALL_INDICATORS])
def test_every_indicator_exactly_at_its_printed_figure(code, entry):
    # At exactly the printed figure, an "at least" wording (plain, 达, 以上, 不少于, range, 左右) is met and a
    # "more than" wording (超, 突破) is not. Judged at the plan's last day with the figure entered where it counts:
    # the last plan year for a yearly figure, the target year for an end-only figure, the running total
    # (baseline + increment) for a cumulative one.
    ind = indicator(code, entry["name"])
    plan = ind.plan
    threshold = _printed_threshold(entry["target"])
    if entry["kind"] == "cumulative":
        year, value = plan.end_year, threshold - D(entry["baseline"] or 0)
    elif entry["kind"] == "annual":
        year, value = plan.end_year, threshold
    else:
        year, value = entry["target_year"], threshold
    ind = enter(ind, **{f"y{year}": value})
    met = trajectory_of(ind, date(plan.end_year, 12, 31)).met
    if entry.get("member_label"):  # each member must meet it: one figure for all never does (test_member_standards)
        assert (ind.comparator, met) == (entry["comparator"], False)
        return
    assert (ind.comparator, met) == (entry["comparator"], entry["comparator"] == "gte")
