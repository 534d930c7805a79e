"""export_worklist reproduces the documents' rows for all three plans, as text, with no formulas."""

import re

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from plans.excel.cells import write_sheet
from tests.fixture_reading import PLAN_CODES, node_plan_rows, plan_yaml, unit_names, unit_spellings

pytestmark = pytest.mark.django_db

REGION = {"jianghai-rcqq-2022": "jianghai", "jianghai-bsh-2022": "jianghai", "nanping-cjwy-2021": "nanping"}


def read_filled(sheet) -> list[list]:
    """Rows as a person reads the printed page: a merged cell's value applies to every row it spans."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        for r in range(merged.min_row, merged.max_row + 1):
            rows[r - 1][merged.min_col - 1] = rows[merged.min_row - 1][merged.min_col - 1]
    return rows


def _export(code, tmp_path):
    path = tmp_path / f"{code}.xlsx"
    call_command("export_worklist", code, "-o", str(path))
    return openpyxl.load_workbook(path)


def _export_names(names: list[str], region: str) -> str:
    """Units as the export shows them: full names, but group units under the document's own name."""
    spellings, groups = unit_spellings(region)
    shown = []
    for name in names:
        canonical = spellings[re.sub(r"\s", "", name)]
        shown.append(re.sub(r"\s", "", name) if canonical in groups else canonical)
    return "、".join(shown)


@pytest.mark.parametrize("code", PLAN_CODES)
def test_worklist_sheet_reproduces_every_document_row(code, tmp_path):
    sheet = _export(code, tmp_path)["工作清单"]
    rows = read_filled(sheet)
    assert sheet.merged_cells.ranges  # 工作任务 / 项目内容 are merged as on the printed page
    header = list(rows[0])
    for column in ["工作任务", "项目内容", "工作举措", "节点计划", "完成时间", "责任单位", "牵头单位"]:
        assert column in header
    col = {name: header.index(name) for name in header}
    expected = node_plan_rows(code)  # worklist rows, then the body text's and closing sections' commitments
    assert len(rows) - 1 == len(expected)
    for got, row in zip(rows[1:], expected, strict=True):

        def value(name, got=got):
            return got[col[name]] or ""

        # A closing section (组织保障 …) belongs to no 工作任务: its cell stays blank.
        assert value("工作任务") == ("" if row.get("part") == "closing" else row["category"])
        assert value("项目内容") == row["item"]
        assert value("工作举措") == row["measure"]
        assert value("节点计划") == row["milestone"]
        assert value("完成时间") == row["due"]
        assert value("责任单位") == _export_names(unit_names(row["units"]), REGION[code])
        assert value("牵头单位") == _export_names(unit_names(row["lead"]), REGION[code])


@pytest.mark.parametrize("code", PLAN_CODES)
def test_indicator_sheet_has_a_column_per_plan_year(code, tmp_path):
    sheet = _export(code, tmp_path)["指标"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    data = plan_yaml(code)
    years = list(range(data["start_year"], data["end_year"] + 1))
    for column in ["指标", "基期值", "目标值", *[f"{y}年" for y in years]]:
        assert column in header
    assert len(rows) - 1 == len(data["indicators"])
    for got, entry in zip(rows[1:], data["indicators"], strict=True):
        assert got[header.index("指标")] == entry["name"]
        assert _text(got[header.index("基期值")]) == ("" if entry["baseline"] is None else str(entry["baseline"]))
        assert _text(got[header.index("目标值")]) == ("" if entry["target"] is None else str(entry["target"]))
        for year in years:
            planned = (entry.get("yearly") or {}).get(year)
            assert _text(got[header.index(f"{year}年")]) == ("" if planned is None else str(planned))


def test_cells_are_text_and_never_formulas(tmp_path):
    workbook = Workbook()
    write_sheet(workbook.active, ["指标", "编号"], [['=HYPERLINK("x")', "123456789012345678"], ["+1", "@SUM"]])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    sheet = openpyxl.load_workbook(path).active
    # The text is kept as typed; the cell is a string with the spreadsheet's "text" flag, never a formula.
    assert [c.value for c in sheet[2]] == ['=HYPERLINK("x")', "123456789012345678"]
    assert [c.value for c in sheet[3]] == ["+1", "@SUM"]
    assert all(c.data_type == "s" and c.number_format == "@" for row in sheet.iter_rows(min_row=2) for c in row)
    assert [c.quotePrefix for c in sheet[2]] == [True, False] and [c.quotePrefix for c in sheet[3]] == [True, True]


def _text(value) -> str:
    """A cell as the fixture prints it: a number cell 60 reads "60" (issue 21 made plain figures numbers)."""
    return "" if value is None else str(value)


def test_exported_cells_written_by_people_are_text_and_figures_are_numbers(tmp_path):
    # Issue 21: what people wrote (node plans, units, notes, printed targets such as "800 以上") stays text;
    # the figures and the 序号 the portal computed are numbers, the 最近更新 a date, so SUM and sorting work.
    workbook = _export("jianghai-rcqq-2022", tmp_path)
    worklist = workbook["工作清单"]
    header = [cell.value for cell in worklist[1]]
    typed = {header.index("序号"), header.index("最近更新")}
    for row in worklist.iter_rows(min_row=2):
        for index, cell in enumerate(row):
            if cell.value is not None:
                assert (cell.data_type != "s") == (index in typed), (header[index], cell.value)
    indicators = workbook["指标"]
    texts = [c.value for row in indicators.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if re.fullmatch(r"-?\d+(\.\d+)?", t.strip())]  # 359 before
    assert "800 以上" in texts


def test_unknown_plan_code_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="找不到计划代码“no-such”"):
        call_command("export_worklist", "no-such", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="应以 .xlsx 结尾"):
        call_command("export_worklist", "jianghai-rcqq-2022", "-o", str(tmp_path / "x.csv"))
    assert not list(tmp_path.iterdir())
