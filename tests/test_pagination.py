"""Lists page: the API by cursor, /tasks/ counting its rows once, the detail page's long report history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Milestone
from tests.helpers import every_api_task, milestone_led_by, submit

pytestmark = pytest.mark.django_db


def test_api_cursor_walks_every_visible_row_once_in_plan_order(client_as):
    client = client_as("staff")
    first = client.get("/api/tasks/?limit=7").json()
    assert len(first["tasks"]) == 7 and "cursor=" in first["next"]
    walked = every_api_task(client, "/api/tasks/?limit=7")
    ids = [t["id"] for t in walked]
    assert len(ids) == len(set(ids))  # nothing repeated across pages
    # Active plans' node plans, worked out from the table itself, in (plan, position) order.
    expected = list(
        Milestone.objects.filter(plan__archived_at__isnull=True)
        .order_by("plan_id", "position")
        .values_list("pk", flat=True)
    )
    assert ids == expected


def test_api_refuses_a_forged_cursor_in_chinese(client_as):
    response = client_as("staff").get("/api/tasks/?cursor=abc")
    assert response.status_code == 400 and "cursor 参数无效" in response.json()["error"]


def test_api_page_size_is_capped(client_as):
    body = client_as("staff").get("/api/tasks/?limit=100000").json()
    total = Milestone.objects.filter(plan__archived_at__isnull=True).count()
    assert len(body["tasks"]) == min(500, total)


def test_task_list_counts_its_rows_once(client_as):
    with CaptureQueriesContext(connection) as captured:
        assert client_as("staff").get("/tasks/").status_code == 200
    # The node-plan COUNTs only: the nav's own counts (待审核, unread 通知) read other tables.
    counts = [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and q["sql"].upper().split(" FROM ", 1)[1].startswith('"PLANS_MILESTONE"')
    ]
    assert len(counts) == 1, counts


def test_detail_page_pages_a_long_report_history(client_as, user_named):
    milestone = milestone_led_by("区人力资源和社会保障局")
    liaison = user_named("liaison_hr")
    for n in range(23):
        submit(liaison, milestone, narrative=f"第{n}次进展说明。")
    client = client_as("staff")
    first = client.get(f"/tasks/{milestone.pk}/").content.decode()
    second = client.get(f"/tasks/{milestone.pk}/?reports_page=2").content.decode()
    shown_first = first.count('id="report-')
    shown_second = second.count('id="report-')
    assert (shown_first, shown_second) == (20, 3)  # 23 reports, 20 a page
    assert "reports_page=2" in first and "共 23 条" in first


def node_plan_counts(captured):
    """The paginator's COUNT queries over node plans (not a page's ids that carry their count)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].upper().startswith("SELECT COUNT(")
        and q["sql"].upper().split(" FROM ", 1)[1].startswith('"PLANS_MILESTONE"')
    ]


def test_a_search_counts_with_its_page_and_walks_every_match_once(client_as):
    client = client_as("staff")
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/tasks/?q=人才&per_page=5")
    assert node_plan_counts(captured) == []  # the count came with the page's ids (COUNT(*) OVER ())
    total = first.context["table"].paginator.count
    assert total >= Milestone.objects.filter(text__icontains="人才", plan__archived_at__isnull=True).count() > 5
    seen = []
    for number in range(1, (total + 4) // 5 + 1):
        table = client.get(f"/tasks/?q=人才&per_page=5&page={number}").context["table"]
        assert table.paginator.count == total
        seen += [row.record.pk for row in table.page.object_list]
    assert len(seen) == len(set(seen)) == total


def test_a_search_past_its_last_page_shows_the_last_page(client_as):
    client = client_as("staff")
    last = client.get("/tasks/?q=人才&per_page=5&page=9999")
    assert last.status_code == 200
    table = last.context["table"]
    assert table.page.number == table.paginator.num_pages and len(table.page.object_list) >= 1
