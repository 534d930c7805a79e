"""交办 in the portal: staff create plans, measures and node plans, and edit a node plan's text, units and
completion time. Views call these; every write keeps history with a reason, every edit checks the version.

A completion time goes through the same parser as the documents (plans.schedule) and its deadlines are
stored as the loader stores them (plan_sync.occurrence_values). When an edit changes the completion time,
deadlines still wanted keep their rows (and so their reports and extensions); a deadline no longer wanted is
deleted only when nothing hangs on it, the rule `loadplans --update` follows (plans.loading.protected_rows).

Ad-hoc 督办事项 live in a per-region container plan "临时督办事项", created on first use with one category,
item and measure. So every list, dashboard, reminder and export that reads plan → measure → node plan works
on them unchanged, with no nullable plan to special-case.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from plans import access
from plans.choices import UnitRole
from plans.loading.plan_sync import occurrence_values
from plans.loading.protected_rows import occurrence_dependents
from plans.models import Category, Item, Measure, Milestone, MilestoneUnit, Occurrence, Plan
from plans.schedule import ScheduleError, parse_schedule
from talentplan.lib.dates import cn_date
from talentplan.lib.versioning import lock_current
from units.models import Region, Unit

CREATED = "工作人员交办"
EDITED = "工作人员修改节点计划"
RECOMPUTED = "完成时间修改后重算期次"
ADHOC_TITLE = "临时督办事项"


@dataclass(frozen=True)
class Deadline:
    label: str
    start: date
    due: date
    is_deadline: bool


def preview_deadlines(phrase: str, start_year: int, end_year: int) -> tuple[str, list[Deadline]]:
    """(kind in words, deadlines) a completion time yields within the plan years; ScheduleError if unreadable."""
    schedule = parse_schedule(phrase)
    dates = schedule.occurrences(start_year, end_year) + schedule.report_periods(start_year, end_year)
    return schedule.kind.label, [Deadline(d.label, d.start, d.due, d.is_deadline) for d in dates]


@dataclass
class MilestoneInput:
    measure: Measure
    text: str
    due_text: str
    lead_units: list[Unit]
    co_units: list[Unit]
    note: str = ""
    beyond_plan_reason: str = ""  # a deadline after the plan's last day needs one (issue 21)


EXAMPLES = (
    "可写“2026年12月”“2026年底”“2024年上半年”“2023年6月—12月”“每年6月”“每年下半年”“每季度”“每半年”"
    "“每月10日前”“每两年”“长期推进”“按需开展”。"
)


def plan_end(plan: Plan) -> date:
    return date(plan.end_year, 12, 31)


def beyond_plan_error(plan: Plan, due: date, what: str) -> str:
    return (
        f"{what}{cn_date(due)}晚于计划期限（{cn_date(plan_end(plan))}）。如确需超出计划期限，请填写“超出计划期限的理由”后再提交；"
        "本次未保存任何内容。"
    )


def _check(plan: Plan, data: MilestoneInput, phrase_changed: bool = True):
    """The parsed schedule, or a Chinese error naming what is wrong; nothing is written on error. A new
    completion time whose last deadline is after the plan's last day needs a reason (kept in the history)."""
    errors = []
    try:
        schedule = parse_schedule(data.due_text)
    except ScheduleError as exc:
        errors.append(f"{exc}。{EXAMPLES}")
        schedule = None
    if schedule is not None and phrase_changed:
        last = schedule.last_due(plan.start_year, plan.end_year)
        if last is not None and last > plan_end(plan) and not data.beyond_plan_reason.strip():
            errors.append(beyond_plan_error(plan, last, f"完成时间“{data.due_text.strip()}”的截止日期"))
    if not data.lead_units:
        errors.append("请至少指定一个牵头单位。")
    units = data.lead_units + data.co_units
    if len({u.pk for u in units}) != len(units):
        errors.append("同一单位不能重复指定。")
    if any(u.region_id != plan.region_id for u in units):
        errors.append("责任单位必须属于该计划所在地区。")
    if data.measure.plan_id != plan.pk:
        errors.append("工作举措不属于该行动计划。")
    if errors:
        raise ValidationError(errors)
    return schedule


