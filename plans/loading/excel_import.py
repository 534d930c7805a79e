"""Import a new plan from a 工作清单-style .xlsx (the export's layout): preview first, then all or nothing.

The rows become the same PlanSource the fixture loader reads, so the same validation and writer apply:
unknown units (with close matches), unreadable completion times and missing cells are reported by
their Excel row number, and nothing is written while any row is bad. The 指标 sheet is checked against
the new plan's years (plans/loading/indicator_sheet.py), each problem named by sheet and row.
"""

import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from plans.excel import columns
from plans.excel.cells import filled_rows, unquote
from plans.loading.fixture_files import PlanSource, WorklistRow
from plans.loading.indicator_sheet import read_indicator_rows
from plans.loading.load import validate_plan_source, write_plan
from plans.models import Category, Item, Milestone, MilestoneUnit, Plan
from plans.schedule import ScheduleError, parse_schedule
from plans.textutil import leading_number, split_units
from talentplan.lib.fixtures import FixtureError
from talentplan.lib.uploads import check_office_content, check_zip_structure
from units.models import Region
from units.resolver import UnitResolver

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 3000
# The export's 来源 column: a row from the body text or a closing section (issue 10) keeps that origin, so its
# blank 工作任务 stays blank and a closing section ("四（一）") is never read as item 4.
ORIGINS = {label: value for value, label in Milestone._meta.get_field("origin").choices}


@dataclass
class PlanHeader:
    code: str
    title: str
    region: str
    start_year: int
    end_year: int
    issue_date: date
    document_number: str = ""
    issuers: list[str] = field(default_factory=list)


@dataclass
class PreviewRow:
    line: int
    row: WorklistRow
    schedule: str
    units: list[tuple[str, str]]  # (as written, matched unit or "")


@dataclass
class ImportPreview:
    source: PlanSource | None
    rows: list[PreviewRow]
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def indicator_count(self) -> int:
        return len(self.source.header["indicators"]) if self.source else 0


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a year or count typed as a number reads as 2024, not 2024.0
    return unquote(str(value).strip()) if value is not None else ""


