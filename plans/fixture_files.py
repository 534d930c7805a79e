"""Read the plan fixtures (plan.yaml + worklist.tsv) and unit files into plain objects. No database."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from talentplan.lib.fixtures import FixtureError, display_path, read_yaml

from .excel.columns import FIXTURE_KEYS, FIXTURE_REQUIRED, LABELS
from .textutil import split_units

PLAN_KEYS = {
    "code",
    "title",
    "document_number",
    "issuers",
    "issue_date",
    "start_year",
    "end_year",
    "region",
    "source_document",
    "lead_unit_rule",
    "categories",
    "items",
    "indicators",
    "notes",
}


@dataclass
class WorklistRow:
    line: int
    category: str
    item: str
    measure: str
    milestone: str
    due: str
    schedule: str
    units: list[str]
    lead: list[str]
    note: str


@dataclass
class PlanSource:
    """One plan's data, from fixture files or an uploaded workbook; the *_where labels name it in errors."""

    directory: Path | None
    header: dict
    rows: list[WorklistRow] = field(default_factory=list)
    header_label: str = ""
    rows_label: str = ""

    @property
    def header_where(self) -> str:
        return self.header_label or display_path(self.yaml_path)

    @property
    def rows_where(self) -> str:
        return self.rows_label or display_path(self.worklist_path)

    @property
    def code(self) -> str:
        return self.header["code"]

    @property
    def worklist_path(self) -> Path:
        return self.directory / "worklist.tsv"

    @property
    def yaml_path(self) -> Path:
        return self.directory / "plan.yaml"


def read_worklist(path: Path) -> list[WorklistRow]:
    errors, rows = [], []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FixtureError([f"{display_path(path)}：文件不存在"]) from exc
    except UnicodeDecodeError as exc:
        raise FixtureError([f"{display_path(path)}：不是 UTF-8 编码"]) from exc
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != FIXTURE_KEYS:
        raise FixtureError([f"{display_path(path)} 第1行：表头应为 {'、'.join(FIXTURE_KEYS)}，实际为 {header}"])
    for line, cells in enumerate(reader, start=2):
        if len(cells) != len(FIXTURE_KEYS):
            errors.append(f"{display_path(path)} 第{line}行：应有 {len(FIXTURE_KEYS)} 列，实际 {len(cells)} 列")
            continue
        values = dict(zip(FIXTURE_KEYS, (cell.strip() for cell in cells), strict=False))
        for required in FIXTURE_REQUIRED:
            if not values[required]:
                errors.append(f"{display_path(path)} 第{line}行：缺少{LABELS[required]}")
        values["units"] = split_units(values["units"])
        values["lead"] = split_units(values["lead"])
        rows.append(WorklistRow(line=line, **values))
    if errors:
        raise FixtureError(errors)
    return rows


def read_plan_source(directory: Path) -> PlanSource:
    source = PlanSource(directory=directory, header=read_yaml(directory / "plan.yaml"))
    missing = sorted(PLAN_KEYS - set(source.header))
    if missing:
        raise FixtureError([f"{display_path(source.yaml_path)}：缺少字段 {'、'.join(missing)}"])
    source.rows = read_worklist(source.worklist_path)
    return source


def plan_directories(fixtures_dir: Path, codes: list[str] | None = None) -> list[Path]:
    plans_dir = fixtures_dir / "plans"
    directories = sorted(path for path in plans_dir.iterdir() if (path / "plan.yaml").exists())
    if codes:
        known = {path.name: path for path in directories}
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise FixtureError([f"找不到计划代码：{'、'.join(unknown)}（可用：{'、'.join(known)}）"])
        directories = [known[code] for code in codes]
    return directories


def unit_files(fixtures_dir: Path) -> list[Path]:
    return sorted((fixtures_dir / "units").glob("*.yaml"))
