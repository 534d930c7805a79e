"""The streamed writer's shortcuts keep openpyxl's rules: text goes into the cell without openpyxl's value
setter, and the 工作清单's merged runs are written in write-only mode."""

import io

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook import Workbook

from plans.excel.cells import merged_runs
from talentplan.lib.xlsx import cell_text, stream_sheet, stream_xlsx


def test_cell_text_drops_exactly_what_openpyxl_refuses():
    # The setter is skipped because cell_text already removed these; a character openpyxl refuses that
    # cell_text kept would make a file Excel cannot open.
    every = "".join(chr(n) for n in range(0x80))
    assert ILLEGAL_CHARACTERS_RE.search(cell_text(every)) is None
    assert len(cell_text(every)) == 0x80 - len(ILLEGAL_CHARACTERS_RE.findall(every))


def test_streamed_text_is_cleaned_and_cut_at_excels_limit():
    buffer = io.BytesIO()
    stream_xlsx(buffer, [("表", ["内容", "长文"], [["甲\x01乙\x1f丙", "长" * 40000]])])
    row = next(openpyxl.load_workbook(buffer)["表"].iter_rows(min_row=2, values_only=True))
    assert row == ("甲乙丙", "长" * 32767)


def test_streamed_merges_read_back_as_merged_cells():
    rows = [["A", "x", "1"], ["A", "x", "2"], ["A", "y", "3"], ["B", "y", "4"], ["B", "y", "5"]]
    # Worked by hand (as in test_merge_runs): 类别 rows 2-4 and 5-6; 项目 rows 2-3 and 5-6 (its y-run
    # from row 4 stops at the category change on row 5, leaving row 4 alone).
    runs = merged_runs(rows, [1, 2])
    assert sorted(runs) == [(1, 2, 4), (1, 5, 6), (2, 2, 3), (2, 5, 6)]
    workbook = Workbook(write_only=True)
    stream_sheet(workbook, "清单", ["类别", "项目", "序号"], rows, merged=runs)
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = openpyxl.load_workbook(buffer)["清单"]
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A2:A4", "A5:A6", "B2:B3", "B5:B6"]
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    # Only a run's first cell holds the value; the merged-away cells are empty, the unmerged column is whole.
    assert [row[0] for row in values] == ["A", None, None, "B", None]
    assert [row[1] for row in values] == ["x", None, "y", "y", None]
    assert [row[2] for row in values] == ["1", "2", "3", "4", "5"]
