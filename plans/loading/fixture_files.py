"""Read the plan fixtures (plan.yaml + worklist.tsv) and unit files into plain objects. No database."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from plans.excel.columns import COMMITMENT_KEYS, FIXTURE_KEYS, FIXTURE_REQUIRED, LABELS
from plans.textutil import leading_number, split_units
from talentplan.lib.fixtures import FixtureError, display_path, read_yaml

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
    part: str = "worklist"  # worklist / item (a 工程's text) / closing (组织保障, 保障措施, 结尾段)
    source: str = ""  # commitments: the printed phrase and its line

    @property
    def where(self) -> str:
        return f"{'worklist.tsv' if self.part == 'worklist' else 'commitments.tsv'} 第{self.line}行"


@dataclass
class PlanSource:
    """One plan's data, from fixture files or an uploaded workbook; the *_where labels name it in errors."""

    directory: Path | None
    header: dict
    rows: list[WorklistRow] = field(default_factory=list)
    commitments: list[WorklistRow] = field(default_factory=list)
    header_label: str = ""
    rows_label: str = ""
    judgement_errors: list[str] = field(default_factory=list)

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

    @property
    def commitments_path(self) -> Path:
        return self.directory / "commitments.tsv"

    @property
    def all_rows(self) -> list[WorklistRow]:
        """The node plans in load order: the worklist's rows, then the commitments."""
        return self.rows + self.commitments


def read_worklist(path: Path, columns: list[str] = FIXTURE_KEYS) -> list[WorklistRow]:
    errors, rows = [], []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FixtureError([f"{display_path(path)}：文件不存在"]) from exc
    except UnicodeDecodeError as exc:
        raise FixtureError([f"{display_path(path)}：不是 UTF-8 编码"]) from exc
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != columns:
        raise FixtureError([f"{display_path(path)} 第1行：表头应为 {'、'.join(columns)}，实际为 {header}"])
    # A commitment may have no category (Nanping 工程一、三、七 and its closing paragraph have none).
    required_columns = FIXTURE_REQUIRED if columns == FIXTURE_KEYS else [k for k in FIXTURE_REQUIRED if k != "category"]
    for line, cells in enumerate(reader, start=2):
        if len(cells) != len(columns):
            errors.append(f"{display_path(path)} 第{line}行：应有 {len(columns)} 列，实际 {len(cells)} 列")
            continue
        values = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
        for required in required_columns:
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
    if source.commitments_path.exists():
        source.commitments = read_worklist(source.commitments_path, COMMITMENT_KEYS)
    apply_row_judgements(source)
    return source


def apply_row_judgements(source: PlanSource) -> list[str]:
    """plan.yaml's `body_leads` (a lead the body text names, added to the row) and `milestone_cadence` (the
    schedule a judgement chose) applied to the worklist rows they name. Returns the guard failures (a row
    whose milestone does not start as the entry says), which validation reports; nothing is applied then."""
    errors, found = [], {}
    where = source.header_where
    for key in ("body_leads", "milestone_cadence"):
        for index, entry in enumerate(source.header.get(key) or []):
            row = judged_row(source.rows, entry)
            if row is None:
                errors.append(
                    f"{where} {key}：worklist.tsv 中找不到以“{entry.get('milestone_starts') or ''}”开头的节点计划"
                    f"（原第{entry.get('worklist_line')}行），未采用"
                )
            found[key, index] = row
    source.judgement_errors = errors
    if errors:
        return errors
    for index, entry in enumerate(source.header.get("body_leads") or []):
        row = found["body_leads", index]
        for written in entry.get("add_lead") or []:
            if written not in row.units:
                row.units.append(written)
            if written not in row.lead:
                row.lead.append(written)
    for index, entry in enumerate(source.header.get("milestone_cadence") or []):
        row = found["milestone_cadence", index]
        if not row.due:
            row.schedule = entry["schedule"]
    return []


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


def judged_row(rows: list[WorklistRow], entry: dict) -> WorklistRow | None:
    """The row an entry names: its milestone starts with `milestone_starts` (the guard); `worklist_line` picks
    among several, and rows added or removed above it do not lose it."""
    starts = entry.get("milestone_starts") or ""
    matches = [row for row in rows if starts and row.milestone.startswith(starts)]
    if len(matches) > 1:
        matches = [row for row in matches if row.line == entry.get("worklist_line")] or matches[:0]
    return matches[0] if matches else None


def row_item_key(row) -> object:
    """The item a worklist or commitments row belongs to: a closing section by its key, never by a number
    (“（二）” is not item 2)."""
    return row.item if row.part == "closing" else leading_number(row.item)


def item_text(data: dict, lead_line, responsible_line) -> list:
    """An item's (or closing section's) printed text, as ITEM_TEXT_FIELDS."""
    lines = data.get("source_lines") or []
    return [
        (data.get("heading") or "")[:200],
        "\n".join(data.get("body") or []),
        lead_line or "",
        responsible_line or "",
        "—".join(str(n) for n in lines),
        data.get("body_note") or "",
    ]
