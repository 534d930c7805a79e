"""The leaders' dashboard: every number links to the task list behind it; fixed query count."""

import re
from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.dashboard.board import build_dashboard
from plans.demo.accounts import ensure_demo_accounts
from plans.demo.progress import seed_demo_progress
from plans.models import Plan
from tests.conftest import create_test_users
from tests.test_query_counts import _add_activity

pytestmark = pytest.mark.django_db


def _rows_behind(client, link: str) -> int:
    html = client.get(link + "&per_page=500").content.decode()
    return len(set(re.findall(r'href="/tasks/(\d+)/"', html)))


@pytest.fixture
def demo():
    ensure_demo_accounts()
    assert seed_demo_progress() > 0
    # The demo's "staff" and "leader" work for 江海区 only; the test users of those names work for both regions.
    create_test_users()


@time_machine.travel(date(2023, 12, 15), tick=False)
@pytest.mark.parametrize("year", [None, 2023])
def test_every_number_matches_the_task_list_it_links_to(client_as, demo, year):
    client = client_as("leader")
    board = build_dashboard(None, year, date(2023, 12, 15))
    assert len(board.per_plan) == 3
    for _group, tally in board.per_plan + board.per_category:
        assert _rows_behind(client, tally.link()) == tally.total
        assert _rows_behind(client, tally.link(overdue="true")) == tally.overdue
        assert _rows_behind(client, tally.link(due_within=30)) == tally.due_soon
        for _status, count, link in tally.status_rows():
            assert _rows_behind(client, link) == count
    for row in board.league[:8]:
        year_part = f"&year={year}" if year else ""
        link = f"/tasks/?unit={row.unit.pk}&unit_role=lead{year_part}"
        assert _rows_behind(client, link) == row.led
        assert _rows_behind(client, link + "&overdue=true") == row.overdue


@time_machine.travel(date(2023, 12, 15), tick=False)
def test_the_page_shows_plans_units_and_indicator_charts(client_as, demo):
    client = client_as("leader")
    body = client.get("/dashboard/").content.decode()
    for plan in Plan.objects.all():
        assert plan.title in body
    # The demo progress enters no indicator figure: all 72 are 未报送 (issue 21), folded, not drawn as failures;
    # their count draws them.
    assert '<div class="fs-4 fw-bold standing-unreported">72</div>' in body
    unreported = client.get("/dashboard/?standing=unreported").content.decode()
    assert unreported.count("<svg") >= 40 and "计划（虚线）与实际（实线）" in unreported
    assert "牵头单位排名" in body and "区人力资源和社会保障局" in body


def test_liaisons_do_not_get_the_dashboard(client_as):
    assert client_as("liaison_hr").get("/dashboard/").status_code == 404


def test_dashboard_query_count_does_not_grow_with_data(client_as, demo, django_assert_max_num_queries):
    client = client_as("staff")
    with CaptureQueriesContext(connection) as before:
        client.get("/dashboard/")
    seed_more = Plan.objects.get(code="jianghai-rcqq-2022")
    users = get_user_model().objects
    milestones = list(
        seed_more.milestones.filter(assignments__unit__name="区人力资源和社会保障局", assignments__role="lead")
        .filter(occurrences__is_deadline=True)
        .distinct()[:5]
    )
    _add_activity(lambda name: users.get(username=name), milestones, rounds=2)
    with CaptureQueriesContext(connection) as after:
        client.get("/dashboard/")
    assert len(after.captured_queries) == len(before.captured_queries)
    # 26 before the daily loop, plus the nav counts (待审核: reports, extensions, entries; unread 通知), the open 批示
    # and the league table's 催办次数: each one query, whatever the rows; plus the user's regions (memberships,
    # region tree: two queries, once per request).
    with django_assert_max_num_queries(26 + 4 + 2 + 2):
        client.get("/dashboard/")
