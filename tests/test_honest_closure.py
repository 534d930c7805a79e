"""Honest closure (issue 10, item 6): closing a year records each deadline as 按期完成, 逾期完成 or 未完成, in
history, on the dashboard (each count linking to the list that produces it) and in the Word bulletin.

The plan is built by tests.small_plan: three one-off node plans due 2024-06-30, led by 区人社局:
  A — 已完成 report approved 2024-06-20 (before the deadline)  → 按期完成
  B — 已完成 report approved 2024-08-10 (41 days after it)      → 逾期完成
  C — never reported                                             → 未完成, and stays 逾期未完成 (red)
"""

import re
from datetime import date

import pytest
import time_machine
from docx import Document

from plans.bulletin.document import build_bulletin
from plans.choices import Rag
from plans.models import Occurrence
from plans.queries import task_queryset
from plans.tracking import period_status
from plans.workflow import reporting
from plans.workflow.year_close import close_year
from tests.helpers import submit
from tests.small_plan import build_small_plan

pytestmark = pytest.mark.django_db


def complete(user_named, milestone, on: date):
    """区人社局 reports 已完成 for the node plan's deadline and staff approve it, on that day."""
    with time_machine.travel(on, tick=False):
        report = submit(
            user_named("liaison_hr"), milestone, "completed", 100, "已完成。", occurrence=milestone.occurrences.get()
        )
        reporting.review_report(user_named("staff"), report, True, "", report.version)


@pytest.fixture
def closed_2024(user_named):
    a, b, c = build_small_plan("close-test")
    complete(user_named, a, date(2024, 6, 20))
    complete(user_named, b, date(2024, 8, 10))
    with time_machine.travel(date(2025, 1, 5), tick=False):
        closure = close_year(user_named("staff"), a.plan, 2024)
    return a.plan, (a, b, c), closure


def listed(client, url: str) -> set[int]:
    html = client.get(url.replace("&amp;", "&") + "&per_page=500").content.decode()
    return {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html)}


def bulletin_text(plan, year, today, tmp_path) -> str:
    """Generate the .docx, save it, and read it back with python-docx as a reader would open it."""
    path = tmp_path / f"通报{today}.docx"
    build_bulletin(plan, year, today).save(path)
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_close_records_three_outcomes_in_each_history(closed_2024, client_as, user_named):
    plan, (a, b, c), closure = closed_2024
    assert (closure.met_count, closure.late_count, closure.missed_count) == (1, 1, 1)
    for milestone, word in [(a, "按期完成"), (b, "逾期完成"), (c, "未完成")]:
        reason = f"2024年度销号：2024年6月 {word}"
        staff = user_named("staff")
        assert milestone.occurrences.get().history.filter(history_change_reason=reason, history_user=staff).exists()
        assert milestone.history.filter(history_change_reason=reason, history_user=staff).exists()
        with time_machine.travel(date(2025, 1, 6), tick=False):
            page = client_as("staff").get(f"/tasks/{milestone.pk}/").content.decode()
        assert reason in page  # the node plan page's 变更记录
    outcomes = Occurrence.objects.filter(milestone__in=[a, b, c]).order_by("milestone__position")
    assert [o.outcome for o in outcomes] == ["met", "late", "missed"]


def test_after_the_close_an_undone_one_off_stays_red_and_late_is_not_plain_green(closed_2024, user_named, client_as):
    plan, (a, b, c), _ = closed_2024
    with time_machine.travel(date(2025, 1, 6), tick=False):
        tasks = {m.pk: m for m in task_queryset(user_named("staff")).filter(plan=plan)}
        # C still owes its 2024-06-30 deadline: overdue and red, not "无截止期限" and green.
        assert (tasks[c.pk].next_due, tasks[c.pk].rag) == (date(2024, 6, 30), Rag.RED)
        assert (period_status(tasks[a.pk]), period_status(tasks[b.pk])) == ("已完成", "逾期完成")
        assert "逾期未完成（销号时未完成）" in client_as("staff").get(f"/tasks/{c.pk}/").content.decode()
        page_b = client_as("staff").get(f"/tasks/{b.pk}/").content.decode()
        assert "销号：逾期完成（2024年8月10日）" in page_b and "逾期完成 · 100%" in page_b
    complete(user_named, c, date(2025, 3, 1))  # done at last
    occurrence = c.occurrences.get()
    assert (occurrence.outcome, occurrence.completed_on) == ("late", date(2025, 3, 1))
    with time_machine.travel(date(2025, 3, 2), tick=False):
        task = task_queryset(user_named("staff")).get(pk=c.pk)
        assert (task.next_due, task.rag, period_status(task)) == (None, Rag.GREEN, "逾期完成")


