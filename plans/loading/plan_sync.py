"""Write one plan from its fixture source: create it, or update it three-way against its last load.

A new plan is the same update against an empty database and an empty snapshot, so creating and updating
share one writer. The returned snapshot records, per row written, what the fixtures gave it.
"""

from simple_history.utils import bulk_create_with_history

from plans.choices import UnitRole
from plans.loading.fixture_files import PlanSource, item_text, row_item_key
from plans.loading.indicators import sync_indicators
from plans.loading.protected_rows import (
    OutboxIndex,
    assignment_dependents,
    category_dependents,
    item_dependents,
    measure_dependents,
    milestone_dependents,
    occurrence_dependents,
)
from plans.models import Category, Item, ItemUnit, Measure, Milestone, MilestoneUnit, Occurrence, Plan, figures_changed
from plans.schedule import parse_schedule
from plans.search_text import refresh_search_text
from plans.textutil import leading_number
from plans.tracking import refresh_next_due
from talentplan.lib.sync import (
    LOADED,
    MISSING,
    FieldSpec,
    SyncLog,
    create_by_loader,
    delete_by_loader,
    encode,
    excerpt,
    merge,
    merge_value,
    save_by_loader,
)
from talentplan.lib.sync_collections import (
    Collection,
    Entry,
    base_entries,
    merged_order,
    next_position,
    renumber,
    text_similarity,
)
from units.models import Region, Unit
from units.resolver import UnitResolver

SNAPSHOT_FORMAT = 1


def fk_show(model):
    def show(pk):
        if pk is None:
            return "（空）"
        obj = model.objects.filter(pk=pk).first()
        return f"“{excerpt(str(obj), 30)}”" if obj is not None else "（已在门户中删除）"

    return show


def show_schedule(value) -> str:
    due_text, schedule_text, _ = value
    return f"“{due_text}”" if due_text else f"“{schedule_text}”（推定）" if schedule_text else "（空）"


def show_dates(value) -> str:
    start, due, is_deadline = value
    return f"{start} 至 {due}" + ("" if is_deadline else "（报送期）")


def show_units(value) -> str:
    names = dict(Unit.objects.filter(pk__in=[unit_id for _, _, unit_id in value]).values_list("pk", "name"))
    parts = []
    for written, role, unit_id in value:
        name = names.get(unit_id, "已删除的单位")
        shown = written if name.replace(" ", "") == written.replace(" ", "") else f"{written}（{name}）"
        parts.append(shown + ("［牵头］" if role == UnitRole.LEAD else ""))
    return "“" + "、".join(parts) + "”" if parts else "（空）"


PLAN_SPECS = [
    FieldSpec("title", "标题"),
    FieldSpec("document_number", "文号"),
    FieldSpec("issuers", "发文机关"),
    FieldSpec("issue_date", "印发日期"),
    FieldSpec("start_year", "起始年份"),
    FieldSpec("end_year", "截止年份"),
    FieldSpec("region", "地区", show=fk_show(Region)),
    FieldSpec("source_document", "来源文件"),
    FieldSpec("lead_unit_rule", "牵头单位认定规则"),
    FieldSpec("notes", "整理说明"),
]
CATEGORY_SPECS = [FieldSpec("name", "名称"), FieldSpec("position", "顺序")]
ITEM_TEXT_FIELDS = ("heading", "body", "lead_as_printed", "responsible_as_printed", "source_lines", "body_note")
ITEM_SPECS = [
    FieldSpec("title", "项目内容"),
    FieldSpec("category", "工作任务", show=fk_show(Category)),
    FieldSpec("note", "备注"),
    FieldSpec("worklist_label", "工作清单写法"),
    FieldSpec("text", "原文", fields=ITEM_TEXT_FIELDS, initial=[""] * len(ITEM_TEXT_FIELDS)),
]
MEASURE_SPECS = [FieldSpec("item", "项目内容", show=fk_show(Item)), FieldSpec("text", "工作举措")]
MILESTONE_SPECS = [
    FieldSpec("measure", "工作举措", show=fk_show(Measure)),
    FieldSpec("text", "节点计划"),
    FieldSpec("schedule", "完成时间", fields=("due_text", "schedule_text", "schedule_kind"), show=show_schedule),
    FieldSpec("note", "整理说明"),
    FieldSpec("source", "来源", fields=("origin", "source"), initial=["worklist", ""]),
]
OCCURRENCE_SPECS = [FieldSpec("dates", "期次日期", fields=("start_date", "due_date", "is_deadline"), show=show_dates)]


