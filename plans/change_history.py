"""One timeline of everything that changed on a node plan, read from django-simple-history."""

from dataclasses import dataclass
from datetime import datetime

from plans.models import Chase, ExtensionRequest, Instruction, Milestone, MilestoneUnit, Occurrence, ProgressReport
from units.models import Unit

# (model, field names shown when they change, what the timeline calls the record)
SOURCES = [
    (Milestone, ["status", "percent", "rag_override", "rag_override_reason", "text", "due_text"], "节点计划", "id"),
    (ProgressReport, ["state", "status", "percent", "narrative", "review_comment"], "进展报告", "milestone_id"),
    (Occurrence, ["extended_due_date", "completed_on", "due_date", "outcome"], "期次", "milestone_id"),
    (ExtensionRequest, ["state", "requested_due_date", "review_comment"], "延期申请", "milestone_id"),
    (MilestoneUnit, ["unit", "role"], "责任单位", "milestone_id"),
    (Instruction, ["state", "reply_by", "staff_comment"], "领导批示", "milestone_id"),
    (Chase, ["unit", "message"], "催办", "milestone_id"),
]
SINGLE_EVENTS = {Chase}  # a 催办 is an act, not a record being created: the timeline says just "催办"


@dataclass
class Change:
    when: datetime
    who: str
    subject: str
    action: str
    details: list[tuple[str, str, str]]  # (field label, before, after)
    reason: str


def _value(row, model, field):
    return getattr(row, field + "_id" if model._meta.get_field(field).is_relation else field)


def _display(model, field, value, unit_names):
    field_obj = model._meta.get_field(field)
    if value in (None, ""):
        return "—"
    if field_obj.choices:
        return str(dict(field_obj.choices).get(value, value))
    if field_obj.is_relation:
        return unit_names.get(value, str(value))
    return str(value)


def milestone_activity(milestone: Milestone) -> list[Change]:
    histories = []
    for model, fields, subject, key in SOURCES:
        rows = model.history.filter(**{key: milestone.pk}).select_related("history_user")
        histories.append((model, fields, subject, list(rows.order_by("history_date", "history_id"))))
    unit_ids = {row.unit_id for model, fields, _, rows in histories if "unit" in fields for row in rows}
    unit_names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}

    changes = []
    for model, fields, subject, rows in histories:
        previous_by_id = {}
        for row in rows:
            previous = previous_by_id.get(row.id)
            previous_by_id[row.id] = row
            if row.history_user is None and row.history_type == "+":
                continue  # written by loading the plan from its document, not an activity
            if previous is None:
                before = {}
                action = {"+": "新建", "-": "删除"}.get(row.history_type, "修改")
                if model in SINGLE_EVENTS:
                    action = ""
            else:
                before = {f: _value(previous, model, f) for f in fields}
                action = "删除" if row.history_type == "-" else "修改"
            details = [
                (
                    str(model._meta.get_field(f).verbose_name),
                    _display(model, f, before.get(f), unit_names) if previous else "",
                    _display(model, f, _value(row, model, f), unit_names),
                )
                for f in fields
                if previous is None
                and _value(row, model, f) not in (None, "")
                or (previous is not None and before[f] != _value(row, model, f))
            ]
            if previous is not None and not details and row.history_type == "~":
                continue
            user = row.history_user
            changes.append(
                Change(
                    when=row.history_date,
                    who=(user.get_full_name() or user.username) if user else "系统",
                    subject=subject,
                    action=action,
                    details=details,
                    reason=row.history_change_reason or "",
                )
            )
    return sorted(changes, key=lambda c: c.when, reverse=True)
