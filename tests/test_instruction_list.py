"""领导批示 at scale (issue 13): the dashboard's and 我的任务's box shows the most urgent few with the total and
a link; /instructions/ lists the rest, paged, filtered by 办理状态, scoped by plans.access.instructions."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.choices import UnitRole
from plans.models import Milestone
from plans.workflow import instructions
from tests.helpers import milestone_led_by
from units.models import Unit

pytestmark = pytest.mark.django_db
HR, HEALTH = "区人力资源和社会保障局", "区卫生健康局"


def _led_by(unit_name, count):
    """Up to `count` node plans of the 江海 plan that unit_name leads."""
    rows = Milestone.objects.filter(
        plan__code="jianghai-rcqq-2022", assignments__unit__name=unit_name, assignments__role=UnitRole.LEAD
    )
    milestones = list(rows.distinct().order_by("position")[:count])
    assert milestones
    return milestones


def _give(leader, count, unit_name=HR, text="批示", reply_by=None):
    """`count` 批示 on node plans unit_name leads (several per node plan when it leads fewer)."""
    milestones = _led_by(unit_name, min(count, 5))
    return [
        instructions.give_instruction(leader, milestones[n % len(milestones)], f"{text}{n:03d}", None, reply_by)
        for n in range(count)
    ]


def _box(html):
    match = re.search(r'<div class="card[^"]*" id="open-instructions">(.*?)\n</div>', html, re.S)
    assert match, "no 待办结的领导批示 box"
    return match.group(1)


def _instruction_links(html):
    return re.findall(r'href="/instructions/(\d+)/"', html)


def test_box_shows_the_most_urgent_ten_with_the_total_and_a_link(client_as, user_named):
    leader = user_named("leader")
    today = timezone.localdate()
    with time_machine.travel(today - timedelta(days=30), tick=False):
        overdue = instructions.give_instruction(
            leader, milestone_led_by(HR), "已过反馈期限的批示", None, today - timedelta(days=3)
        )
    no_date = _give(leader, 3, text="未设期限")
    dated = [
        instructions.give_instruction(leader, m, f"期限{n:02d}", None, today + timedelta(days=n + 1))
        for n, m in enumerate((_led_by(HR, 5) * 10)[:10])
    ]
    # 14 open: 1 overdue, 10 with a date to come, 3 without; the most urgent ten are the overdue one and the
    # nine nearest dates.
    html = client_as("leader").get("/dashboard/").content.decode()
    box = _box(html)
    shown = _instruction_links(box)
    assert shown == [str(i.pk) for i in [overdue, *dated[:9]]]
    assert "共 14 条，查看全部" in box and 'href="/instructions/" id="open-instructions-all"' in box
    assert str(dated[9].pk) not in shown and not {str(i.pk) for i in no_date} & set(shown)
    assert 'class="text-danger fw-bold">' + overdue.reply_by.strftime("%Y") in box  # the passed date is red
    # Fewer than ten: every one, and no “查看全部” line.
    html = client_as("liaison_health").get("/my/").content.decode()
    assert "open-instructions" not in html
    health_one = _give(leader, 1, HEALTH)[0]
    box = _box(client_as("liaison_health").get("/my/").content.decode())
    assert _instruction_links(box) == [str(health_one.pk)] and "查看全部" not in box


def test_a_liaison_lists_only_what_is_addressed_to_or_on_their_units(client_as, user_named):
    leader = user_named("leader")
    health_only = instructions.give_instruction(leader, milestone_led_by(HEALTH), "只交卫健局办理")
    # Addressed to 区人社局 on a node plan 区人社局 does not answer for: listed, its node plan not linked.
    health_task = milestone_led_by(HEALTH)
    assert not health_task.assignments.filter(unit__name=HR).exists()
    to_hr = instructions.give_instruction(leader, health_task, "请人社局配合", [Unit.objects.get(name=HR)])
    own = instructions.give_instruction(leader, milestone_led_by(HR), "人社局牵头的事项")

    for state in ("", "?state=all", "?state=done"):
        listed = client_as("liaison_hr").get(f"/instructions/{state}").content.decode()
        assert f"/instructions/{health_only.pk}/" not in listed and "只交卫健局办理" not in listed
    listed = client_as("liaison_hr").get("/instructions/").content.decode()
    assert f"/instructions/{to_hr.pk}/" in listed and f"/instructions/{own.pk}/" in listed
    assert f'href="/tasks/{health_task.pk}/"' not in listed  # the liaison may not open that node plan
    assert f'href="/tasks/{own.milestone_id}/"' in listed

    for role in ("staff", "leader", "liaison_health"):
        listed = client_as(role).get("/instructions/").content.decode()
        assert f"/instructions/{health_only.pk}/" in listed, role
        assert f'href="/tasks/{health_task.pk}/"' in listed, role


def test_state_filter_and_columns(client_as, user_named):
    leader, staff, liaison = user_named("leader"), user_named("staff"), user_named("liaison_hr")
    milestone = milestone_led_by(HR)
    reply_by = timezone.localdate() + timedelta(days=10)
    still_open = instructions.give_instruction(leader, milestone, "尚待办理", None, reply_by)
    closed = instructions.give_instruction(leader, milestone, "已经办完")
    instructions.reply(liaison, closed, "已办理。")
    instructions.decide(staff, closed, True, "", 2)

    client = client_as("leader")
    default = client.get("/instructions/").content.decode()
    assert _instruction_links(default) == [str(still_open.pk)]
    row = default[default.index('id="instruction-list"') :]
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", row)
    assert headers == ["批示内容", "节点计划", "交办单位", "状态", "反馈期限", "批示时间", "批示领导"]
    assert "尚待办理" in row and milestone.plan.title in row and HR in row and "待反馈" in row
    assert f"{reply_by.year}年{reply_by.month}月{reply_by.day}日" in row
    assert (leader.get_full_name() or leader.username) in row
    assert _instruction_links(client.get("/instructions/?state=done").content.decode()) == [str(closed.pk)]
    everything = _instruction_links(client.get("/instructions/?state=all").content.decode())
    assert sorted(everything) == sorted([str(still_open.pk), str(closed.pk)])


@pytest.mark.parametrize("query", ["state=bogus", "state=%E5%85%A8%E9%83%A8", "state=open&state=x", "state=%00"])
def test_a_bad_state_is_the_default_with_a_warning(client_as, user_named, query):
    instruction = _give(user_named("leader"), 1)[0]
    response = client_as("leader").get(f"/instructions/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "办理状态筛选无效，已显示待办结的批示" in html and f"/instructions/{instruction.pk}/" in html


def test_an_empty_state_or_page_is_the_default_without_a_warning(client_as, user_named):
    instruction = _give(user_named("leader"), 1)[0]
    html = client_as("leader").get("/instructions/?state=&page=").content.decode()
    assert f"/instructions/{instruction.pk}/" in html and "无效" not in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "2", "99999999999999999999999", "%C2%B2", "1.5"])
def test_a_bad_page_is_page_one_with_a_warning(client_as, user_named, page):
    instruction = _give(user_named("leader"), 1)[0]
    response = client_as("leader").get(f"/instructions/?page={page}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "无效（共 1 页），已显示第 1 页" in html and f"/instructions/{instruction.pk}/" in html


def test_thirty_a_page_and_the_pager_keeps_the_state(client_as, user_named):
    given = _give(user_named("leader"), 31)
    client = client_as("staff")
    first = client.get("/instructions/?state=all").content.decode()
    second = client.get("/instructions/?state=all&page=2").content.decode()
    assert len(_instruction_links(first)) == 30 and len(_instruction_links(second)) == 1
    assert "第 1 / 2 页，共 31 条" in first and 'href="?state=all&amp;page=2"' in first
    assert "无效" not in first + second
    assert set(_instruction_links(first) + _instruction_links(second)) == {str(i.pk) for i in given}


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


# The box adds one query to its page (the ranked rows with their units and the total); the list page reads
# the session and user, the role and regions, a COUNT for the pager, the page, its units and which node plans
# the reader may open, plus the nav counts.
LIST_MAX_QUERIES = 16


@pytest.mark.parametrize(
    "role, url",
    [
        ("leader", "/dashboard/"),
        ("liaison_hr", "/my/"),
        ("leader", "/instructions/"),
        ("liaison_hr", "/instructions/?state=all"),
        ("staff", "/instructions/?state=all"),
    ],
)
def test_queries_do_not_grow_with_the_instructions(client_as, user_named, role, url, django_assert_max_num_queries):
    leader = user_named("leader")
    _give(leader, 12, reply_by=timezone.localdate() + timedelta(days=5))
    client = client_as(role)
    client.get(url)  # the dashboard's first view of the day counts its stored figures (plans.dashboard.stored_counts)
    few = _queries(client, url)
    _give(leader, 24)  # three times as many
    _give(leader, 12, HEALTH)
    many = _queries(client, url)
    assert many == few, f"{url} as {role}: {few} queries with 12 批示, {many} with 48"
    if url.startswith("/instructions/"):
        with django_assert_max_num_queries(LIST_MAX_QUERIES):
            client.get(url)


def test_open_instructions_counts_every_open_one_but_loads_only_the_limit(user_named):
    leader = user_named("leader")
    _give(leader, 7, reply_by=date.today() + timedelta(days=2))
    instructions.open_instructions(leader)  # the role and regions are read once, then cached on the user
    with CaptureQueriesContext(connection) as captured:
        box = instructions.open_instructions(leader, limit=3)
    assert len(captured.captured_queries) == 1  # the rows with their units and the total
    assert box.total == 7 and len(box.rows) == 3 and box.more
    assert all(i.addressed == [Unit.objects.get(name=HR)] for i in box.rows)
    lile = user_named("liaison_lile")
    instructions.open_instructions(lile)
    with CaptureQueriesContext(connection) as captured:
        empty = instructions.open_instructions(lile)
    assert len(captured.captured_queries) == 1
    assert empty.total == 0 and empty.rows == [] and not empty.more
