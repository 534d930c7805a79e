"""merge_runs merges equal runs down a column without crossing an earlier column's boundary."""

from openpyxl import Workbook

from plans.excel.cells import merge_runs


def test_runs_merge_and_respect_the_earlier_columns_boundaries():
    sheet = Workbook().active
    sheet.append(["类别", "项目"])
    # 类别: A A A B B ; 项目: x x y y y. Worked by hand: column 1 merges rows 2-4 and 5-6; column 2 merges
    # rows 2-3, and rows 4-6 of "y" split at row 5 where the category changes, leaving 5-6 merged.
    for row in [("A", "x"), ("A", "x"), ("A", "y"), ("B", "y"), ("B", "y")]:
        sheet.append(row)
    merge_runs(sheet, [1, 2])
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == sorted(["A2:A4", "A5:A6", "B2:B3", "B5:B6"])


def test_a_long_sheet_merges_in_one_pass():
    sheet = Workbook().active
    sheet.append(["类别"])
    for n in range(20_000):  # 2,000 runs of 10; the old loop re-scanned every cell per row (minutes here)
        sheet.append([f"类别{n // 10}"])
    merge_runs(sheet, [1])
    assert len(sheet.merged_cells.ranges) == 2_000
