"""What hangs on a loaded row, in words: an update never deletes a row for which any of these is non-empty."""

from django.db.models import Q

from plans.models import Escalation, MilestoneUnit, Occurrence, Outbox
from talentplan.lib.sync import portal_edits


class OutboxIndex:
    """The node plans named in reminder outbox rows (read once, only when something may be deleted)."""

    def __init__(self):
        self._ids = None

    def __contains__(self, milestone_id: int) -> bool:
        if self._ids is None:
            self._ids = {
                item.get("milestone_id")
                for items in Outbox.objects.values_list("items", flat=True)
                for item in items or []
                if isinstance(item, dict)
            }
        return milestone_id in self._ids


def _counted(parts: list[tuple[str, int, str]]) -> list[str]:
    return [f"有{noun} {count} {measure}" for noun, count, measure in parts if count]


def milestone_dependents(milestone, outbox: OutboxIndex) -> list[str]:
    occurrences = Occurrence.objects.filter(milestone=milestone)
    reasons = _counted(
        [
            ("进展报告", milestone.reports.count(), "份"),
            ("延期申请", milestone.extension_requests.count(), "条"),
            ("领导批示", milestone.instructions.count(), "条"),
            ("逾期上报记录", Escalation.objects.filter(occurrence__milestone=milestone).count(), "条"),
            (
                "已完成、已延期或已销号的期次",
                occurrences.filter(
                    Q(completed_on__isnull=False) | Q(extended_due_date__isnull=False) | ~Q(outcome="")
                ).count(),
                "个",
            ),
            (
                "在门户中的修改记录",
                portal_edits(milestone.history.all())
                + portal_edits(MilestoneUnit.history.filter(milestone_id=milestone.pk))
                + portal_edits(Occurrence.history.filter(milestone_id=milestone.pk)),
                "条",
            ),
        ]
    )
    if milestone.pk in outbox:
        reasons.append("有提醒记录")
    return reasons


def occurrence_dependents(occurrence) -> list[str]:
    reasons = _counted(
        [
            ("进展报告", occurrence.reports.count(), "份"),
            ("延期申请", occurrence.extension_requests.count(), "条"),
            ("逾期上报记录", Escalation.objects.filter(occurrence=occurrence).count(), "条"),
            ("在门户中的修改记录", portal_edits(occurrence.history.all()), "条"),
        ]
    )
    if occurrence.completed_on or occurrence.extended_due_date or occurrence.outcome:
        reasons.append("已完成、已延期或已销号")
    return reasons


def assignment_dependents(assignment) -> list[str]:
    history = getattr(assignment, "history", None)
    return _counted([("在门户中的修改记录", portal_edits(history.all()) if history is not None else 0, "条")])


def measure_dependents(measure) -> list[str]:
    return _counted([("节点计划", measure.milestones.count(), "条")])


def item_dependents(item) -> list[str]:
    return _counted([("工作举措", item.measures.count(), "条")])


def category_dependents(category) -> list[str]:
    return _counted([("项目内容", category.items.count(), "项")])
