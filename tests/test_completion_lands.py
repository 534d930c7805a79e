"""Completion that lands on the right deadline (issue 10, item 7): the report form's default period, the
reviewer's warning for a 已完成 report that names no deadline, and status per year everywhere."""

import io
import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from plans.excel.columns import HEADER as WORKLIST_HEADER
from plans.excel.worklist import worklist_rows
from plans.models import Milestone, Occurrence, ProgressReport
from plans.workflow import reporting
from tests.helpers import submit
from tests.small_plan import build_small_plan

pytestmark = pytest.mark.django_db


def yearly_row_6():
    """jianghai-rcqq-2022 row 6: 每年12月, led by 区人社局 — deadlines 2022-12-31, 2023-12-31, 2024-12-31."""
    return Milestone.objects.get(plan__code="jianghai-rcqq-2022", position=6)


def selected_occurrence(html: str) -> str:
    select = re.search(r'<select name="occurrence"[^>]*>(.*?)</select>', html, re.S)[1]
    return re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", select)[1]


def test_report_form_defaults_to_the_open_or_overdue_deadline(client_as, user_named):
    milestone = yearly_row_6()
    with time_machine.travel(date(2023, 3, 1), tick=False):
        html = client_as("liaison_hr").get(f"/tasks/{milestone.pk}/").content.decode()
        # 2022-12-31 has passed and nothing was approved for it: it is the overdue deadline still open.
        assert selected_occurrence(html) == "2022年12月（截止 2022年12月31日）"
        report = submit(
            user_named("liaison_hr"),
            milestone,
            "completed",
            100,
            occurrence=Occurrence.objects.get(pk=reporting.default_occurrence_id(milestone)),
        )
        reporting.review_report(user_named("staff"), report, True, "", report.version)
        html = client_as("liaison_hr").get(f"/tasks/{milestone.pk}/").content.decode()
        assert selected_occurrence(html) == "2023年12月（截止 2023年12月31日）"  # the next one, now the open deadline


def test_a_completed_report_naming_no_deadline_warns_the_reviewer(client_as, user_named):
    (task,) = build_small_plan("warn-test", texts=("报已完成但未选期次",))
    with time_machine.travel(date(2024, 7, 10), tick=False):
        report = submit(user_named("liaison_hr"), task, "completed", 100, occurrence=None)
        staff = client_as("staff")
        page = staff.get(f"/tasks/{task.pk}/").content.decode()
        assert reporting.NO_DEADLINE_WARNING in page and "确认不对应期次通过" in page
        assert "未注明完成的期次" in staff.get("/reviews/").content.decode()

        # Approving without the confirmation is refused: nothing changes.
        data = {f"v{report.pk}-version": report.version, f"v{report.pk}-decision": "approve"}
        response = staff.post(f"/reports/{report.pk}/review/", data)
        assert response.status_code == 400 and "请退回，或勾选确认后再通过" in response.content.decode()
        report.refresh_from_db()
        task.refresh_from_db()
        assert (report.state, task.status) == ("submitted", "not_started")
        with pytest.raises(ValidationError, match="没有注明完成的是哪一期截止期限"):
            reporting.review_report(user_named("staff"), report, True, "", report.version)

        # With the explicit confirmation it is approved; the deadline stays open (it was not named).
        response = staff.post(f"/reports/{report.pk}/review/", {**data, f"v{report.pk}-confirm_no_deadline": "on"})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == "approved" and task.occurrences.get().completed_on is None


def test_a_completed_report_naming_its_deadline_gets_no_warning(client_as, user_named):
    (task,) = build_small_plan("nowarn-test", texts=("报已完成并选了期次",))
    with time_machine.travel(date(2024, 6, 10), tick=False):
        submit(user_named("liaison_hr"), task, "completed", 100, occurrence=task.occurrences.get())
        page = client_as("staff").get(f"/tasks/{task.pk}/").content.decode()
        assert reporting.NO_DEADLINE_WARNING not in page and "确认不对应期次通过" not in page


@pytest.fixture
def done_for_2022(user_named):
    """Row 6's 2022年12月 deadline completed on 2022-12-10; we look on 2024-01-10, when 2023-12-31 has passed."""
    milestone = yearly_row_6()
    with time_machine.travel(date(2022, 12, 10), tick=False):
        report = submit(
            user_named("liaison_hr"),
            milestone,
            "completed",
            100,
            occurrence=milestone.occurrences.get(label="2022年12月"),
        )
        reporting.review_report(user_named("staff"), report, True, "", report.version)
    return milestone