def _require_assign(user, plan: Plan) -> None:
    access.require(user, "assign", plan, "只有组织部工作人员可以交办。")


@transaction.atomic
def create_milestone(user, plan: Plan, data: MilestoneInput) -> Milestone:
    _require_assign(user, plan)
    schedule = _check(plan, data)
    position = (plan.milestones.aggregate(top=Max("position"))["top"] or 0) + 1
    milestone = Milestone(
        plan=plan,
        measure=data.measure,
        position=position,
        text=data.text,
        due_text=data.due_text.strip(),
        schedule_kind=schedule.kind,
        note=data.note,
    )
    milestone._change_reason = _with_reason(CREATED, data)
    milestone.save()
    _write_units(milestone, data)
    _recompute_occurrences(milestone, reason=CREATED)
    return milestone


def _with_reason(reason: str, data: MilestoneInput) -> str:
    extra = data.beyond_plan_reason.strip()
    return f"{reason}；超出计划期限的理由：{extra}" if extra else reason


@dataclass
class EditOutcome:
    milestone: Milestone
    kept: list[str]  # deadlines no longer in the completion time, kept because something hangs on them


@transaction.atomic
def edit_milestone(user, milestone: Milestone, version: int, data: MilestoneInput) -> EditOutcome:
    plan = milestone.plan
    _require_assign(user, plan)
    milestone = lock_current(Milestone, milestone.pk, version)  # stale page: refused before anything else
    phrase_changed = data.due_text.strip() != milestone.schedule_phrase
    schedule = _check(plan, data, phrase_changed)
    milestone.measure = data.measure
    milestone.text = data.text
    milestone.note = data.note
    if phrase_changed:
        milestone.due_text, milestone.schedule_text = data.due_text.strip(), ""
        milestone.schedule_kind = schedule.kind
    milestone._change_reason = _with_reason(EDITED, data) if phrase_changed else EDITED
    milestone.save()
    _write_units(milestone, data)
    kept = _recompute_occurrences(milestone) if phrase_changed else []
    return EditOutcome(milestone, kept)


def _write_units(milestone: Milestone, data: MilestoneInput) -> None:
    """Units in order, lead units first: kept rows are updated (their history stays), others added/removed."""
    wanted = [(u, UnitRole.LEAD) for u in data.lead_units] + [(u, UnitRole.RESPONSIBLE) for u in data.co_units]
    current = {a.unit_id: a for a in milestone.assignments.all()}
    wanted_ids = {u.pk for u, _ in wanted}
    for unit_id, assignment in current.items():
        if unit_id not in wanted_ids:
            assignment._change_reason = EDITED
            assignment.delete()
    # Positions are unique per node plan: move kept rows out of the way before numbering them again.
    for offset, assignment in enumerate(a for a in current.values() if a.unit_id in wanted_ids):
        assignment.position = 1000 + offset
        assignment.save(update_fields=["position"])
    for position, (unit, role) in enumerate(wanted, start=1):
        assignment = current.get(unit.pk) or MilestoneUnit(milestone=milestone, unit=unit, written_name=unit.name)
        if assignment.pk and (assignment.role, assignment.position) == (role, position):
            continue
        assignment.role, assignment.position = role, position
        assignment._change_reason = EDITED if assignment.pk else CREATED
        assignment.save()


def _hanging_on(occurrence: Occurrence) -> list[str]:
    """What hangs on a deadline (loading.protected_rows), less the history of its own creation and recomputation."""
    return [r for r in occurrence_dependents(occurrence) if not r.startswith("有在门户中的修改记录")]


