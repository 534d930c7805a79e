"""Load the plans from fixtures/ into the database: all or nothing, and never over edits made in the portal.

A plain load creates what is absent (units, aliases, whole plans) and leaves every plan already in the
database as it is, so it is safe on every start. An update (`loadplans --update`) brings existing plans to the
fixtures three-way (plans/loading/plan_sync.py): only fields still holding what the last load wrote are changed.
Everything is validated before the first row is written, and it all happens in one transaction, so a bad
fixture changes nothing. A dry run does the same work and rolls it back, so it lists exactly what an update
would do.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from plans.loading.fixture_files import (
    FixtureError,
    PlanSource,
    WorklistRow,
    judged_row,
    plan_directories,
    read_plan_source,
    unit_files,
)
from plans.loading.indicators import validate_indicators
from plans.loading.plan_sync import SNAPSHOT_FORMAT, PlanSync
from plans.loading.units import load_units_file
from plans.models import FixtureSnapshot, Plan
from plans.schedule import ScheduleError, parse_schedule
from plans.textutil import leading_number
from talentplan.lib.fixtures import display_path
from talentplan.lib.sync import MISSING, SyncLog
from units.models import Region
from units.resolver import UnitResolver

_MISSING = object()
UPDATE_HINT = "如需按 fixtures 更新请使用 --update"


@dataclass
class PlanOutcome:
    code: str
    status: str  # created / updated / existing / deleted_in_portal
    counts: dict = field(default_factory=dict)
    log: SyncLog = field(default_factory=SyncLog)

    def summary(self) -> str:
        counts, log = self.counts, self.log
        if self.status == "existing":
            return f"{self.code}：已存在，未修改（{UPDATE_HINT}）"
        if self.status == "deleted_in_portal":
            return f"{self.code}：曾载入，已在门户中删除，未重新创建（如需重新载入，请运行 loadplans {self.code}）"
        sizes = (
            f"节点计划 {counts['milestones']} 条，工作举措 {counts['measures']} 条，"
            f"项目内容 {counts['items']} 项，指标 {counts['indicators']} 项"
        )
        if self.status == "created":
            return f"{self.code}：新建，{sizes}"
        return f"{self.code}：fixtures 中{sizes}；本次写入变更 {log.writes} 处，保留门户中的修改或记录 {log.kept} 处"


@dataclass
class LoadReport:
    update: bool = False
    dry_run: bool = False
    units: dict[str, SyncLog] = field(default_factory=dict)
    plans: dict[str, PlanOutcome] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = []
        for code, log in self.units.items():
            if log.quiet:
                lines.append(f"单位 {code}：新建，写入单位和别名 {log.writes} 条")
            elif log.writes or log.kept:
                lines.append(f"单位 {code}：本次写入变更 {log.writes} 处，保留门户中的修改 {log.kept} 处")
            lines += [note.line() for note in log.notes]
        for outcome in self.plans.values():
            lines.append(outcome.summary())
            lines += [note.line() for note in outcome.log.notes]
        return lines


def load_plans(
    fixtures_dir: Path | None = None, codes: list[str] | None = None, update: bool = False, dry_run: bool = False
) -> LoadReport:
    fixtures_dir = fixtures_dir or settings.FIXTURES_DIR
    report = LoadReport(update=update, dry_run=dry_run)
    with transaction.atomic():
        for path in unit_files(fixtures_dir):
            log = SyncLog()
            region = load_units_file(path, log, update=update)
            report.units[region.code] = log
        sources = [read_plan_source(directory) for directory in plan_directories(fixtures_dir, codes)]
        errors = []
        for source in sources:
            errors.extend(validate_plan_source(source))
        if errors:
            raise FixtureError(errors)
        for source in sources:
            report.plans[source.code] = _load_plan(source, update, named=bool(codes) and source.code in codes)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _load_plan(source: PlanSource, update: bool, named: bool) -> PlanOutcome:
    plan = Plan.objects.filter(code=source.code).first()
    snapshot = FixtureSnapshot.objects.filter(kind=FixtureSnapshot.Kind.PLAN, code=source.code).first()
    if plan is None and snapshot is not None and not named:
        return PlanOutcome(source.code, "deleted_in_portal")
    if plan is not None and not update:
        return PlanOutcome(source.code, "existing")
    base = MISSING
    if snapshot is not None and snapshot.values.get("format") == SNAPSHOT_FORMAT:
        base = snapshot.values
    outcome = PlanOutcome(source.code, "created" if plan is None else "updated", log=SyncLog(quiet=plan is None))
    outcome.counts, values = PlanSync(source, plan, base, outcome.log).run()
    if snapshot is None:
        FixtureSnapshot.objects.create(
            kind=FixtureSnapshot.Kind.PLAN, code=source.code, values=values, loaded_at=timezone.now()
        )
    elif snapshot.values != values:
        snapshot.values, snapshot.loaded_at = values, timezone.now()
        snapshot.save(update_fields=["values", "loaded_at"])
    return outcome


def _region(source: PlanSource) -> Region:
    region = Region.objects.filter(code=source.header["region"]).first()
    if region is None:
        raise FixtureError([f"{source.header_where}：未知地区“{source.header['region']}”"])
    return region


def validate_plan_source(source: PlanSource) -> list[str]:
    """Every problem in one plan's files, each naming the file, the row and the text."""
    header, errors = source.header, []
    resolver = UnitResolver(_region(source))
    yaml_where, tsv_where = source.header_where, source.rows_where
    if source.directory is not None and source.directory.name != header["code"]:
        errors.append(f"{yaml_where}：code“{header['code']}”与目录名“{source.directory.name}”不一致")
    item_categories = {item.get("number"): item.get("category") for item in header["items"]}
    for item in header["items"]:
        if item.get("category") and item["category"] not in header["categories"]:
            errors.append(f"{yaml_where} 项目内容 {item.get('number')}：工作任务“{item['category']}”不在 categories 中")
        for written in (item.get("lead") or []) + (item.get("responsible") or []):
            errors.extend(_unit_error(resolver, written, f"{yaml_where} 项目内容 {item.get('number')}"))
    for row in source.rows:
        where = f"{tsv_where} 第{row.line}行"
        if row.category not in header["categories"]:
            errors.append(f"{where}：工作任务“{row.category}”不在 plan.yaml 的 categories 中")
        item_category = item_categories.get(leading_number(row.item), _MISSING)
        if item_category is _MISSING:
            errors.append(f"{where}：项目内容“{row.item}”的序号在 plan.yaml 的 items 中找不到")
        elif item_category != row.category:
            errors.append(
                f"{where}：工作任务“{row.category}”与 plan.yaml 中该项目内容的工作任务“{item_category}”不一致"
            )
        errors.extend(_validate_row_units(row, resolver, where))
    years = range(header["start_year"], header["end_year"] + 1)
    errors.extend(validate_indicators(header["indicators"], years, yaml_where, resolver))
    errors.extend(source.judgement_errors)
    errors.extend(_validate_commitments(source, resolver))
    errors.extend(_validate_judged_rows(source, resolver, years))
    return errors


