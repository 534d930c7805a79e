"""One verdict that never contradicts (issue 21, item 2), tested from the documents' own wording.

Each test quotes the printed phrase (file:line in /work/shared/seeds/: 000 = 江海“人才强区”, 002 = 南平“才聚武夷”)
and works the expected verdict out by hand in its comment:
- after the plan's last year has ended (from its last day, 12月31日, on) an unmet target is 未达标, red;
- no figure entered is 未报送, a verdict, colour and count of its own, never 未达标;
- a standard each county or each leader must meet is judged member by member, with the members listed.
"""

from collections import Counter
from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.choices import Rag
from plans.workflow import indicator_entries
from targets.models import Indicator, IndicatorEntry
from targets.standing import Standing, standing_of
from targets.trajectory import Verdict, trajectory_of

pytestmark = pytest.mark.django_db

RCQQ, NANPING = "jianghai-rcqq-2022", "nanping-cjwy-2021"
COUNTIES = ["延平区", "建阳区", "邵武市", "武夷山市", "建瓯市", "顺昌县", "浦城县", "光泽县", "松溪县", "政和县"]


def indicator(code, name):
    return Indicator.objects.select_related("plan").get(plan__code=code, name=name)


def enter(ind, **actuals):
    """Approved actual increments by year (as the review of an entry leaves them), e.g. y2022=60."""
    for key, value in actuals.items():
        ind.years.filter(year=int(key[1:])).update(actual_value=value)
    return Indicator.objects.select_related("plan").prefetch_related("years").get(pk=ind.pk)


def judged(ind, today):
    t = trajectory_of(ind, today)
    return t.verdict, t.rag


# -- the final year ---------------------------------------------------------------------------------------


def test_an_unmet_target_is_missed_once_the_plans_last_year_has_ended():
    # 000:41 “高级职称专业技术人才／625／60／60／60／800 以上” (plan 2022—2024, yearly, at least).
    # Entered: +60 (2022) -> 685, +60 (2023) -> 745, +27 (2024) -> 772.
    # Checkpoints: 2022 end 625+60 = 685 ✓, 2023 end 745 ✓, 2024 end 805 (the path; the end target 800 以上).
    # - 2024-06-30: 182 of 366 days of 2024 -> 745 + 60 × 182/366 ≈ 774.8 expected; 772 < 774.8 -> 落后序时进度;
    #   the 2024 year end is more than 7 days away -> green.
    # - 2024-12-31, the plan's last day: the figure as at that day is the year's figure; 772 < 800 (and < 805)
    #   -> 未达标, red (the portal said 落后序时进度（绿灯） that day).
    # - 2025-03-01, after the plan: still 未达标, red.
    ind = enter(indicator(RCQQ, "高级职称专业技术人才"), y2022=60, y2023=60, y2024=27)
    t = trajectory_of(ind, date(2024, 6, 30))
    assert (t.reached, t.verdict, t.rag) == (D(772), Verdict.BEHIND, Rag.GREEN)
    assert round(t.expected_to_date, 1) == D("774.8")
    final = trajectory_of(ind, date(2024, 12, 31))
    assert (final.verdict, final.rag, final.verdict_text) == (Verdict.MISSED, Rag.RED, "未达标（红灯）")
    assert judged(ind, date(2025, 3, 1)) == (Verdict.MISSED, Rag.RED)
    # 802 by the end: 802 >= 800 -> 已达标 (a met target is never red, although the path asked 805).
    assert judged(enter(ind, y2024=57), date(2024, 12, 31)) == (Verdict.MET, Rag.GREEN)


def test_two_unmet_targets_read_the_same_on_the_plans_last_day():
    # 000:51 “省级以上工程技术 （研究）中心／74／1／1／2／78”: +1 (2022) -> 75, nothing after -> 75 of 78.
    # 2023 end: 75 < 76 -> 未达标 already; 2024-12-31: 75 < 78 -> 未达标, red. 000:41 at 772 of 800 on the
    # same day (test above) is 未达标, red as well: the two no longer contradict each other.
    centre = enter(indicator(RCQQ, "省级以上工程技术 （研究）中心"), y2022=1, y2023=0, y2024=0)
    senior = enter(indicator(RCQQ, "高级职称专业技术人才"), y2022=60, y2023=60, y2024=27)
    as_at = date(2024, 12, 31)
    assert trajectory_of(centre, as_at).verdict_text == trajectory_of(senior, as_at).verdict_text == "未达标（红灯）"


# -- 未报送 --------------------------------------------------------------------------------------------------