def read_workbook(path: Path, name: str) -> tuple[list[list], list[list] | None]:
    """The 工作清单 rows (merged cells filled) and the 指标 rows, or FixtureError saying why not."""
    if path.stat().st_size == 0:
        raise FixtureError([f"文件“{name}”是空文件。"])
    if path.stat().st_size > MAX_BYTES:
        raise FixtureError([f"文件“{name}”超过 {MAX_BYTES // (1024 * 1024)} MB，请拆分后再导入。"])
    if not zipfile.is_zipfile(path):
        raise FixtureError([f"文件“{name}”不是有效的 Excel（.xlsx）文件。"])
    try:  # a zip bomb, an archive inside, a program or macros: refused from the directory, before parsing
        with check_zip_structure(path, name) as archive:
            check_office_content(archive, name)
    except ValidationError as exc:
        raise FixtureError(exc.messages) from exc
    # ValueError includes defusedxml's refusal of entities; SyntaxError is malformed XML inside the zip
    # (expat's ParseError and lxml's XMLSyntaxError both derive from it).
    try:
        workbook = load_workbook(path, read_only=False, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
        raise FixtureError([f"文件“{name}”不是有效的 Excel（.xlsx）文件。"]) from exc
    sheet = workbook["工作清单"] if "工作清单" in workbook.sheetnames else workbook.worksheets[0]
    if sheet.max_row > MAX_ROWS + 1:
        raise FixtureError([f"文件“{name}”有 {sheet.max_row - 1} 行，超过 {MAX_ROWS} 行的上限。"])
    rows = filled_rows(sheet)
    indicators = filled_rows(workbook["指标"]) if "指标" in workbook.sheetnames else None
    return rows, indicators


def _worklist(rows: list[list], name: str) -> list[WorklistRow]:
    if not rows or not any(rows[0]):
        raise FixtureError([f"文件“{name}”是空表，没有表头。"])
    header = [_cell(v) for v in rows[0]]
    missing = [column for column in columns.IMPORT_REQUIRED if column not in header]
    if missing:
        raise FixtureError([f"文件“{name}”缺少列：{'、'.join(missing)}（第1行应为表头）"])
    col = {title: header.index(title) for title in header if title}
    result, category, item = [], "", ""
    for line, values in enumerate(rows[1:], start=2):
        cells = {title: _cell(values[index]) if index < len(values) else "" for title, index in col.items()}
        if not any(cells.get(c) for c in columns.IMPORT_REQUIRED):
            continue  # a blank line
        text = {key: cells.get(label, "") for key, label in columns.LABELS.items()}
        part = text["part"] = ORIGINS.get(text["part"], "worklist")
        if part == "worklist":
            category = text["category"] = text["category"] or category  # blank repeats the row above (merged)
        item = text["item"] = text["item"] or item
        text["units"] = split_units(text["units"])
        text["lead"] = split_units(text["lead"]) or text["units"][:1]
        result.append(WorklistRow(line=line, **text))
    if not result:
        raise FixtureError([f"文件“{name}”没有数据行。"])
    return result


def _column_limit(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


# (row attribute, column title, the column the writer puts it in): a longer text would fail on confirm.
ROW_TEXT_LIMITS = [
    ("category", "工作任务", _column_limit(Category, "name")),
    ("item", "项目内容", min(_column_limit(Item, "title"), _column_limit(Item, "worklist_label"))),
    ("due", "完成时间", _column_limit(Milestone, "due_text")),
    ("schedule", "推定完成时间", _column_limit(Milestone, "schedule_text")),
]
UNIT_NAME_LIMIT = _column_limit(MilestoneUnit, "written_name")


def _length_errors(row: WorklistRow, where: str) -> list[str]:
    errors = []
    for attribute, title, limit in ROW_TEXT_LIMITS:
        text = getattr(row, attribute) or ""
        if len(text) > limit:
            errors.append(f"{where} 第{row.line}行：“{title}”有 {len(text)} 个字，超过 {limit} 个字的上限")
    for unit in dict.fromkeys([*row.units, *row.lead]):
        if len(unit) > UNIT_NAME_LIMIT:
            errors.append(
                f"{where} 第{row.line}行：单位名称“{unit[:20]}…”有 {len(unit)} 个字，超过 {UNIT_NAME_LIMIT} 个字的上限"
            )
    return errors


def _row_errors(rows: list[WorklistRow], where: str) -> list[str]:
    errors = []
    for row in rows:
        errors += _length_errors(row, where)
        for field_name, label in (("item", "项目内容"), ("measure", "工作举措"), ("milestone", "节点计划")):
            if not getattr(row, field_name):
                errors.append(f"{where} 第{row.line}行：缺少{label}")
        if not row.units:
            errors.append(f"{where} 第{row.line}行：缺少责任单位")
    return errors


def _items(rows: list[WorklistRow]) -> list[dict]:
    items, numbers = {}, set()
    for row in rows:
        if row.item in items or row.part == "closing":
            continue
        number = leading_number(row.item)
        if number is None or number in numbers:
            number = max(numbers, default=0) + 1
        numbers.add(number)
        items[row.item] = {
            "number": number,
            "title": row.item,
            "category": row.category or None,
            "lead": [],
            "responsible": [],
        }
    return list(items.values())


def build_source(path: Path, name: str, header: PlanHeader) -> tuple[PlanSource, list[str]]:
    rows, indicator_rows = read_workbook(path, name)
    every_row = _worklist(rows, name)
    worklist = [row for row in every_row if row.part == "worklist"]
    commitments = [row for row in every_row if row.part != "worklist"]
    closing = list(dict.fromkeys(row.item for row in commitments if row.part == "closing"))
    indicators, indicator_errors = read_indicator_rows(
        [[_cell(v) for v in row] for row in indicator_rows or []],
        range(header.start_year, header.end_year + 1),
        name,
    )
    categories = list(dict.fromkeys(row.category for row in worklist if row.category))
    plan_header = {
        "code": header.code,
        "title": header.title,
        "document_number": header.document_number,
        "issuers": header.issuers or [header.title],
        "issue_date": header.issue_date,
        "start_year": header.start_year,
        "end_year": header.end_year,
        "region": header.region,
        "source_document": name[: _column_limit(Plan, "source_document")],
        "lead_unit_rule": "导入文件所列牵头单位；未列时以排在首位的单位为牵头单位",
        "categories": categories,
        "items": _items(worklist + [row for row in commitments if row.part == "item"]),
        "closing_sections": [{"key": key, "lead": [], "responsible": []} for key in closing],
        "indicators": indicators,
        "notes": [f"由 Excel 文件“{name}”导入"],
    }
    source = PlanSource(
        directory=None, header=plan_header, rows=worklist, commitments=commitments, header_label=name, rows_label=name
    )
    return source, _row_errors(every_row, name) + indicator_errors


def preview_import(path: Path, name: str, header: PlanHeader) -> ImportPreview:
    errors = []
    existing = Plan.objects.filter(code=header.code).first()
    if existing is not None:
        archived = "（该计划已归档，可在首页“已归档计划”中恢复或删除）" if existing.is_archived else ""
        errors.append(f"计划代码“{header.code}”已存在{archived}，请换一个代码。")
    if header.end_year < header.start_year:
        errors.append("截止年份不能早于起始年份。")
    region = Region.objects.filter(code=header.region).first()
    if region is None:
        return ImportPreview(None, [], [*errors, f"未知地区“{header.region}”。"])
    try:
        source, row_errors = build_source(path, name, header)
    except FixtureError as exc:
        return ImportPreview(None, [], [*errors, *exc.messages])
    errors += row_errors + [e for e in validate_plan_source(source) if e not in row_errors]
    resolver = UnitResolver(region)
    preview_rows = []
    for row in source.all_rows:
        try:
            schedule = parse_schedule(row.due or row.schedule)
            occurrences = schedule.occurrences(header.start_year, header.end_year)
            schedule_label = schedule.kind.label + (
                f"：{'、'.join(str(o.due) for o in occurrences)}" if occurrences else ""
            )
        except ScheduleError:
            schedule_label = "无法识别"
        matched = []
        for written in row.units:
            try:
                matched.append((written, resolver.resolve(written).name))
            except ValueError:
                matched.append((written, ""))
        preview_rows.append(PreviewRow(row.line, row, schedule_label, matched))
    return ImportPreview(source, preview_rows, errors)


@transaction.atomic
def confirm_import(path: Path, name: str, header: PlanHeader, preview: ImportPreview | None = None) -> Plan:
    """Write the plan: all rows or none. Raises FixtureError with every problem when any row is bad.
    preview: one just made of this file in the same process (the command's), so it is not parsed twice."""
    preview = preview or preview_import(path, name, header)
    if not preview.ok:
        raise FixtureError(preview.errors)
    write_plan(preview.source)
    return Plan.objects.get(code=header.code)
