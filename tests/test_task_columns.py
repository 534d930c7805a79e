"""plans.task_columns: the task list, its Excel export and its JSON come from one declaration, so every
column is in all three, under one header and in one order, with the same values."""

import io

import openpyxl
import pytest

from plans.choices import UnitRole
from plans.models import MilestoneUnit
from plans.task_columns import TASK_COLUMNS
from tests.helpers import milestone_led_by

pytestmark = pytest.mark.django_db
HEADERS = [column.header for column in TASK_COLUMNS]


def _sheet(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [list(row) for row in openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)]


def test_the_list_the_export_and_the_json_have_every_column_with_the_same_values(client_as):
    milestone = milestone_led_by("区人力资源和社会保障局")
    client = client_as("staff")
    query = f"plan={milestone.plan_id}&q={milestone.text[:12]}"
    table = client.get(f"/tasks/?{query}").context["table"]
    assert [str(column.header) for column in table.columns] == HEADERS
    sheet = _sheet(client.get(f"/tasks/?{query}&_export=xlsx"))
    assert sheet[0] == HEADERS
    row = dict(zip(HEADERS, next(r for r in sheet[1:] if r[HEADERS.index("节点计划")] == milestone.text), strict=True))
    data = client.get(f"/api/tasks/{milestone.pk}/").json()
    # The values, worked out from the rows themselves, not from the columns' code.
    leads = [
        a.export_name
        for a in MilestoneUnit.objects.filter(milestone=milestone, role=UnitRole.LEAD).order_by("position")
    ]
    assert row["行动计划"] == milestone.plan.title and data["plan"] == milestone.plan.code
    assert row["工作举措"] == data["measure"] == milestone.measure.text
    assert row["节点计划"] == data["text"] == milestone.text
    assert row["牵头单位"] == "、".join(leads) and data["lead_units"] == leads
    next_due = milestone.next_due_date
    assert data["next_due"] == next_due.isoformat()
    assert row["下一截止日"].date() == next_due  # a date cell (issue 21), shown as 2022年12月31日
    assert row["状态"] == data["status_display"] == "未启动" and data["status"] == milestone.status
    assert row["最近报送"] is None and data["last_report_at"] is None  # nothing reported in the fixtures


def test_the_json_keeps_every_key_it_had(client_as):
    """Clients read these keys (API before issue 19); the declaration added lead_units and last_report_at."""
    milestone = milestone_led_by("区人力资源和社会保障局")
    data = client_as("staff").get(f"/api/tasks/{milestone.pk}/").json()
    before = {"id", "plan", "category", "measure", "text", "due_text", "schedule_text", "status", "status_display"}
    assert before | {"percent", "rag", "next_due", "units", "occurrences"} <= set(data)


def test_compact_leaves_the_same_column_out_of_the_list_and_the_export(client_as):
    client = client_as("staff")
    table = client.get("/tasks/?compact=1").context["table"]
    shown = [str(column.header) for column in table.columns]
    assert "工作举措" not in shown and shown == [h for h in HEADERS if h != "工作举措"]
    assert _sheet(client.get("/tasks/?compact=1&_export=xlsx"))[0] == shown
