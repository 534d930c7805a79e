"""Excel helpers shared by every export: text stays text, nothing is ever read as a formula."""

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


def safe_text(value) -> str:
    """A cell value as text; a leading = + - @ gets a quote so Excel and WPS never evaluate it."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_sheet(sheet, header: list[str], rows: list[list], widths: dict[str, int] | None = None) -> None:
    """Write a header and rows of text cells, formatted as text ("@") so long numbers survive."""
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    for row in rows:
        sheet.append([safe_text(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
            cell.data_type = "s"
            cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(title, 14)


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
    """Undo safe_text: a quote that neutralized a leading = + - @ is not part of the value."""
    if text.startswith("'") and text[1:2] in _FORMULA_TRIGGERS:
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
