"""Every xlsx the portal writes keeps text as text: the task export (/tasks/?_export=xlsx) and the 工作清单
both go through talentplan.lib.xlsx, and LibreOffice, which evaluates formulas when it converts, gives back
each hostile cell exactly as it was typed."""

import csv
import io
import os
import shutil
import subprocess

import openpyxl
import pytest

from plans.excel.worklist import build_worklist_workbook
from plans.models import Milestone
from talentplan.lib.xlsx import stream_xlsx

pytestmark = pytest.mark.django_db
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
# Each begins with a character a spreadsheet reads as the start of a formula (= + - @, tab, CR).
HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://127.0.0.1/x","点我")',
    "+1+1",
    "-1+1",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]
needs_libreoffice = pytest.mark.skipif(
    not LIBREOFFICE and not os.environ.get("CI"),
    reason="未安装 LibreOffice，跳过公式求值检查（运行 `make browsers` 安装）",
)


def _libreoffice_csv(xlsx_bytes: bytes, tmp_path, sheet=1) -> list[list[str]]:
    source = tmp_path / "export.xlsx"
    source.write_bytes(xlsx_bytes)
    subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    produced = sorted(tmp_path.glob("export*.csv"))
    assert produced, "LibreOffice produced no CSV"
    return list(csv.reader(io.StringIO(produced[0].read_text(encoding="utf-8"), newline="")))


def _as_read_back(text: str) -> str:
    # XML turns a bare CR into LF when the file is read (openpyxl writes it unescaped): still text.
    return text.replace("\r", "\n")


def _cells(xlsx_bytes: bytes, sheet_index=0):
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).worksheets[sheet_index]
    return [cell for row in sheet.iter_rows() for cell in row]


def test_streamed_cells_are_strings_with_the_text_prefix_flag():
    buffer = io.BytesIO()
    stream_xlsx(buffer, [("表", ["内容", "编号"], [[text, "123456789012345678"] for text in HOSTILE])])
    cells = _cells(buffer.getvalue())
    values = [cell.value for cell in cells]
    # Tab and CR are kept (they are legal XML); each hostile text comes back unchanged, and nothing is "f".
    for text in HOSTILE:
        assert text in values
    assert "123456789012345678" in values  # a long number stays text, not 1.23E+17
    # Every text cell is text (the dates the portal computed are date cells: issue 21).
    assert [
        (c.coordinate, c.value) for c in cells if c.value is not None and not isinstance(c.value, str) and not c.is_date
    ] == []
    assert [(c.coordinate, c.data_type) for c in cells if isinstance(c.value, str) and c.data_type != "s"] == []
    flagged = {cell.value for cell in cells if cell.quotePrefix}
    assert flagged == set(HOSTILE)


def _seed_hostile_milestones():
    """Put each hostile text in a node plan of 区卫生健康局's plan, as an import would."""
    milestones = list(Milestone.objects.filter(plan__code="jianghai-rcqq-2022").order_by("position")[: len(HOSTILE)])
    for milestone, text in zip(milestones, HOSTILE, strict=True):
        milestone.text = text
        milestone.save(update_fields=["text"])  # saved as the portal saves: its search text follows
    return milestones


def test_task_export_cells_are_text(client_as):
    _seed_hostile_milestones()
    response = client_as("staff").get("/tasks/?_export=xlsx&per_page=5")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    cells = _cells(content)
    values = [cell.value for cell in cells]
    assert all(text in values for text in HOSTILE)
    # Text cells are text; only the dates the portal computed are date cells (issue 21: they sort).
    assert [
        (c.coordinate, c.value) for c in cells if c.value is not None and not isinstance(c.value, str) and not c.is_date
    ] == []
    assert [(c.coordinate, c.data_type) for c in cells if isinstance(c.value, str) and c.data_type != "s"] == []
    # Every filtered row, not one page: the jianghai-rcqq plan alone has more than 5 node plans.
    total = Milestone.objects.filter(plan__archived_at__isnull=True).count()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == total + 1


def test_task_export_follows_the_filter_and_the_shown_columns(client_as):
    milestones = _seed_hostile_milestones()
    response = client_as("staff").get("/tasks/?_export=xlsx&compact=1&q=%3D1%2B1")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "工作举措" not in rows[0]  # compact hides the measure column on screen, so the export does too
    texts = {row[rows[0].index("节点计划")] for row in rows[1:]}
    assert texts == {"=1+1", "\t=1+1", "\r=1+1"} and len(milestones) == len(HOSTILE)


@needs_libreoffice
def test_libreoffice_evaluates_no_formula_in_the_task_export(client_as, tmp_path):
    _seed_hostile_milestones()
    response = client_as("staff").get("/tasks/?_export=xlsx&q=1")
    rows = _libreoffice_csv(b"".join(response.streaming_content), tmp_path)
    column = rows[0].index("节点计划")
    texts = {row[column] for row in rows[1:]}
    # Evaluated, "=1+1" would read "2" and the HYPERLINK "点我"; as text they come back as typed.
    assert set(map(_as_read_back, HOSTILE)) <= texts
    assert "2" not in texts and "点我" not in texts


@needs_libreoffice
def test_libreoffice_evaluates_no_formula_in_the_worklist(tmp_path):
    _seed_hostile_milestones()
    from plans.models import Plan

    buffer = io.BytesIO()
    build_worklist_workbook(Plan.objects.get(code="jianghai-rcqq-2022")).save(buffer)
    rows = _libreoffice_csv(buffer.getvalue(), tmp_path)
    column = rows[0].index("节点计划")
    texts = {row[column] for row in rows[1:]}
    assert set(map(_as_read_back, HOSTILE)) <= texts
    assert "点我" not in texts and "2" not in texts