def test_no_figures_entered_is_unreported_not_missed():
    # As at 2024-12-31 with no figure entered anywhere: every indicator of the three plans had a figure due
    # (the 江海 plans end on 2024-12-31; 南平's yearly ones have their 2024 year end, its end-only ones are
    # under way, its biennial ones passed the 2023 batch, its standards are held all the time) and nobody
    # reported one. Nothing was judged, so nothing is 未达标 or 已达标: all 72 are 未报送, counted as such.
    judged_all = [trajectory_of(i, date(2024, 12, 31)) for i in Indicator.objects.select_related("plan")]
    assert len(judged_all) == 72
    standings = Counter(standing_of(t) for t in judged_all)
    assert standings == {Standing.UNREPORTED: 72}
    assert {t.verdict_text for t in judged_all} == {"未报送"}
    assert {t.colour for t in judged_all} == {"unreported"}


def test_a_reported_zero_is_missed_and_a_missing_one_is_unreported():
    # 000:197 “在2022年6月前建成1个县级乡村振兴人才驿站” (once, 2022): as at 2023-01-10 nothing entered ->
    # 未报送 (grey, not red); 0 entered -> 0 < 1 -> 未达标, red.
    ind = indicator(RCQQ, "县级乡村振兴人才驿站")
    assert judged(ind, date(2023, 1, 10)) == (Verdict.UNREPORTED, Rag.GREY)
    assert judged(enter(ind, y2022=0), date(2023, 1, 10)) == (Verdict.MISSED, Rag.RED)


@time_machine.travel(date(2024, 12, 31), tick=False)
def test_the_dashboard_counts_and_colours_unreported_on_its_own(client_as):
    # One figure entered: 000:41 at 772 (as above) -> 未达标; the other 39 indicators of 人才强区 have none ->
    # 未报送 39, 未达标 1, in their own colours, and the legend names 未报送.
    plan_indicator = enter(indicator(RCQQ, "高级职称专业技术人才"), y2022=60, y2023=60, y2024=27)
    page = client_as("staff").get(reverse("plans:dashboard") + f"?plan={plan_indicator.plan_id}").content.decode()
    assert '<div class="fs-4 fw-bold standing-unreported">39</div><div class="small text-muted">未报送</div>' in page
    assert '<div class="fs-4 fw-bold standing-missed">1</div><div class="small text-muted">未达标</div>' in page
    assert "indicator-legend" in page and "未报送：应报未报" in page


# -- per county, per leader ---------------------------------------------------------------------------------


def _report(user, ind, year, value, member, kind="increment"):
    """A figure entered by the reporting unit's liaison and approved by staff, as the pages do it."""
    from django.contrib.auth.models import User

    entry = indicator_entries.submit_entry(user, ind, year, kind, D(value), "县（市、区）报表", member=member)
    staff = User.objects.get(username="staff")
    indicator_entries.review_entry(staff, entry, True, "", entry.version)
    return entry


def test_each_county_must_hold_two_contests_a_year(user_named):
    # 002:201 “市级每年组织竞赛不少于4场、县级每年不少于2场”: the county figure binds each of the 10 counties
    # (fixtures/units/nanping.yaml 各县（市、区）), not their total.
    # - 延平区 enters 2 for 2021: as at 2021-12-31 延平区 2 >= 2 met; the other 9 reported nothing -> the
    #   indicator is 未报送, not 已达标 (the portal said 已达标 on a single 2).
    # - all 10 enter 2: each 2 >= 2 -> 已达标, green.
    # - 建阳区 enters 1 instead: 1 < 2 -> 未达标, red, and 建阳区 is named.
    ind = indicator(NANPING, "县级职业技能竞赛")
    assert (ind.member_label, ind.members) == ("每个县（市、区）", COUNTIES)
    liaison = user_named("liaison_np")  # 市人社局, the reporting unit, gathers the counties' figures
    _report(liaison, ind, 2021, 2, "延平区")
    t = trajectory_of(ind, date(2021, 12, 31))
    assert t.verdict == Verdict.UNREPORTED and not t.met
    assert t.members_with(Verdict.MET) == ["延平区"] and t.members_with(Verdict.UNREPORTED) == COUNTIES[1:]
    assert t.reached_label == "1/10 达标"
    for county in COUNTIES[1:]:
        _report(liaison, ind, 2021, 2, county)
    assert judged(ind, date(2021, 12, 31)) == (Verdict.MET, Rag.GREEN)
    _report(liaison, ind, 2021, 1, "建阳区")  # a corrected figure: the latest approved one counts
    t = trajectory_of(ind, date(2021, 12, 31))
    assert (t.verdict, t.rag, t.members_with(Verdict.MISSED)) == (Verdict.MISSED, Rag.RED, ["建阳区"])
    assert any("未达标 1 个（建阳区）" in note for note in t.notes)


