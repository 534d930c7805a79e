"""The 工作清单 layout helpers: merged runs on export, and reading them back on import. The cells themselves
are written by talentplan.lib.xlsx, the one writer every export shares."""

from talentplan.lib.xlsx import FORMULA_TRIGGERS, write_sheet

__all__ = ["filled_rows", "merge_runs", "unquote", "write_sheet"]


def merge_runs(sheet, columns: list[int]) -> None:
    """Merge runs of equal cells down each column, as the printed 工作清单 does (first row is the header).

    A run in a later column never crosses a boundary of an earlier one (an item belongs to one category).
    """
    last = sheet.max_row  # once: openpyxl computes max_row by scanning every cell (quadratic inside the loop)
    boundaries = set()
    for column in columns:
        values = [
            row[0] for row in sheet.iter_rows(min_row=1, max_row=last, min_col=column, max_col=column, values_only=True)
        ]
        start = 2
        for row in range(3, last + 2):
            current = values[row - 1] if row <= last else object()
            if current != values[start - 1] or row in boundaries:
                if row - 1 > start:
                    sheet.merge_cells(start_row=start, start_column=column, end_row=row - 1, end_column=column)
                boundaries.add(row)
                start = row


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