def _validate_row_units(row: WorklistRow, resolver: UnitResolver, where: str) -> list[str]:
    errors = []
    phrase = row.due or row.schedule
    try:
        parse_schedule(phrase, source=where)
    except ScheduleError as exc:
        errors.append(str(exc) if phrase else f"{where}：完成时间为空")
    for written in row.units:
        errors.extend(_unit_error(resolver, written, where))
    for written in row.lead:
        if written not in row.units:
            errors.append(f"{where}：牵头单位“{written}”不在本行责任单位中")
    if len({_resolved_id(resolver, written) for written in row.units}) < len(row.units):
        errors.append(f"{where}：责任单位中有重复的单位")
    return errors


def _validate_commitments(source: PlanSource, resolver: UnitResolver) -> list[str]:
    """commitments.tsv: each row names an item by its number (part item) or a closing section by its key."""
    header, errors = source.header, []
    items = {item.get("number"): item for item in header["items"]}
    closing = {section.get("key"): section for section in header.get("closing_sections") or []}
    for row in source.commitments:
        where = (
            f"{source.rows_label} 第{row.line}行"
            if source.directory is None
            else f"{display_path(source.commitments_path)} 第{row.line}行"
        )
        if row.part == "item":
            item = items.get(leading_number(row.item))
            if item is None:
                errors.append(f"{where}：项目内容“{row.item}”的序号在 plan.yaml 的 items 中找不到")
            elif (item.get("category") or "") != row.category:
                errors.append(
                    f"{where}：工作任务“{row.category}”与该项目内容的工作任务“{item.get('category') or ''}”不一致"
                )
        elif row.part == "closing":
            if row.item not in closing:
                errors.append(f"{where}：结尾部分“{row.item}”不在 plan.yaml 的 closing_sections 中")
        else:
            errors.append(f"{where}：part“{row.part}”无效，应为 item 或 closing")
        if not row.source:
            errors.append(f"{where}：缺少原文出处（source）")
        errors.extend(_validate_row_units(row, resolver, where))
    return errors


def _validate_judged_rows(source: PlanSource, resolver: UnitResolver, years: range) -> list[str]:
    """body_leads' units resolve; a milestone_cadence's schedule parses and, for 每两年, falls in its batch years."""
    errors, where = [], source.header_where
    for entry in source.header.get("body_leads") or []:
        for written in entry.get("add_lead") or []:
            errors.extend(_unit_error(resolver, written, f"{where} body_leads 第{entry.get('worklist_line')}行"))
    for entry in source.header.get("milestone_cadence") or []:
        label = f"{where} milestone_cadence 第{entry.get('worklist_line')}行"
        try:
            schedule = parse_schedule(entry.get("schedule") or "", source=label)
        except ScheduleError as exc:
            errors.append(str(exc))
            continue
        row = judged_row(source.rows, entry)
        if row is not None and row.due and row.due != entry["schedule"]:
            errors.append(f"{label}：完成时间已印作“{row.due}”，不能改为“{entry['schedule']}”")
        if entry.get("batch_years"):
            got = sorted({o.due.year for o in schedule.occurrences(years.start, years.stop - 1)})
            if got != sorted(entry["batch_years"]):
                errors.append(
                    f"{label}：“{entry['schedule']}”的期次年份 {got} 与 batch_years {entry['batch_years']} 不一致"
                )
    return errors


def _unit_error(resolver: UnitResolver, written: str, where: str) -> list[str]:
    try:
        resolver.resolve(written)
    except ValueError as exc:
        return [f"{where}：{exc}"]
    return []


def _resolved_id(resolver: UnitResolver, written: str):
    try:
        return resolver.resolve(written).pk
    except ValueError:
        return written


def write_plan(source: PlanSource) -> dict[str, int]:
    """Create a plan that is not in the database yet (the Excel import uses this too)."""
    log = SyncLog(quiet=True)
    counts, _ = PlanSync(source, None, {}, log).run()
    return {**counts, "changes": log.writes}