def test_dashboard_counts_the_three_and_each_count_lists_its_node_plans(closed_2024, client_as):
    plan, (a, b, c), _ = closed_2024
    with time_machine.travel(date(2025, 1, 6), tick=False):
        client = client_as("staff")
        html = client.get(f"/dashboard/?plan={plan.pk}&year=2024").content.decode()
        block = re.search(r"<div[^>]*data-outcomes>(.*?)</div>", html, re.S)[1]
        links = dict(
            (label, (url, int(count)))
            for url, label, count in re.findall(r'href="([^"]+)">(按期完成|逾期完成|未完成) (\d+)</a>', block)
        )
        assert {label: count for label, (_, count) in links.items()} == {"按期完成": 1, "逾期完成": 1, "未完成": 1}
        assert listed(client, links["按期完成"][0]) == {a.pk}
        assert listed(client, links["逾期完成"][0]) == {b.pk}
        assert listed(client, links["未完成"][0]) == {c.pk}


def test_bulletin_reads_the_three_outcomes(closed_2024, tmp_path):
    plan, (a, b, c), _ = closed_2024
    text = bulletin_text(plan, 2024, date(2025, 1, 6), tmp_path)
    assert "截至2024年12月31日" in text
    # 3 node plans; A and B done (2 of 3 = 67%); C overdue; one of each outcome.
    assert "2024年度涉及节点计划3个，其中已完成2个、未完成1个（2+1=3），完成率67%" in text
    assert "逾期未完成1个" in text
    assert "其中按期完成1个、逾期完成1个、到期未完成1个（1+1+1=3）" in text
    overdue_rows = overdue_table(tmp_path / "通报2025-01-06.docx")
    assert [row[0] for row in overdue_rows] == ["区人力资源和社会保障局"]  # 附件2, by lead unit
    assert [row[1] for row in overdue_rows] == [c.text] and overdue_rows[0][2] == "2024年6月30日"


def overdue_table(path) -> list[list[str]]:
    """附件2 (逾期事项清单) without its header row."""
    table = Document(path).tables[1]
    assert [cell.text for cell in table.rows[0].cells] == ["牵头单位", "节点计划", "应完成时间", "现状"]
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


def test_bulletin_ignores_an_approval_after_its_cut_off(closed_2024, user_named, tmp_path):
    plan, (a, b, c), _ = closed_2024
    complete(user_named, c, date(2025, 3, 1))  # approved after 2024-12-31
    text = bulletin_text(plan, 2024, date(2025, 3, 2), tmp_path)
    # On 2024-12-31 C was still not done: the bulletin says so, exactly as before the late approval.
    assert "已完成2个" in text and "逾期未完成1个" in text and c.text in text
    assert "其中按期完成1个、逾期完成1个、到期未完成1个（1+1+1=3）" in text
    # 工作开展情况 is seeded from the reports approved by the cut-off: A's and B's, not C's of 2025.
    work_done = text.split("二、工作开展情况")[1].split("三、存在问题")[0]
    assert work_done.count("区人力资源和社会保障局：已完成。") == 2


def test_bulletin_never_lists_an_item_done_by_its_cut_off_as_overdue(user_named, tmp_path):
    """D is reported 已完成 without naming its deadline; staff confirm and approve it on 2024-09-01 (before the
    cut-off). Its deadline is left open, yet the bulletin counts it done and does not list it as overdue."""
    (d,) = build_small_plan("confirm-test", texts=("只报了已完成的事项",))
    with time_machine.travel(date(2024, 9, 1), tick=False):
        report = submit(user_named("liaison_hr"), d, "completed", 100, "已完成。", occurrence=None)
        reporting.review_report(user_named("staff"), report, True, "", report.version, confirm_no_deadline=True)
    text = bulletin_text(d.plan, 2024, date(2025, 1, 6), tmp_path)
    assert "涉及节点计划1个，其中已完成1个、未完成0个（1+0=1）" in text
    assert "其他已完成1个（经审核确认完成、未对应本年度到期期次）（0+0+1=1）" in text  # D: done, its deadline left open
    assert "逾期未完成0个" in text  # done: never 逾期未完成
    # The dashboard still counts D's open deadline as 逾期 (plans.dashboard: overdue_q on its next deadline), and
    # the bulletin agrees with the dashboard: it names D as done with that deadline not closed, a part of its own.
    assert "逾期的节点计划共1个，其中逾期未完成0个、已完成但仍有过期期次未办结1个（0+1=1）" in text
    assert overdue_table(tmp_path / "通报2025-01-06.docx")[0][3] == "已完成，2024年6月30日的期次未办结"
