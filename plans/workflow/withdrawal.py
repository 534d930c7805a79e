"""Withdrawing a plan: 归档 (archive, reversible with 恢复) or 删除 (delete, only while nothing was reported).

An archived plan keeps every row and its history. It disappears from the lists, the dashboard,
reminders and the API, and only staff can still open it (with an "已归档" banner). A plan can be
deleted outright only when nobody has worked on it yet: no progress report, extension request,
instruction, indicator entry or actual, reminder sent, escalation, year close or status change. A
plan loaded from fixtures/ is never deleted here: `loadplans` would bring it back, so it can only be
archived.

Deleting goes bottom-up inside one transaction, because Milestone → Measure → Item → Category are
PROTECT links (a node plan must never lose its measure by accident): node plans first, then measures,
items, categories, indicators, and the plan last. simple_history keeps a "deleted" record of every
tracked row.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plans import access
from plans.choices import MilestoneStatus
from plans.models import (
    Category,
    Escalation,
    ExtensionRequest,
    Instruction,
    Item,
    ItemUnit,
    Measure,
    Milestone,
    MilestoneUnit,
    Occurrence,
    Outbox,
    Plan,
    PlanYearClosure,
    ProgressReport,
)
from targets.models import Indicator, IndicatorEntry, IndicatorYear


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    word: str  # the measure word: 条, 项, 个

    def __str__(self):
        return f"{self.label} {self.count} {self.word}"


def _require_staff(user, action: str, plan: Plan) -> None:
    access.require(user, action, plan, "只有组织部工作人员可以归档、恢复或删除行动计划。")


def plan_contents(plan: Plan) -> list[Count]:
    """What the plan holds: everything a deletion removes."""
    return [
        Count("工作任务", Category.objects.filter(plan=plan).count(), "项"),
        Count("项目内容", Item.objects.filter(plan=plan).count(), "项"),
        Count("项目内容单位", ItemUnit.objects.filter(item__plan=plan).count(), "条"),
        Count("工作举措", Measure.objects.filter(plan=plan).count(), "条"),
        Count("节点计划", Milestone.objects.filter(plan=plan).count(), "条"),
        Count("节点计划单位", MilestoneUnit.objects.filter(milestone__plan=plan).count(), "条"),
        Count("期次", Occurrence.objects.filter(milestone__plan=plan).count(), "个"),
        Count("指标", Indicator.objects.filter(plan=plan).count(), "项"),
        Count("指标年度值", IndicatorYear.objects.filter(indicator__plan=plan).count(), "条"),
    ]


def outbox_rows_of(plan: Plan) -> int:
    """Reminders that listed one of the plan's node plans (the outbox keeps its items as JSON)."""
    milestone_ids = set(Milestone.objects.filter(plan=plan).values_list("pk", flat=True))
    return sum(
        1
        for items in Outbox.objects.values_list("items", flat=True).iterator()
        if any(isinstance(i, dict) and i.get("milestone_id") in milestone_ids for i in items or [])
    )


def plan_activity(plan: Plan) -> list[Count]:
    """The work recorded against the plan. Any of it means the plan can only be archived."""
    changed = ~Q(status=MilestoneStatus.NOT_STARTED) | Q(percent__gt=0) | ~Q(rag_override="") | Q(version__gt=1)
    counts = [
        Count("进展报告", ProgressReport.objects.filter(milestone__plan=plan).count(), "份"),
        Count("延期申请", ExtensionRequest.objects.filter(milestone__plan=plan).count(), "份"),
        Count("领导批示", Instruction.objects.filter(milestone__plan=plan).count(), "条"),
        Count("指标实际值填报", IndicatorEntry.objects.filter(indicator__plan=plan).count(), "条"),
        Count(
            "已录入的指标实际值",
            IndicatorYear.objects.filter(indicator__plan=plan, actual_value__isnull=False).count(),
            "条",
        ),
        Count("提醒记录", outbox_rows_of(plan), "条"),
        Count("逾期上报", Escalation.objects.filter(occurrence__milestone__plan=plan).count(), "条"),
        Count("年度销号", PlanYearClosure.objects.filter(plan=plan).count(), "次"),
        Count("已更新状态的节点计划", Milestone.objects.filter(plan=plan).filter(changed).count(), "条"),
    ]
    return [c for c in counts if c.count]


def is_fixture_plan(plan: Plan) -> bool:
    return (settings.FIXTURES_DIR / "plans" / plan.code).is_dir()


def deletion_refusals(plan: Plan) -> list[str]:
    """Why the plan cannot be deleted (empty when it can), in Chinese."""
    refusals = []
    if is_fixture_plan(plan):
        refusals.append(f"该计划由 fixtures/plans/{plan.code} 载入，loadplans 会重新载入它，只能归档。")
    activity = plan_activity(plan)
    if activity:
        refusals.append(f"该计划已有工作记录（{'，'.join(map(str, activity))}），删除会丢失这些记录，只能归档。")
    return refusals


def _locked(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def archive_plan(user, plan: Plan) -> Plan:
    _require_staff(user, "archive", plan)
    plan = _locked(plan)
    if plan.is_archived:
        raise ValidationError("该计划已经归档。")
    plan.archived_at, plan.archived_by = timezone.now(), user
    plan._change_reason = "归档"
    plan.save(update_fields=["archived_at", "archived_by"])
    return plan


@transaction.atomic
def restore_plan(user, plan: Plan) -> Plan:
    _require_staff(user, "restore", plan)
    plan = _locked(plan)
    if not plan.is_archived:
        raise ValidationError("该计划未归档，无需恢复。")
    plan.archived_at, plan.archived_by = None, None
    plan._change_reason = "恢复"
    plan.save(update_fields=["archived_at", "archived_by"])
    return plan


@transaction.atomic
def delete_plan(user, plan: Plan) -> list[Count]:
    """Delete a plan nobody has worked on, with everything it holds. Returns what was removed."""
    _require_staff(user, "delete", plan)
    plan = _locked(plan)
    refusals = deletion_refusals(plan)
    if refusals:
        raise ValidationError(["未删除，数据库未作任何修改。", *refusals])
    removed = plan_contents(plan)
    # Bottom-up: each step clears the PROTECT links the next one would trip over.
    for queryset in (
        Milestone.objects.filter(plan=plan),
        Measure.objects.filter(plan=plan),
        Item.objects.filter(plan=plan),
        Category.objects.filter(plan=plan),
        Indicator.objects.filter(plan=plan),
    ):
        queryset.delete()
    plan._change_reason = "删除"
    plan.delete()
    return removed
