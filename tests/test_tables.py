"""The task list draws each row once (MilestoneTable.shown_rows) for the table and the phone cards, and 我的任务
reads its page ids first: what the user sees is what django-tables2 and a plain paginator would show."""

import re
from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.utils.html import conditional_escape
from django_tables2.rows import BoundRow

from plans.choices import MilestoneStatus, Rag, UnitRole
from plans.models import Milestone
from plans.queries import my_open_tasks, task_queryset
from tests.helpers import milestone_led_by

pytestmark = pytest.mark.django_db


def _drawn_by_django_tables2(table, record) -> str:
    """The row's cells as django-tables2's own template writes them (<td {{ attrs }}>{{ cell }}</td>)."""
    row = BoundRow(record, table=table)
    cells = (f"<td {column.attrs['td'].as_html()}>{conditional_escape(cell)}</td>" for column, cell in row.items())
    return "".join(cells)


def _vary_the_rows():
    """A few rows unlike the imported ones: a light set by hand, a completed task, a paused one."""
    first, second, third = Milestone.objects.filter(plan__code="jianghai-rcqq-2022").order_by("position")[:3]
    Milestone.objects.filter(pk=first.pk).update(rag_override=Rag.RED, rag_override_reason="测试")
    Milestone.objects.filter(pk=second.pk).update(status=MilestoneStatus.COMPLETED)
    Milestone.objects.filter(pk=third.pk).update(status=MilestoneStatus.PAUSED)


@pytest.mark.parametrize("query", ["", "compact=1", "sort=-next_due", "sort=rag", "q=人社局"])
def test_table_cells_are_the_ones_django_tables2_draws(client_as, query):
    _vary_the_rows()
    response = client_as("staff").get(f"/tasks/?per_page=500&{query}")
    table = response.context["table"]
    rows = table.shown_rows
    assert len(rows) > 20
    for row in rows:
        assert row.cells == _drawn_by_django_tables2(table, row.record), row.record.pk
    html = response.content.decode()
    assert html.count('<tr class="even">') + html.count('<tr class="odd">') == len(rows)
    assert [row.parity for row in rows[:4]] == ["even", "odd", "even", "odd"]


def test_phone_cards_show_light_deadline_status_and_lead_units(client_as):
    milestone = milestone_led_by("区人力资源和社会保障局")
    html = client_as("staff").get(f"/tasks/?per_page=500&plan={milestone.plan_id}").content.decode()
    cards = html.split('<div class="task-cards d-md-none">')[1]
    card = re.search(rf'href="/tasks/{milestone.pk}/">(.*?)</a>', cards, re.S).group(1)
    leads = [a.export_name for a in milestone.assignments.select_related("unit") if a.role == UnitRole.LEAD]
    assert leads and f"牵头：{'、'.join(leads)}" in card
    assert milestone.get_status_display() in card
    assert "badge rounded-pill" in card  # its light
    assert milestone.text[:20] in card


def _paged_ids(client, query=""):
    ids, url = [], f"/my/?{query}"
    while url:
        html = client.get(url).content.decode()
        ids += [int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html.split('id="my-indicators"')[0])]
        following = re.search(r'href="([^"]*)">下一页<', html)
        url = "/my/" + following.group(1).replace("&amp;", "&") if following else None
    return ids


def test_my_tasks_pages_are_the_ordered_list_cut_in_thirties(client_as, user_named):
    client = client_as("liaison_hr")
    expected = list(my_open_tasks(user_named("liaison_hr")).values_list("pk", flat=True))
    assert len(expected) > 30  # more than one page
    shown = [pk for pk in _paged_ids(client) if pk in set(expected)]  # the page also links 批示' tasks
    assert shown == expected
    # The count in the heading, the last page, and page numbers that are not pages (as Paginator.get_page).
    html = client.get("/my/").content.decode()
    assert f"未完成的节点计划 {len(expected)} 个" in html
    last = Paginator(expected, 30).num_pages
    for asked, page in (("9999", last), ("0", last), ("-1", last), ("abc", 1), ("", 1), (str(last), last)):
        html = client.get(f"/my/?page={asked}").content.decode()
        want = expected[(page - 1) * 30 : page * 30]
        listed = [int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html) if int(pk) in set(expected)]
        assert listed == want, asked


def test_my_tasks_with_a_filter_that_matches_nothing(client_as):
    html = client_as("liaison_hr").get("/my/?q=不存在的内容xyz").content.decode()
    assert "没有符合筛选条件的未完成节点计划。" in html and "未完成的节点计划 0 个" in html


def test_tracking_annotations_follow_the_day(user_named):
    """with_tracking's expressions are kept per day: the same task is red the day after its deadline and
    not a month before it."""
    milestone = milestone_led_by("区人力资源和社会保障局")
    Milestone.objects.filter(pk=milestone.pk).update(status=MilestoneStatus.IN_PROGRESS, rag_override="")
    due = Milestone.objects.get(pk=milestone.pk).next_due_date
    assert due is not None
    staff = user_named("staff")
    month_before = task_queryset(staff, today=due - timedelta(days=30)).get(pk=milestone.pk)
    day_after = task_queryset(staff, today=due + timedelta(days=1)).get(pk=milestone.pk)
    assert (month_before.rag, day_after.rag) == (Rag.GREEN, Rag.RED)
