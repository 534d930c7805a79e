"""The leader's 10-second dashboard: indicators counted as 达标 / 正常 / 落后 / 未达标, only the off-track
ones drawn, every count linking to the charts behind it, and the overdue node plans listed first.

Standings are worked out by hand from 表1 博士（后） of document 000: baseline 65, yearly +15/+15/+20, so the
planned running totals are 80 (2022), 95 (2023), 115 (2024); the target is "100 以上" (at least 100).
"""

import re
from datetime import date

import pytest
import time_machine

from plans.models import Plan
from targets.models import Indicator
from targets.standing import Standing, standing_of
from targets.trajectory import trajectory_of
from tests.test_trajectory import enter, indicator

pytestmark = pytest.mark.django_db


def doctors(**actuals):
    ind = indicator("博士（后）")
    ind.years.update(actual_value=None)
    return enter(ind, **actuals)


def test_met_at_100_is_da_biao():
    # 65 + 15 + 12 + 8 = 100 ≥ 100 以上.
    assert standing_of(trajectory_of(doctors(y2022=15, y2023=12, y2024=8), date(2025, 1, 10))) == Standing.MET


def test_a_missed_year_end_is_wei_da_biao():
    # Mid 2023: 65 + 10 = 75 < 80, the 2022 year end was missed.
    assert standing_of(trajectory_of(doctors(y2022=10), date(2023, 6, 1))) == Standing.MISSED


def test_behind_the_days_elapsed_is_luo_hou():
    # 2 July 2023: 2022 met at 80; by now 80 + 15 × (182/365) ≈ 87.5 is expected and 80 is reached.
    assert standing_of(trajectory_of(doctors(y2022=15), date(2023, 7, 2))) == Standing.BEHIND


def test_ahead_of_the_days_elapsed_is_zheng_chang():
    # 10 January 2023: 80 + 15 × (10/365) ≈ 80.4 is expected; 65 + 15 + 5 = 85 is reached, short of 100.
    assert standing_of(trajectory_of(doctors(y2022=15, y2023=5), date(2023, 1, 10))) == Standing.ON_TRACK


def _count(body, standing):
    match = re.search(rf'standing={standing}#indicators"><div class="[^"]*">(\d+)</div>', body)
    return int(match.group(1))


def _drawn(body):
    """Charts outside the folded <details>: the ones a leader sees without a click."""
    return body.split("<details")[0].count('class="trajectory"')


@time_machine.travel(date(2023, 6, 1), tick=False)
def test_counts_link_to_exactly_the_charts_they_count(client_as):
    doctors(y2022=15, y2023=20)  # 65 + 15 + 20 = 100: 达标 already in 2023
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    client = client_as("leader")
    body = client.get(f"/dashboard/?plan={plan.pk}").content.decode()
    # 未报送 (issue 21) is counted on its own: an indicator with no figure entered is neither missed nor met.
    counts = {s: _count(body, s) for s in ("met", "on_track", "behind", "missed", "unreported")}
    total = Indicator.objects.filter(plan=plan).count()
    assert sum(counts.values()) + (_count(body, "unjudged") if "standing=unjudged" in body else 0) == total
    assert counts["met"] >= 1
    # Only off-track ones are drawn, at most 12 before a click; the rest of them and the on-track ones
    # (博士（后） among them) are folded below.
    off_track = counts["missed"] + counts["behind"]
    assert _drawn(body) == min(off_track, 12)
    if off_track > 12:
        assert f"另有 {off_track - 12} 项落后或未达标的指标" in body
    assert f"其余 {total - off_track} 项指标" in body
    assert "博士（后）" in body.split('<details class="mt-3 folded-indicators">')[1]
    for standing, count in counts.items():
        page = client.get(f"/dashboard/?plan={plan.pk}&standing={standing}").content.decode()
        assert _drawn(page) == count, standing
    met = client.get(f"/dashboard/?plan={plan.pk}&standing=met").content.decode()
    assert "博士（后）" in met.split("<details")[0]


def test_an_unknown_standing_falls_back_to_the_off_track_ones(client_as):
    response = client_as("leader").get("/dashboard/?standing=%3Cscript%3E")
    assert response.status_code == 200 and "下面是落后和未达标的指标" in response.content.decode()


@time_machine.travel(date(2023, 6, 1), tick=False)
def test_overdue_node_plans_are_listed_with_the_link_to_all_of_them(client_as):
    client = client_as("leader")
    body = client.get("/dashboard/").content.decode()
    match = re.search(r'href="(/tasks/\?overdue=true)">共 (\d+) 项</a>', body)
    assert match, "the overdue count links to the task list"
    listed = client.get(match.group(1) + "&per_page=500").content.decode()
    assert len(set(re.findall(r'href="/tasks/(\d+)/"', listed))) == int(match.group(2))
