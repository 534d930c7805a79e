"""Load the plans from fixtures/ into the database: all or nothing, and idempotent.

Everything is validated before the first plan row is written; any problem aborts the whole load
inside one transaction, so the database is left exactly as it was.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from talentplan.lib.sync import delete_stale, sync_object
from targets.loader import sync_indicators, validate_indicators
from units.loader import load_units_file
from units.models import Region
from units.resolver import UnitResolver

from .choices import UnitRole
from .fixture_files import (
    FixtureError,
    PlanSource,
    plan_directories,
    read_plan_source,
    unit_files,
)
from .models import Category, Item, ItemUnit, Measure, Milestone, MilestoneUnit, Occurrence, Plan
from .schedule import ScheduleError, parse_schedule
from .textutil import leading_number

_MISSING = object()


@dataclass
class LoadReport:
    plans: dict[str, dict[str, int]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"{code}：节点计划 {counts['milestones']} 条，工作举措 {counts['measures']} 条，"
            f"项目内容 {counts['items']} 项，指标 {counts['indicators']} 项，本次写入变更 {counts['changes']} 处"
            for code, counts in self.plans.items()
        ]


def load_plans(fixtures_dir: Path | None = None, codes: list[str] | None = None) -> LoadReport:
    fixtures_dir = fixtures_dir or settings.FIXTURES_DIR
    report = LoadReport()
    with transaction.atomic():
        for path in unit_files(fixtures_dir):
            load_units_file(path)
        sources = [read_plan_source(directory) for directory in plan_directories(fixtures_dir, codes)]
        errors = []
        for source in sources:
            errors.extend(validate_plan_source(source))
        if errors:
            raise FixtureError(errors)
        for source in sources:
            report.plans[source.code] = write_plan(source)
    return report


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
    years = range(header["start_year"], header["end_year"] + 1)
    errors.extend(validate_indicators(header["indicators"], years, yaml_where))
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
    header, changes = source.header, 0
    region = _region(source)
    resolver = UnitResolver(region)
    plan, changed = sync_object(
        Plan,
        {"code": header["code"]},
        {
            "title": header["title"],
            "document_number": header.get("document_number") or "",
            "issuers": "、".join(header["issuers"]),
            "issue_date": header["issue_date"],
            "start_year": header["start_year"],
            "end_year": header["end_year"],
            "region": region,
            "source_document": header.get("source_document") or "",
            "lead_unit_rule": header.get("lead_unit_rule") or "",
            "notes": "\n".join(header.get("notes") or []),
        },
    )
    changes += changed

    categories = {}
    for position, name in enumerate(header["categories"], start=1):
        categories[name], changed = sync_object(Category, {"plan": plan, "name": name}, {"position": position})
        changes += changed
    delete_stale(plan.categories.all(), {c.pk for c in categories.values()})

    items = {}
    for entry in header["items"]:
        item, changed = sync_object(
            Item,
            {"plan": plan, "number": entry["number"]},
            {
                "title": entry["title"],
                "category": categories.get(entry.get("category")),
                "note": entry.get("note") or "",
            },
        )
        changes += changed
        items[entry["number"]] = item
        units = [(w, UnitRole.LEAD) for w in entry.get("lead") or []]
        units += [(w, UnitRole.RESPONSIBLE) for w in entry.get("responsible") or []]
        changes += _sync_assignments(ItemUnit, "item", item, units, resolver)

    measures, milestone_ids = {}, set()
    for position, row in enumerate(source.rows, start=1):
        item = items[leading_number(row.item)]
        if item.worklist_label != row.item:
            item.worklist_label = row.item
            item.save(update_fields=["worklist_label"])
            changes += 1
        measure_key = (row.item, row.measure)
        if measure_key not in measures:
            measures[measure_key], changed = sync_object(
                Measure, {"plan": plan, "position": len(measures) + 1}, {"item": item, "text": row.measure}
            )
            changes += changed
        milestone, changed = sync_object(
            Milestone,
            {"plan": plan, "position": position},
            {
                "measure": measures[measure_key],
                "text": row.milestone,
                "due_text": row.due,
                "schedule_text": "" if row.due else row.schedule,
                "schedule_kind": parse_schedule(row.due or row.schedule).kind,
                "note": row.note,
            },
        )
        changes += changed
        milestone_ids.add(milestone.pk)
        units = [(w, UnitRole.LEAD if w in row.lead else UnitRole.RESPONSIBLE) for w in row.units]
        changes += _sync_assignments(MilestoneUnit, "milestone", milestone, units, resolver)
        changes += _sync_occurrences(milestone, plan)
    delete_stale(plan.milestones.all(), milestone_ids)
    delete_stale(plan.measures.all(), {m.pk for m in measures.values()})
    delete_stale(plan.items.all(), {i.pk for i in items.values()})
    indicator_count, indicator_changes = sync_indicators(plan, header["indicators"], source.header_where)
    return {
        "milestones": len(milestone_ids),
        "measures": len(measures),
        "items": len(items),
        "indicators": indicator_count,
        "changes": changes + indicator_changes,
    }


def _sync_assignments(model, owner_field: str, owner, units, resolver: UnitResolver) -> int:
    changes, keep = 0, set()
    for position, (written, role) in enumerate(units, start=1):
        unit = resolver.resolve(written)
        obj, changed = sync_object(
            model, {owner_field: owner, "position": position}, {"unit": unit, "role": role, "written_name": written}
        )
        keep.add(obj.pk)
        changes += changed
    return changes + delete_stale(model.objects.filter(**{owner_field: owner}), keep)


def _sync_occurrences(milestone: Milestone, plan: Plan) -> int:
    schedule = parse_schedule(milestone.schedule_phrase)
    wanted = schedule.occurrences(plan.start_year, plan.end_year) + schedule.report_periods(
        plan.start_year, plan.end_year
    )
    changes, keep = 0, set()
    for occurrence in wanted:
        obj, changed = sync_object(
            Occurrence,
            {"milestone": milestone, "label": occurrence.label},
            {"start_date": occurrence.start, "due_date": occurrence.due, "is_deadline": occurrence.is_deadline},
        )
        keep.add(obj.pk)
        changes += changed
    return changes + delete_stale(milestone.occurrences.all(), keep)
