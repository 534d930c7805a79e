"""The one xlsx writer every export goes through: nothing a person wrote is ever a formula.

openpyxl (and tablib on top of it) stores a string that begins with "=" as a live formula, and Excel, WPS
and LibreOffice read a cell beginning with = + - @ (or a tab or CR before them) as one when it is edited.
Here every value becomes a string cell ("s", never "f"); one that begins with a trigger also gets the
cell's quotePrefix flag, the spreadsheet's own "this is text" mark (what typing a leading ' does), so the
text comes back exactly as written ("=1+1" stays the text "=1+1") and stays text when edited.

Numbers and dates are typed cells (issue 21), so SUM and sorting work in Excel and WPS: an int, Decimal or
float becomes a number cell, a date or datetime a date cell shown as 2022年12月31日. Only the exporter's own
values are typed (figures, 序号, dates it computed); text that people wrote stays text whatever it looks like.

Every sheet prints (`print_setup`): A4 landscape, fitted to the page width, the header row repeated, thin
borders, the plan's title in the page header and 第 N 页 / 共 M 页 in the footer.

`write_sheet` fills a normal worksheet; `stream_xlsx` / `stream_sheet` write a write-only workbook row by
row, for exports of any length (the 工作清单's merged runs too: `stream_sheet(merged=...)`).
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
TEXT_FORMAT = "@"
NUMBER_FORMAT = "General"  # 15, 12.5: as the figure is, no forced decimals
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FOOTER = "第 &P 页，共 &N 页"
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


def is_typed(value) -> bool:
    """A value the exporter computed (a figure, a date): written as a number or date cell, not as text."""
    return isinstance(value, (int, float, Decimal, date)) and not isinstance(value, bool)


LINE_HEIGHT = 15  # points: one line of the default 11-point font
MAX_ROW_HEIGHT = 409  # Excel's limit


def _display_width(text: str) -> int:
    """Column-width units a text takes: a CJK character is about two, a Latin one one."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def row_height(values, widths: list[int], skip=()) -> float:
    """The height a row of wrapped text needs, estimated: Excel and LibreOffice do not fit the height of
    rows written without one, so a printed cell would show its first line only."""
    lines = 1
    for index, value in enumerate(values):
        if index in skip or value is None or is_typed(value):
            continue
        width = max((widths[index] if index < len(widths) else 14) - 1, 4)
        needed = sum(max(1, -(-_display_width(part) // width)) for part in cell_text(value).split("\n"))
        lines = max(lines, needed)
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def print_setup(sheet, title: str = "") -> None:
    """A4 landscape, one page wide (as many pages long as it takes), the header row on every page, the
    title in the page header, page numbers in the footer. Works on normal and write-only sheets."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    if title:
        sheet.oddHeader.center.text = cell_text(title).replace("&", "&&")
    sheet.oddFooter.center.text = FOOTER


def write_sheet(sheet, header: list[str], rows: Iterable[list], widths: dict[str, int] | None = None) -> None:
    """Write a header and rows of text cells into a normal worksheet."""
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, WRAP, BORDER
    plain, quoted = _text_styles(sheet)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row_number, column)
            # A copy per cell: cells of a normal sheet may be restyled later (merging sets borders).
            cell._style = StyleArray(_set_text(cell, value, plain, quoted))
    sheet.freeze_panes = "A2"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(title, 14)


def stream_xlsx(output, sheets: Iterable[tuple[str, list[str], Iterable[list]]], widths=None, print_title="") -> None:
    """Write (title, header, rows) sheets to output (a path or a binary file) in write-only mode: rows are
    written as they come, so memory stays flat however long the export."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        stream_sheet(workbook, title, header, rows, widths, print_title=print_title)
    workbook.save(output)


def stream_sheet(workbook, title, header, rows, widths=None, merged=(), header_as_text=True, print_title="") -> None:
    """One sheet of a write-only workbook. `merged` is (column, first row, last row) runs: write-only mode
    cannot merge cells afterwards, so the merged-away cells are left out as they are written (what
    merging does to a normal sheet) and the ranges are recorded for the sheet's tail. `header_as_text`
    False gives the header the normal sheet's look (`write_sheet`: no text format)."""
    sheet = workbook.create_sheet(title)
    print_setup(sheet, print_title)
    column_widths = [(widths or {}).get(name, 14) for name in header]
    for index, width in enumerate(column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[1].height = row_height(header, column_widths)
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, name, header_as_text) for name in header])
    hidden = set()
    for column, first, last in merged:
        sheet.merged_cells.add(CellRange(min_col=column, min_row=first, max_col=column, max_row=last))
        hidden.update((row, column - 1) for row in range(first + 1, last + 1))
    plain, quoted = _text_styles(sheet)
    typed = _typed_styles(sheet)
    merged_columns = {column - 1 for column, _first, _last in merged}
    for row_number, row in enumerate(rows, start=2):
        # Set before the row is appended: a write-only sheet writes each row as it comes.
        sheet.row_dimensions[row_number].height = row_height(row, column_widths, skip=merged_columns)
        if hidden:
            # A merged-away cell keeps only its borders, so the merged range prints framed.
            sheet.append(
                [
                    _blank_cell(sheet, plain)
                    if (row_number, index) in hidden
                    else _stream_cell(sheet, value, plain, quoted, typed)
                    for index, value in enumerate(row)
                ]
            )
        else:
            sheet.append([_stream_cell(sheet, value, plain, quoted, typed) for value in row])


def _text_styles(sheet) -> tuple[StyleArray, StyleArray]:
    """The style of a text cell, without and with quotePrefix, worked out once per sheet: setting
    number_format and alignment per cell looks each up in the workbook's style tables (a third of the
    export's time at 100k rows). Cells share these arrays; a streamed cell is never restyled."""
    template = WriteOnlyCell(sheet)  # only holds the style: never appended
    template.number_format = TEXT_FORMAT
    template.alignment = WRAP
    template.border = BORDER
    quoted = StyleArray(template._style)
    quoted.quotePrefix = True
    return template._style, quoted


def _typed_styles(sheet) -> dict[str, StyleArray]:
    """The styles of a number, a date and a date-time cell, once per sheet (as `_text_styles`)."""
    styles = {}
    for kind, number_format in (("number", NUMBER_FORMAT), ("date", DATE_FORMAT), ("datetime", DATETIME_FORMAT)):
        template = WriteOnlyCell(sheet)
        template.number_format = number_format
        template.alignment = Alignment(vertical="top")
        template.border = BORDER
        styles[kind] = template._style
    return styles


def _blank_cell(sheet, plain: StyleArray):
    cell = WriteOnlyCell(sheet)
    cell._style = plain
    return cell


def _header_cell(sheet, name, as_text=True):
    cell = WriteOnlyCell(sheet)
    if as_text:
        _as_text(cell, name)
    else:
        cell.value, cell.alignment = name, WRAP
    cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
    return cell


def _stream_cell(sheet, value, plain: StyleArray, quoted: StyleArray, typed: dict | None = None):
    cell = WriteOnlyCell(sheet)
    if typed is not None and is_typed(value):
        if isinstance(value, datetime):  # shown in Asia/Shanghai, as the pages show it
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            cell.value, cell._style = local.replace(tzinfo=None), typed["datetime"]
        elif isinstance(value, date):
            cell.value, cell._style = value, typed["date"]
        else:
            cell.value, cell._style = value, typed["number"]
        return cell
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
