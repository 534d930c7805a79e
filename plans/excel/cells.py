"""The 工作清单 layout helpers: merged runs on export, and reading them back on import. The cells themselves
are written by talentplan.lib.xlsx, the one writer every export shares."""

from talentplan.lib.xlsx import FORMULA_TRIGGERS, write_sheet

__all__ = ["filled_rows", "merge_runs", "merged_runs", "unquote", "write_sheet"]


def merge_runs(sheet, columns: list[int]) -> None:
    """Merge runs of equal cells down each column of a normal sheet (first row is the header)."""
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    for column, first, last in merged_runs(rows, columns):
        sheet.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


def merged_runs(rows: list[list], columns: list[int]) -> list[tuple[int, int, int]]:
    """The runs of equal cells down each column, as the printed 工作清单 merges them: (column, first row,
    last row) in sheet numbering (rows[0] is sheet row 2, under the header), columns counted from 1.

    A run in a later column never crosses a boundary of an earlier one (an item belongs to one category).
    """
    last = len(rows) + 1
    boundaries = set()
    runs = []
    for column in columns:
        values = [None, *(row[column - 1] for row in rows)]  # values[n - 1] is sheet row n's
        start = 2
        for row in range(3, last + 2):
            current = values[row - 1] if row <= last else object()
            if current != values[start - 1] or row in boundaries:
                if row - 1 > start:
                    runs.append((column, start, row - 1))
                boundaries.add(row)
                start = row
    return runs


def unquote(text: str) -> str:
    """Files exported before the shared writer put a ' before a leading = + - @: not part of the value."""
    if text.startswith("'") and text[1:2] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def filled_rows(sheet) -> list[list]:
    """Cell values row by row, with every merged range's value copied into each of its cells."""
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = values[merged.min_row - 1][merged.min_col - 1]
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                values[row - 1][col - 1] = value
    return values
