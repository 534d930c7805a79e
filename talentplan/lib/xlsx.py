"""The one xlsx writer every export goes through: every cell is text, and nothing is ever a formula.

openpyxl (and tablib on top of it) stores a string that begins with "=" as a live formula, and Excel, WPS
and LibreOffice read a cell beginning with = + - @ (or a tab or CR before them) as one when it is edited.
Here every value becomes a string cell ("s", never "f"); one that begins with a trigger also gets the
cell's quotePrefix flag, the spreadsheet's own "this is text" mark (what typing a leading ' does), so the
text comes back exactly as written ("=1+1" stays the text "=1+1") and stays text when edited.

`write_sheet` fills a normal worksheet; `stream_xlsx` / `stream_sheet` write a write-only workbook row by
row, for exports of any length (the 工作清单's merged runs too: `stream_sheet(merged=...)`).
"""

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
TEXT_FORMAT = "@"
MAX_CELL_TEXT = 32767  # Excel's limit; openpyxl's value setter cuts there too
# XML 1.0 refuses these control characters; openpyxl raises IllegalCharacterError on them
# (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE: the same set).
_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)], None)


def cell_text(value) -> str:
    """A value as the text a cell holds: None is empty, control characters XML cannot hold are dropped."""
    return ("" if value is None else str(value)).translate(_ILLEGAL)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def _as_text(cell, value) -> None:
    text = cell_text(value)
    cell.value = text
    cell.data_type = "s"  # after the value: openpyxl's setter made "=…" a formula
    cell.number_format = TEXT_FORMAT
    cell.alignment = WRAP
    if is_formula_like(text):
        cell.quotePrefix = True


def write_sheet(sheet, header: list[str], rows: Iterable[list], widths: dict[str, int] | None = None) -> None:
    """Write a header and rows of text cells into a normal worksheet."""
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    plain, quoted = _text_styles(sheet)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row_number, column)
            # A copy per cell: cells of a normal sheet may be restyled later (merging sets borders).
            cell._style = StyleArray(_set_text(cell, value, plain, quoted))
    sheet.freeze_panes = "A2"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(title, 14)


def stream_xlsx(output, sheets: Iterable[tuple[str, list[str], Iterable[list]]], widths=None) -> None:
    """Write (title, header, rows) sheets to output (a path or a binary file) in write-only mode: rows are
    written as they come, so memory stays flat however long the export."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        stream_sheet(workbook, title, header, rows, widths)
    workbook.save(output)


def stream_sheet(workbook, title, header, rows, widths=None, merged=(), header_as_text=True) -> None:
    """One sheet of a write-only workbook. `merged` is (column, first row, last row) runs: write-only mode
    cannot merge cells afterwards, so the merged-away cells are left out as they are written (what
    merging does to a normal sheet) and the ranges are recorded for the sheet's tail. `header_as_text`
    False gives the header the normal sheet's look (`write_sheet`: no text format)."""
    sheet = workbook.create_sheet(title)
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(name, 14)
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, name, header_as_text) for name in header])
    hidden = set()
    for column, first, last in merged:
        sheet.merged_cells.add(CellRange(min_col=column, min_row=first, max_col=column, max_row=last))
        hidden.update((row, column - 1) for row in range(first + 1, last + 1))
    plain, quoted = _text_styles(sheet)
    for row_number, row in enumerate(rows, start=2):
        if hidden:
            sheet.append(
                [
                    None if (row_number, index) in hidden else _stream_cell(sheet, value, plain, quoted)
                    for index, value in enumerate(row)
                ]
            )
        else:
            sheet.append([_stream_cell(sheet, value, plain, quoted) for value in row])


def _text_styles(sheet) -> tuple[StyleArray, StyleArray]:
    """The style of a text cell, without and with quotePrefix, worked out once per sheet: setting
    number_format and alignment per cell looks each up in the workbook's style tables (a third of the
    export's time at 100k rows). Cells share these arrays; a streamed cell is never restyled."""
    template = WriteOnlyCell(sheet)  # only holds the style: never appended
    template.number_format = TEXT_FORMAT
    template.alignment = WRAP
    quoted = StyleArray(template._style)
    quoted.quotePrefix = True
    return template._style, quoted


def _header_cell(sheet, name, as_text=True):
    cell = WriteOnlyCell(sheet)
    if as_text:
        _as_text(cell, name)
    else:
        cell.value, cell.alignment = name, WRAP
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    return cell


def _stream_cell(sheet, value, plain: StyleArray, quoted: StyleArray):
    cell = WriteOnlyCell(sheet)
    cell._style = _set_text(cell, value, plain, quoted)
    return cell


def _set_text(cell, value, plain: StyleArray, quoted: StyleArray) -> StyleArray:
    """`_as_text` with the sheet's precomputed styles: sets the text, returns the style the cell takes."""
    text = cell_text(value)[:MAX_CELL_TEXT]
    # Straight into the cell, not through openpyxl's value setter: cell_text already dropped every character
    # the setter's regex scan looks for (that scan was a fifth of the worklist's writing time).
    cell._value = text
    cell.data_type = "s"
    return quoted if is_formula_like(text) else plain
