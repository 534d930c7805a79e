"""Excel that counts and prints (issue 21, item 5): the 工作清单 download and the task export read back with
openpyxl (page set-up, borders, typed cells), and printed to PDF by LibreOffice where it is installed.

Before this change LibreOffice printed 人才强区's 工作清单 (with its 指标 sheet) on 14 pages and the task export
of the three plans on 10, three columns a page, each wrapped cell cut to its first line.
"""

import io
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from plans.excel import columns
from plans.excel.worklist import build_worklist_workbook
from plans.models import Plan

pytestmark = pytest.mark.django_db

PLAN = "jianghai-rcqq-2022"


def _assert_prints(sheet, title: str):
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # A4 landscape
    assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert sheet.print_title_rows == "$1:$1"  # the header row on every page
    assert sheet.oddHeader.center.text == title
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text  # 第 N 页，共 M 页
    for row in sheet.iter_rows(min_row=1, max_row=3):
        for cell in row:
            if isinstance(cell, MergedCell):  # openpyxl reads a merged range's frame onto its first cell
                continue
            assert cell.border.left.style == cell.border.bottom.style == "thin", cell.coordinate
    # Rows carry a height for their wrapped text: a 60-wide 节点计划 of 200 characters needs several lines.
    assert any((sheet.row_dimensions[n].height or 0) > 15 for n in range(2, sheet.max_row + 1))


def test_the_worklist_prints_on_a4_landscape_with_its_title_and_page_numbers():
    plan = Plan.objects.get(code=PLAN)
    workbook = build_worklist_workbook(plan, date(2024, 12, 31))
    _assert_prints(workbook["工作清单"], f"{plan.title} 工作清单")
    _assert_prints(workbook["指标"], f"{plan.title} 指标")


def test_the_worklist_columns_follow_the_document():
    # 000:121 prints “工作任务 项目内容 工作举措 节点计划 完成时间 责任单位”: the export keeps that order (after its
    # 序号) and puts what the portal adds after it.
    assert columns.HEADER[:7] == ["序号", "工作任务", "项目内容", "工作举措", "节点计划", "完成时间", "责任单位"]


def test_figures_are_numbers_so_they_add_up():
    # 000:39 “博士（后）／65／15／15／20／100 以上”: baseline 65 and the three yearly increments are number cells;
    # 65 + 15 + 15 + 20 = 115, what SUM gives over them in Excel. “100 以上” stays the text as printed.
    plan = Plan.objects.get(code=PLAN)
    sheet = build_worklist_workbook(plan, date(2024, 12, 31))["指标"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("指标")] == "博士（后）")
    figures = [row[header.index(name)] for name in ("基期值", "2022年", "2023年", "2024年")]
    assert figures == [65, 15, 15, 20] and sum(figures) == 115
    assert row[header.index("目标值")] == "100 以上"
    assert isinstance(row[header.index("序号")], int)


def test_the_task_export_prints_with_the_plans_title_and_dates_as_dates(client_as):
    plan = Plan.objects.get(code=PLAN)
    response = client_as("staff").get(f"/tasks/?plan={plan.pk}&_export=xlsx&sort=next_due")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    _assert_prints(sheet, f"{plan.title} 节点计划清单")
    header = [c.value for c in sheet[1]]
    due = sheet[get_column_letter(header.index("下一截止日") + 1)]
    dated = [c for c in due[1:] if c.value is not None]
    assert dated and all(c.is_date and c.number_format == 'yyyy"年"m"月"d"日"' for c in dated)
    assert [c.value for c in dated] == sorted(c.value for c in dated)  # sortable: they are dates


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdfinfo")), reason="需要 LibreOffice 和 pdfinfo")
def test_libreoffice_prints_the_worklist_one_page_wide_on_few_pages(tmp_path):
    # 人才强区: its node plans and its 40 indicators, one page wide: 4 pages when measured (14 before); at most 6
    # allowed for font differences between machines.
    plan = Plan.objects.get(code=PLAN)
    path = tmp_path / "worklist.xlsx"
    build_worklist_workbook(plan, date(2024, 12, 31)).save(path)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    info = subprocess.run(["pdfinfo", str(tmp_path / "worklist.pdf")], check=True, capture_output=True, text=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
    assert 2 <= pages <= 6