def test_a_county_total_cannot_be_entered_for_a_per_county_standard(user_named):
    # 002:201 again: a figure without its county (a total) is refused in Chinese and nothing is saved;
    # a name not among the 10 is refused too.
    ind = indicator(NANPING, "县级职业技能竞赛")
    liaison = user_named("liaison_np")
    before = IndicatorEntry.objects.count()
    with pytest.raises(ValidationError, match="每个县（市、区）都达到"):
        indicator_entries.submit_entry(liaison, ind, 2021, "increment", D(20), "合计")
    with pytest.raises(ValidationError, match="不在该指标的成员名单中"):
        indicator_entries.submit_entry(liaison, ind, 2021, "increment", D(2), "报表", member="江海区")
    assert IndicatorEntry.objects.count() == before


def test_each_county_window_is_staffed_with_two(user_named):
    # 002:293 “市级人才服务窗口专职工作人员配备不少于3人，县级不少于2人”: a standard held continuously
    # (ongoing) by each county window. Year-end totals: every county 2 in 2022 -> each 2 >= 2 -> 已达标.
    # 政和县 reports a total of 1 for 2023 (its increment 1 − 2 = −1, running total 1): 1 < 2 -> 未达标准,
    # yellow (a standard has no deadline, so never red), 政和县 named; the other nine stay met.
    ind = indicator(NANPING, "县级人才服务窗口专职工作人员")
    liaison = user_named("liaison_np")
    for county in COUNTIES:
        _report(liaison, ind, 2022, 2, county, kind="total")
    assert judged(ind, date(2023, 6, 1)) == (Verdict.MET, Rag.GREEN)
    entry = _report(liaison, ind, 2023, 1, "政和县", kind="total")
    assert entry.increment == D(-1)
    t = trajectory_of(ind, date(2023, 6, 1))
    assert (t.verdict, t.rag) == (Verdict.BELOW_STANDARD, Rag.YELLOW)
    assert t.members_with(Verdict.BELOW_STANDARD) == ["政和县"] and len(t.members_with(Verdict.MET)) == 9


def test_each_leader_contacts_one_to_three_experts(user_named):
    # 002:273 “党政领导……直接联系服务 1—3 名专家”: each leader; the range's lower bound, at least 1.
    # The document names no leader: until staff list them the indicator is 未报送 with a note saying so.
    # Two leaders listed: 1 expert each -> 1 >= 1 met for both -> 已达标; the second at 0 -> 未达标准.
    ind = indicator(NANPING, "党政领导直接联系服务专家")
    assert (ind.member_label, ind.members) == ("每位党政领导", [])
    t = trajectory_of(ind, date(2023, 6, 1))
    assert t.verdict == Verdict.UNREPORTED and any("尚未列出名单" in note for note in t.notes)
    ind.members = ["张市长", "李副市长"]
    ind.save(update_fields=["members"])
    staff = user_named("staff")
    _report(staff, ind, 2022, 1, "张市长")
    _report(staff, ind, 2022, 1, "李副市长")
    assert judged(ind, date(2023, 6, 1)) == (Verdict.MET, Rag.GREEN)
    _report(staff, ind, 2023, 0, "李副市长", kind="total")  # none left in 2023: 0 − 1 = −1, running total 0
    t = trajectory_of(ind, date(2023, 6, 1))
    assert (t.verdict, t.members_with(Verdict.BELOW_STANDARD)) == (Verdict.BELOW_STANDARD, ["李副市长"])


def test_the_indicator_page_lists_the_members(client_as, user_named):
    # 002:201: the page shows one row per county with its own verdict (延平区 met, the rest 未报送).
    ind = indicator(NANPING, "县级职业技能竞赛")
    _report(user_named("liaison_np"), ind, 2021, 2, "延平区")
    with time_machine.travel(date(2021, 12, 31), tick=False):
        page = client_as("staff").get(reverse("plans:indicator", args=[ind.pk])).content.decode()
    assert "逐一判断：每个县（市、区）" in page
    assert page.count("<tr><td>") >= 10 and "<td>延平区</td>" in page and "<td>政和县</td>" in page
    assert '<select name="member"' in page