def build(model, specs: list[FieldSpec], values: dict, **extra):
    obj = model(**extra)
    for spec in specs:
        spec.write(obj, values[spec.key])
    return obj


def occurrence_values(phrase: str, start_year: int, end_year: int) -> dict[str, list]:
    """{label: [start, due, is_deadline]} of a schedule phrase within the plan years, as the snapshot stores them."""
    schedule = parse_schedule(phrase)
    wanted = schedule.occurrences(start_year, end_year) + schedule.report_periods(start_year, end_year)
    return {o.label: [o.start.isoformat(), o.due.isoformat(), o.is_deadline] for o in wanted}


class PlanSync:
    def __init__(self, source: PlanSource, plan: Plan | None, snapshot, log: SyncLog):
        self.source, self.header, self.code = source, source.header, source.code
        self.plan, self.log = plan, log
        self.snapshot = {} if plan is None else snapshot  # a new plan has nothing to compare against
        self.region = Region.objects.get(code=self.header["region"])
        self.resolver = UnitResolver(self.region)
        self.outbox = OutboxIndex()
        # A new plan's node plans bring thousands of unit and deadline rows (an import of 3,000 rows wrote
        # ~13,000 of them one save and one history record at a time, most of a minute): they are gathered
        # here and written in bulk, history included, right after the node plans.
        self.pending: dict[type, list] | None = None
        self.positions: dict[str, int] | None = None  # a new plan's next positions, counted not queried

    def run(self) -> tuple[dict, dict]:
        plan_values = self._plan_values()
        base_plan = MISSING if self.snapshot is MISSING else self.snapshot.get("plan", {}).get("values", {})
        self.base_years, self.years_changed = None, False
        if self.plan is None:
            self.plan = build(Plan, PLAN_SPECS, plan_values, code=self.code)
            save_by_loader(self.plan, reason=LOADED)
            self.pending = {MilestoneUnit: [], Occurrence: []}
            self.positions = {}
        else:
            # merge() writes a field only while it holds its base value, so the years before the merge are
            # the last-loaded ones whenever this update changes them.
            self.base_years = (self.plan.start_year, self.plan.end_year)
            written = merge(self.plan, PLAN_SPECS, base_plan, plan_values, self.log, f"{self.code} 行动计划")
            if written:
                save_by_loader(self.plan, written)
            self.years_changed = bool({"start_year", "end_year"} & set(written))

        categories = self._categories()
        categories.sync(self.log)
        items = self._items(categories)
        items.sync(self.log)
        measures = self._measures(items)
        measures.sync(self.log)
        milestones = self._milestones(measures)
        milestones.sync(self.log)
        self._write_pending()

        deleted_milestones = milestones.remove_stale(self.log)
        deleted_measures = measures.remove_stale(self.log)
        items.remove_stale(self.log)
        categories.remove_stale(self.log)
        self._renumber(milestones, deleted_milestones, self.plan.milestones.all(), "节点计划", "清单行号")
        self._renumber(measures, deleted_measures, self.plan.measures.all(), "工作举措", "顺序号")

        indicator_count, indicator_snapshot = sync_indicators(
            self.plan, self.header["indicators"], self._fixture_years(), self.snapshot, self.log, self.resolver
        )
        for child, parent, key in (
            (items, categories, "category"),
            (measures, items, "item"),
            (milestones, measures, "measure"),
        ):
            for entry in child.entries:
                entry.values[key] = parent.pk(entry.parent)
        snapshot = {"format": SNAPSHOT_FORMAT, "plan": {"pk": self.plan.pk, "values": plan_values}}
        for collection in (categories, items, measures, milestones):
            snapshot.update(collection.snapshot())
        snapshot.update(indicator_snapshot)
        counts = {
            "milestones": len(milestones.entries),
            "measures": len(measures.entries),
            "items": len(items.entries),
            "indicators": indicator_count,
        }
        return counts, snapshot

    def _fixture_years(self) -> range:
        return range(self.header["start_year"], self.header["end_year"] + 1)

    def _plan_values(self) -> dict:
        header = self.header
        raw = {
            "title": header["title"],
            "document_number": header.get("document_number") or "",
            "issuers": "、".join(header["issuers"]),
            "issue_date": header["issue_date"],
            "start_year": header["start_year"],
            "end_year": header["end_year"],
            "region": self.region.pk,
            "source_document": header.get("source_document") or "",
            "lead_unit_rule": header.get("lead_unit_rule") or "",
            "notes": "\n".join(header.get("notes") or []),
        }
        return {name: encode(Plan, name, value) for name, value in raw.items()}

    def _item_units(self, data: dict) -> list[list]:
        units = [(w, UnitRole.LEAD) for w in data.get("lead") or []]
        return self._units(units + [(w, UnitRole.RESPONSIBLE) for w in data.get("responsible") or []])

    def _units(self, written_roles) -> list[list]:
        return [[written, role, self.resolver.resolve(written).pk] for written, role in written_roles]

    # -- the four collections ------------------------------------------------------------------------

    def _categories(self) -> Collection:
        plan, code = self.plan, self.code
        entries = [Entry(name, {"name": name, "position": n}) for n, name in enumerate(self.header["categories"], 1)]

        def create(entry):
            # A category the portal added under the same name is adopted rather than duplicated.
            existing = Category.objects.filter(plan=plan, name=entry.key).first()
            return existing or create_by_loader(Category, plan=plan, **entry.values)

        return Collection(
            "categories",
            CATEGORY_SPECS,
            list(plan.categories.order_by("position", "pk")),
            entries,
            base_entries(self.snapshot, "categories"),
            key_of=lambda c: c.name,
            subject=lambda c: f"{code} 工作任务“{c.name}”",
            new_subject=lambda e: f"{code} 工作任务“{e.key}”",
            create=create,
            dependents=category_dependents,
        )

    def _items(self, categories: Collection) -> Collection:
        plan, code = self.plan, self.code
        category_index = {e.key: i for i, e in enumerate(categories.entries)}
        # An item's worklist spelling comes from its rows; one whose rows all left keeps the last one loaded.
        labels = {}
        if self.snapshot is not MISSING:
            labels = {row["key"]: row["values"]["worklist_label"] for row in self.snapshot.get("items", [])}
        for row in self.source.all_rows:
            if row.part != "closing":
                labels[leading_number(row.item)] = row.item
        entries = []
        for data in self.header["items"]:
            parent = category_index.get(data.get("category"))
            values = {
                "title": data["title"],
                "category": categories.pk(parent),
                "note": data.get("note") or "",
                "worklist_label": labels.get(data["number"], ""),
                "text": item_text(data, data.get("lead_as_printed"), data.get("responsible_as_printed")),
                "units": self._item_units(data),
            }
            entries.append(Entry(data["number"], values, parent=parent))
        for data in self.header.get("closing_sections") or []:
            values = {
                "title": excerpt(data.get("heading") or data.get("part_heading") or data["key"], 190),
                "category": None,
                "note": data.get("note") or "",
                "worklist_label": data["key"],  # commitments.tsv names a closing section by its key
                "text": item_text(data, data.get("units_as_printed"), ""),
                "units": self._item_units(data),
            }
            entries.append(Entry(data["key"], values))

        def create(entry):
            category = categories.obtain(entry.parent, self.log) if entry.parent is not None else None
            closing = isinstance(entry.key, str)
            identity = {"closing_key": entry.key} if closing else {"number": entry.key}
            item = Item.objects.filter(plan=plan, **identity).first()  # adopt one added in the portal
            if item is None:
                values = {**entry.values, "category": category.pk if category else None}
                part = Item.Part.CLOSING if closing else Item.Part.BODY
                item = build(Item, ITEM_SPECS, values, plan=plan, part=part, **identity)
                save_by_loader(item, reason=LOADED)
                self._write_assignments(ItemUnit, "item", item, entry.values["units"], "")
            return item

        return Collection(
            "items",
            ITEM_SPECS,
            list(plan.items.order_by("number")),
            entries,
            base_entries(self.snapshot, "items"),
            key_of=lambda i: i.key,
            subject=lambda i: f"{code} 项目内容 {i.key}“{excerpt(i.title)}”",
            new_subject=lambda e: f"{code} 项目内容 {e.key}“{excerpt(e.values['title'])}”",
            create=create,
            dependents=item_dependents,
            after_merge=lambda obj, entry, base, written: self._merge_units(
                ItemUnit, "item", obj, entry, base, f"{code} 项目内容 {obj.key}“{excerpt(obj.title)}”"
            ),
        )

    def _measures(self, items: Collection) -> Collection:
        plan, code = self.plan, self.code
        item_index = {e.key: i for i, e in enumerate(items.entries)}
        entries, seen = [], set()
        for row in self.source.all_rows:
            key = (row.item, row.measure)
            if key not in seen:
                seen.add(key)
                parent = item_index[row_item_key(row)]
                values = {"item": items.pk(parent), "text": row.measure}
                entries.append(Entry(key, values, parent, row.line, extra={"where": row.where}))

        def create(entry):
            item = items.obtain(entry.parent, self.log)
            position = self._next_position("measures", plan.measures.all())
            return create_by_loader(Measure, plan=plan, item=item, position=position, text=entry.values["text"])

        return Collection(
            "measures",
            MEASURE_SPECS,
            list(plan.measures.select_related("item").order_by("position")),
            entries,
            base_entries(self.snapshot, "measures"),
            key_of=lambda m: (m.item.worklist_label, m.text),
            subject=lambda m: f"{code} 工作举措 第{m.position}条“{excerpt(m.text)}”",
            new_subject=lambda e: f"{code} 工作举措“{excerpt(e.values['text'])}”（{e.extra['where']}）",
            create=create,
            dependents=measure_dependents,
            similarity=lambda a, b: text_similarity(a[1], b[1]),
        )

    def _milestones(self, measures: Collection) -> Collection:
        plan, code = self.plan, self.code
        measure_index = {e.key: i for i, e in enumerate(measures.entries)}
        entries = []
        for row in self.source.all_rows:
            parent = measure_index[(row.item, row.measure)]
            schedule_text = "" if row.due else row.schedule
            values = {
                "measure": measures.pk(parent),
                "text": row.milestone,
                "schedule": [row.due, schedule_text, parse_schedule(row.due or row.schedule).kind.value],
                "note": row.note,
                "source": [row.part, row.source],
                "units": self._units(
                    [(w, UnitRole.LEAD if w in row.lead else UnitRole.RESPONSIBLE) for w in row.units]
                ),
            }
            entries.append(Entry((row.measure, row.milestone), values, parent, row.line, extra={"where": row.where}))

        def create(entry):
            measure = measures.obtain(entry.parent, self.log)
            values = {**entry.values, "measure": measure.pk}
            position = self._next_position("milestones", plan.milestones.all())
            milestone = build(Milestone, MILESTONE_SPECS, values, plan=plan, position=position)
            save_by_loader(milestone, reason=LOADED)
            occurrences = occurrence_values(milestone.schedule_phrase, plan.start_year, plan.end_year)
            if self.pending is not None:  # a new plan: nothing to match, written in bulk after all node plans
                self.pending[MilestoneUnit] += [
                    MilestoneUnit(milestone=milestone, unit_id=unit_id, role=role, position=position, written_name=w)
                    for position, (w, role, unit_id) in enumerate(entry.values["units"], start=1)
                ]
                self.pending[Occurrence] += [
                    build(Occurrence, OCCURRENCE_SPECS, {"dates": dates}, milestone=milestone, label=label)
                    for label, dates in occurrences.items()
                ]
                return milestone
            self._write_assignments(MilestoneUnit, "milestone", milestone, entry.values["units"], "")
            for label, dates in occurrences.items():
                self._create_occurrence(milestone, label, dates)
            return milestone

        def save(milestone, written):
            if written:
                milestone.version += 1
                save_by_loader(milestone, [*written, "version"])

        def after_merge(milestone, entry, base, written):
            subject = milestone_subject(milestone)
            self._merge_units(MilestoneUnit, "milestone", milestone, entry, base, subject)
            phrase_is_fixtures = milestone.schedule_phrase == (
                entry.values["schedule"][0] or entry.values["schedule"][1]
            )
            if phrase_is_fixtures and ("due_text" in written or "schedule_text" in written or self.years_changed):
                self._sync_occurrences(milestone, base, subject)

        def milestone_subject(m):
            return f"{code} 节点计划 第{m.position}行“{excerpt(m.text)}”"

        return Collection(
            "milestones",
            MILESTONE_SPECS,
            list(plan.milestones.select_related("measure").order_by("position")),
            entries,
            base_entries(self.snapshot, "milestones"),
            key_of=lambda m: (m.measure.text, m.text),
            subject=milestone_subject,
            new_subject=lambda e: f"{code} 节点计划“{excerpt(e.values['text'])}”（{e.extra['where']}）",
            create=create,
            dependents=lambda m: milestone_dependents(m, self.outbox),
            similarity=lambda a, b: text_similarity(a[1], b[1]),
            save=save,
            after_merge=after_merge,
        )

    def _next_position(self, name: str, queryset) -> int:
        if self.positions is None:
            return next_position(queryset)
        self.positions[name] = self.positions[name] + 1 if name in self.positions else next_position(queryset)
        return self.positions[name]

    def _write_pending(self) -> None:
        for model, objects in (self.pending or {}).items():
            bulk_create_with_history(objects, model, batch_size=500, default_change_reason=LOADED)
            if model is Occurrence:  # bulk_create sends no signal: the one next-due writer, called directly
                refresh_next_due({o.milestone_id for o in objects})
        if self.pending:  # nor the dashboard's stale mark (stored_counts) or the search text, for the units
            figures_changed(plan_ids=[self.plan.pk])
            refresh_search_text({o.milestone_id for o in self.pending[MilestoneUnit]})
        self.pending = None  # anything created later goes one by one, as for an existing plan

    def _renumber(self, collection: Collection, deleted: set, queryset, noun: str, field_label: str) -> None:
        """Close the gaps rows deleted by this update leave and open slots for rows it created; positions
        staff chose are left alone otherwise."""
        if not collection.created and not deleted:
            return
        order = merged_order(collection.remaining(deleted), collection.results, collection.created)
        moved = renumber(queryset, order)
        if moved and not self.log.quiet:
            self.log.wrote(
                "更新",
                f"{self.code} {noun}",
                f"{moved} 条的{field_label}随 fixtures 的增删重新编排（原有先后顺序不变）",
            )

    # -- unit assignments and deadlines --------------------------------------------------------------

    def _merge_units(self, model, owner_field: str, owner, entry: Entry, base, subject: str) -> None:
        current = [
            [a.written_name, a.role, a.unit_id]
            for a in model.objects.filter(**{owner_field: owner}).order_by("position")
        ]
        old = MISSING if base is MISSING else base.get("units", MISSING)
        if merge_value(self.log, subject, "责任单位", current, old, entry.values["units"], show_units):
            self._write_assignments(model, owner_field, owner, entry.values["units"], subject)

    def _write_assignments(self, model, owner_field: str, owner, wanted: list, subject: str) -> None:
        """Bring an owner's units to `wanted` in place (matched by unit, so history follows each unit)."""
        existing = list(model.objects.filter(**{owner_field: owner}).order_by("position"))
        parking = max((a.position for a in existing), default=0) + len(wanted) + 1
        for offset, assignment in enumerate(existing):
            model.objects.filter(pk=assignment.pk).update(position=parking + offset)
        by_unit, kept = {a.unit_id: a for a in existing}, set()
        for position, (written, role, unit_id) in enumerate(wanted, start=1):
            assignment = by_unit.get(unit_id)
            if assignment is None:
                create_by_loader(
                    model, **{owner_field: owner}, unit_id=unit_id, role=role, position=position, written_name=written
                )
                continue
            assignment.written_name, assignment.role, assignment.position = written, role, position
            save_by_loader(assignment, ["written_name", "role", "position"])
            kept.add(assignment.pk)
        position = len(wanted)
        for assignment in existing:
            if assignment.pk in kept:
                continue
            reasons = assignment_dependents(assignment)
            if not reasons:
                delete_by_loader(assignment)
                continue
            position += 1
            assignment.position = position
            save_by_loader(assignment, ["position"])
            self.log.keep(
                subject, f"责任单位“{assignment.written_name}”已不在 fixtures 中，但{'、'.join(reasons)}，未删除"
            )

    def _create_occurrence(self, milestone, label: str, dates: list) -> Occurrence:
        occurrence = build(Occurrence, OCCURRENCE_SPECS, {"dates": dates}, milestone=milestone, label=label)
        save_by_loader(occurrence, reason=LOADED)
        return occurrence

    def _sync_occurrences(self, milestone, base, subject: str) -> None:
        """Deadlines follow a completion time the update changed, three-way per deadline as well."""
        plan = self.plan
        wanted = occurrence_values(milestone.schedule_phrase, plan.start_year, plan.end_year)
        base_dates = MISSING
        if base is not MISSING and self.base_years is not None:
            due_text, schedule_text, _ = base["schedule"]
            base_dates = occurrence_values(due_text or schedule_text, *self.base_years)
        current = {o.label: o for o in milestone.occurrences.all()}
        for label, dates in wanted.items():
            occurrence = current.get(label)
            if occurrence is None:
                self._create_occurrence(milestone, label, dates)
                self.log.wrote("新增", subject, f"期次“{label}”（截止 {dates[1]}）")
                continue
            old = MISSING if base_dates is MISSING or label not in base_dates else {"dates": base_dates[label]}
            written = merge(occurrence, OCCURRENCE_SPECS, old, {"dates": dates}, self.log, f"{subject} 期次“{label}”")
            if written:
                save_by_loader(occurrence, written)
        for label, occurrence in current.items():
            if label in wanted or base_dates is MISSING or label not in base_dates:
                continue  # still wanted, or not one the loader made: left as it is
            reasons = occurrence_dependents(occurrence)
            if OCCURRENCE_SPECS[0].read(occurrence) != base_dates[label]:
                reasons.append("日期已在门户中修改")
            if reasons:
                self.log.keep(subject, f"期次“{label}”已不在 fixtures 的完成时间中，但{'、'.join(reasons)}，未删除")
            else:
                delete_by_loader(occurrence)
                self.log.wrote("删除", subject, f"期次“{label}”（fixtures 的完成时间已改，且没有关联记录）")
