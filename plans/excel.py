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