def test_yearly_status_is_per_year_on_the_pages(done_for_2022, client_as):
    milestone = done_for_2022
    with time_machine.travel(date(2024, 1, 10), tick=False):
        detail = client_as("staff").get(f"/tasks/{milestone.pk}/").content.decode()
        assert "2022年度已完成 · 100%" in detail and "下一截止 2023年12月31日（已逾期）" in detail
        my = client_as("liaison_hr").get("/my/").content.decode()
        entry = my.split(f'href="/tasks/{milestone.pk}/"')[1].split("</a>")[0]  # still on the home page
        assert "状态：2022年度已完成" in entry and "2023年12月31日（已逾期）" in entry
        listing = client_as("staff").get(f"/tasks/?plan={milestone.plan_id}&per_page=500").content.decode()
        row = listing.split(f'href="/tasks/{milestone.pk}/"')[1].split("</tr>")[0]
        assert "2022年度已完成" in row and "红灯" in row
        api = client_as("staff").get(f"/api/tasks/{milestone.pk}/").json()
        assert (api["status"], api["status_display"], api["rag"]) == ("completed", "2022年度已完成", "red")


def test_yearly_status_is_per_year_in_the_exports(done_for_2022, client_as):
    milestone = done_for_2022
    with time_machine.travel(date(2024, 1, 10), tick=False):
        response = client_as("staff").get(f"/tasks/?plan={milestone.plan_id}&_export=xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        header = [c.value for c in sheet[1]]
        row = next(
            r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("节点计划")] == milestone.text
        )
        assert (row[header.index("状态")], row[header.index("灯色")]) == ("2022年度已完成", "红灯")
        worklist = next(r for r in worklist_rows(milestone.plan) if r[0] == 6)  # 序号 is a number cell (issue 21)
        assert worklist[WORKLIST_HEADER.index("状态")] == "2022年度已完成"
        assert worklist[WORKLIST_HEADER.index("灯色")] == "红灯"
    # Nowhere "已完成" alone beside 红灯 in this plan's export.
    statuses = {
        (r[header.index("状态")], r[header.index("灯色")]) for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert ("已完成", "红灯") not in statuses


def test_a_report_for_an_already_met_deadline_does_not_move_its_date(user_named):
    (task,) = build_small_plan("twice-test", texts=("两次报已完成",))
    occurrence = task.occurrences.get()
    for day in (date(2024, 6, 1), date(2024, 7, 15)):
        with time_machine.travel(day, tick=False):
            report = submit(user_named("liaison_hr"), task, "completed", 100, occurrence=occurrence)
            reporting.review_report(user_named("staff"), report, True, "", report.version)
    occurrence.refresh_from_db()
    assert occurrence.completed_on == date(2024, 6, 1)  # met on time the first time; stays so
    assert ProgressReport.objects.filter(milestone=task, state="approved").count() == 2


def test_a_yearly_task_done_for_one_year_is_still_reminded_of_the_next(done_for_2022):
    """Row 6 is 已完成 for 2022; its 2023-12-31 deadline is reminded 30, 7 and 1 days before, as any other."""
    from plans.notifications.due import open_items

    reminded = [
        day
        for day in (date(2023, 12, 1), date(2023, 12, 24), date(2023, 12, 30))
        if any(i.milestone_id == done_for_2022.pk and i.triggered for i in open_items(day, ["jianghai-rcqq-2022"]))
    ]
    assert reminded == [date(2023, 12, 1), date(2023, 12, 24), date(2023, 12, 30)]


def test_a_one_off_left_undone_by_the_close_is_still_reminded(user_named):
    from plans.notifications.due import open_items
    from plans.workflow.year_close import close_year

    (task,) = build_small_plan("remind-test", texts=("销号时未完成",))
    with time_machine.travel(date(2025, 1, 5), tick=False):
        close_year(user_named("staff"), task.plan, 2024)
    # Overdue reminders go out every 7 days after 2024-06-30: day 189 after it is 2025-01-05 (189 = 27 × 7).
    items = [i for i in open_items(date(2025, 1, 5), ["remind-test"]) if i.milestone_id == task.pk]
    assert [(i.due, i.triggered) for i in items] == [(date(2024, 6, 30), True)]


def test_dashboard_counts_completion_per_year_and_links_to_that_list(done_for_2022, client_as):
    """Row 6 (每年12月) is done for 2022 only: the dashboard's 已完成 counts it in 2022, not in 2023, and the
    number links to the list that shows exactly that. No other report is approved in this test."""
    milestone = done_for_2022
    plan_id = milestone.plan_id
    with time_machine.travel(date(2024, 1, 10), tick=False):
        client = client_as("staff")
        for year, expected in [(2022, {milestone.pk}), (2023, set())]:
            html = client.get(f"/dashboard/?plan={plan_id}&year={year}").content.decode()
            link = re.search(r'href="([^"]*done=true)"><div[^>]*>(\d+)%</div><div[^>]*>已完成', html)
            html_list = client.get(link[1].replace("&amp;", "&") + "&per_page=500").content.decode()
            listed = {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html_list)}
            assert listed == expected, year
            assert (int(link[2]) > 0) == bool(expected)