def _recompute_occurrences(milestone: Milestone, reason: str = RECOMPUTED) -> list[str]:
    plan = milestone.plan
    wanted = occurrence_values(milestone.schedule_phrase, plan.start_year, plan.end_year)
    current = {o.label: o for o in milestone.occurrences.all()}
    for label, (start, due, is_deadline) in wanted.items():
        occurrence = current.get(label) or Occurrence(milestone=milestone, label=label)
        values = (date.fromisoformat(start), date.fromisoformat(due), is_deadline)
        if occurrence.pk and (occurrence.start_date, occurrence.due_date, occurrence.is_deadline) == values:
            continue
        occurrence.start_date, occurrence.due_date, occurrence.is_deadline = values
        occurrence._change_reason = reason
        occurrence.save()
    kept = []
    for label, occurrence in current.items():
        if label in wanted:
            continue
        reasons = _hanging_on(occurrence)
        if reasons:
            kept.append(f"期次“{label}”{'、'.join(reasons)}，已保留")
        else:
            occurrence._change_reason = RECOMPUTED
            occurrence.delete()
    return kept


# --- Measures and plans ---------------------------------------------------------------------------------


@transaction.atomic
def create_measure(user, plan: Plan, item: Item, text: str) -> Measure:
    _require_assign(user, plan)
    if item.plan_id != plan.pk:
        raise ValidationError("项目内容不属于该行动计划。")
    position = (plan.measures.aggregate(top=Max("position"))["top"] or 0) + 1
    return Measure.objects.create(plan=plan, item=item, position=position, text=text)


@transaction.atomic
def edit_measure(user, measure: Measure, version: int, item: Item, text: str) -> Measure:
    plan = measure.plan
    _require_assign(user, plan)
    measure = lock_current(Measure, measure.pk, version)
    if item.plan_id != plan.pk:
        raise ValidationError("项目内容不属于该行动计划。")
    measure.item, measure.text = item, text
    measure._change_reason = "工作人员修改工作举措"
    measure.save()
    return measure


# What staff may change on an existing plan. Its years, region and code are not here: the years decide every
# deadline of every node plan, and the code is in links and exports (a new plan is made instead).
PLAN_EDITABLE = ("title", "document_number", "issuers", "issue_date")


@transaction.atomic
def edit_plan(user, plan: Plan, version: int, **values) -> Plan:
    _require_assign(user, plan)
    plan = lock_current(Plan, plan.pk, version)
    for name in PLAN_EDITABLE:
        setattr(plan, name, values[name])
    plan._change_reason = "工作人员修改行动计划"
    plan.save()
    return plan


@transaction.atomic
def create_plan(user, region: Region, **values) -> Plan:
    """A new plan in a region the access layer lets this user write, with one category and item to start."""
    if not access.regions(user).filter(pk=region.pk).exists():
        raise ValidationError("您不能在该地区新建行动计划。")
    if Plan.objects.filter(code=values["code"]).exists():
        raise ValidationError(f"代码“{values['code']}”已被其他行动计划使用。")
    if values["end_year"] < values["start_year"]:
        raise ValidationError("截止年份不能早于起始年份。")
    plan = Plan(region=region, **values)
    plan._change_reason = CREATED
    plan.save()
    category = Category.objects.create(plan=plan, position=1, name="工作任务")
    Item.objects.create(plan=plan, category=category, number=1, title=values["title"][:200])
    return plan


def adhoc_measure(user, region: Region) -> Measure:
    """The region's 临时督办事项 container (plan, category, item, measure), created on first use."""
    year = timezone.localdate().year
    code = f"adhoc-{region.pk}"
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        plan = create_plan(
            user,
            region,
            code=code,
            title=f"{region.name}{ADHOC_TITLE}",
            issuers="组织部",
            issue_date=timezone.localdate(),
            start_year=year,
            end_year=year + 4,
            notes="不属于任何行动计划、在门户中交办的督办事项。",
        )
    measure = plan.measures.first()
    if measure is None:
        measure = create_measure(user, plan, plan.items.first(), ADHOC_TITLE)
    return measure
