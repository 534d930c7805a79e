"""The demo's indicator figures: every printed target gets actuals for the ended years, through the real entry and
review services, so the leader's dashboard shows a believable mix rather than everything 未达标.

Hand-worked from the fixtures: 江海 plans run 2022–2024 and 南平's 2021–2025, so on 2026-11-22 every plan year has
ended. 表1 博士（后） (jianghai-rcqq-2022 position 3): baseline 65, planned +15/+15/+20, target 100 以上.
高级职称专业技术人才 (position 5, one of the one-in-six short ones): baseline 625, target 800 以上, so 175 needed.
"""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from plans.demo.accounts import ensure_demo_accounts
from plans.demo.progress import seed_demo_progress
from plans.demo.year import seed_demo_indicators, seed_demo_year
from targets.models import Indicator, IndicatorEntry
from targets.standing import OFF_TRACK, Standing, standing_of
from targets.trajectory import trajectory_of

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def _has_numbers(indicator) -> bool:
    """A target or a yearly figure the judgement can count against (before any actual is entered)."""
    trajectory = trajectory_of(indicator, TODAY)
    return trajectory.required is not None or any(p.threshold is not None for p in trajectory.points)


def _indicators():
    return list(Indicator.objects.select_related("plan").prefetch_related("years").order_by("plan__code", "position"))


@pytest.fixture
def seeded():
    with time_machine.travel(TODAY, tick=False):
        ensure_demo_accounts()
        numeric = {i.pk for i in _indicators() if _has_numbers(i)}
        seed_demo_progress()
        seed_demo_year(TODAY)
        added = seed_demo_indicators(TODAY)
    return numeric, added


def test_most_indicators_are_met_some_are_off_track_and_every_numeric_one_has_a_figure(seeded):
    numeric, added = seeded
    assert added == IndicatorEntry.objects.count() > 0
    assert len(numeric) > 60  # the 江海 and 南平 fixtures print a figure for nearly every indicator
    approved = set(IndicatorEntry.objects.filter(state="approved").values_list("indicator_id", flat=True))
    # 党政领导 (002:273) binds each leader and the document names none: nothing to enter until staff list them.
    leaders = set(Indicator.objects.filter(member_label="每位党政领导").values_list("pk", flat=True))
    assert numeric - leaders <= approved
    for region in ("jianghai", "nanping"):
        standings = Counter(
            standing_of(trajectory_of(i, TODAY)) for i in _indicators() if i.plan.code.startswith(region)
        )
        total = sum(standings.values())
        assert standings[Standing.MET] * 2 > total, standings  # most met
        off_track = sum(standings[s] for s in OFF_TRACK)
        assert 1 <= off_track <= total // 4, standings  # a few, not most


def test_figures_follow_each_indicators_own_plan(seeded):
    doctors = Indicator.objects.get(plan__code="jianghai-rcqq-2022", name="博士（后）")
    increments = dict(doctors.years.values_list("year", "actual_value"))
    assert all(increments[year] >= planned for year, planned in {2022: 15, 2023: 15, 2024: 20}.items())
    assert increments[2024] <= 20 * Decimal("1.25")  # 100–125 % of plan, not invented
    assert standing_of(trajectory_of(doctors, TODAY)) == Standing.MET

    senior = Indicator.objects.get(plan__code="jianghai-rcqq-2022", name="高级职称专业技术人才")
    gained = sum(senior.years.values_list("actual_value", flat=True))
    assert 175 * Decimal("0.7") <= gained < 175  # short of the 175 the target needs, by 15–30 %
    assert standing_of(trajectory_of(senior, TODAY)) == Standing.MISSED


def test_liaisons_enter_their_units_figures_and_each_regions_staff_reviews(seeded):
    entries = IndicatorEntry.objects.filter(state="approved").select_related("indicator__plan", "indicator__unit")
    for entry in entries:
        region_staff = "staff" if entry.indicator.plan.code.startswith("jianghai") else "np-staff"
        assert entry.reviewer.username == region_staff
        assert entry.submitted_at.date() == date(entry.year + 1, 1, 8 + entry.indicator.position % 20)
    hr_units = {"区人力资源和社会保障局"}
    assert {e.author.username for e in entries if e.indicator.unit.name in hr_units} == {"hr"}
    assert {e.author.username for e in entries if e.indicator.unit.name == "区委组织部"} == {"staff"}


def test_the_eighth_indicator_lacks_its_latest_year(seeded):
    # 区人社局's liaison entered it and it awaits review; 南平's 市科技局 has no demo liaison, so nobody reported it.
    pending = IndicatorEntry.objects.filter(state="submitted")
    assert {(e.indicator.plan.code, e.indicator.position, e.year, e.author.username) for e in pending} == {
        ("jianghai-bsh-2022", 8, 2024, "hr"),
        ("jianghai-rcqq-2022", 8, 2024, "hr"),
    }
    stars = Indicator.objects.get(plan__code="nanping-cjwy-2021", position=8)
    assert sorted(stars.entries.values_list("year", flat=True)) == [2021, 2023]  # a biennial: 2025 missing
    # The 2025 batch has ended with no figure: 未报送 (issue 21), not 未达标.
    assert standing_of(trajectory_of(stars, TODAY)) == Standing.UNREPORTED


@time_machine.travel(TODAY, tick=False)
def test_liaison_home_lists_their_indicators_with_verdicts_and_pending_figures(seeded, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="hr"))
    home = client.get("/my/").content.decode()
    assert "我负责报送的指标" in home and "判定：已达标" in home
    assert home.count("待审核填报 1 条") == 2


@time_machine.travel(TODAY, tick=False)
def test_demo_progress_twice_adds_no_figures(capsys):
    call_command("demo_accounts")
    call_command("demo_progress")
    entries = IndicatorEntry.objects.count()
    assert entries > 200 and f"指标实际值 {entries} 条" in capsys.readouterr().out
    call_command("demo_progress")
    assert seed_demo_indicators() == 0
    assert IndicatorEntry.objects.count() == entries
