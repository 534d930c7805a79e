"""批示 as a loop: a leader's 批示 names the units that must act → they reply (反馈) with text and files →
staff mark it 办结, or return it for more. Views, the demo data and tests call these."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, Subquery, Window
from django.utils import timezone

from plans import access, audience
from plans.choices import InstructionState
from plans.models import Instruction, InstructionFile, InstructionReply, Milestone
from plans.notifications import notices
from talentplan.lib.versioning import lock_current
from units.models import Unit
from units.roles import covered_unit_ids


@transaction.atomic
def give_instruction(user, milestone: Milestone, text: str, units=None, reply_by: date | None = None) -> Instruction:
    """A leader's 批示; the units that must act default to the node plan's lead units."""
    access.require(user, "instruct", milestone, "只有领导（或上级地区的督查员）可以作出批示。")
    milestone = access.milestones(user).get(pk=milestone.pk)
    if not text.strip():
        raise ValidationError("批示内容不能为空。")
    if reply_by is not None and reply_by < timezone.localdate():
        raise ValidationError("反馈期限不能早于今天。")
    units = list(units) if units else audience.lead_units(milestone)
    if not units:
        raise ValidationError("请指定承办单位。")
    instruction = Instruction(milestone=milestone, author=user, text=text.strip(), reply_by=reply_by)
    instruction._history_user = user
    instruction._change_reason = "批示"
    instruction.save()
    instruction.units.set(units)
    notices.instruction_given(instruction)
    return instruction


def replying_unit(user, instruction: Instruction):
    """The addressed unit the user acts for (a street's liaison acts for 各街道 too)."""
    covered = covered_unit_ids(user)
    return next((u for u in instruction.units.order_by("pk") if u.pk in covered), None)


@transaction.atomic
def reply(user, instruction: Instruction, text: str, files=()) -> InstructionReply:
    access.require(user, "reply", instruction, "只有承办单位的联络员可以反馈批示办理情况。")
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    if instruction.state == InstructionState.DONE:
        raise ValidationError("该批示已办结，不能再反馈。")
    if not text.strip():
        raise ValidationError("请填写反馈内容。")
    unit = replying_unit(user, instruction)
    answer = InstructionReply.objects.create(instruction=instruction, unit=unit, author=user, text=text.strip())
    for upload, file_type in files:
        InstructionFile.objects.create(
            reply=answer, file=upload, original_name=upload.name[:200], size=upload.size, file_type=file_type
        )
    # A new version: a 办结 pressed on a page loaded before this reply is refused as stale.
    instruction.state, instruction.version = InstructionState.REPLIED, instruction.version + 1
    instruction._change_reason, instruction._history_user = f"{unit}反馈", user
    instruction.save(update_fields=["state", "version"])
    notices.instruction_replied(answer)
    return answer


@transaction.atomic
def decide(user, instruction: Instruction, done: bool, comment: str, version: int) -> Instruction:
    """办结, or return to the units with what is still needed (a comment is then required)."""
    access.require(user, "decide", instruction, "只有组织部工作人员可以办结批示。")
    if not done and not comment.strip():
        raise ValidationError("退回时请说明还需办理的内容。")
    instruction = lock_current(Instruction, instruction.pk, version)
    if instruction.state == InstructionState.DONE:
        raise ValidationError("该批示已办结。")
    if done and not instruction.replies.exists():
        raise ValidationError("承办单位尚未反馈，不能办结。")
    instruction.staff_comment = comment.strip()
    if done:
        instruction.state, instruction.closed_by, instruction.closed_at = InstructionState.DONE, user, timezone.now()
        instruction._change_reason = "办结"
    else:
        instruction.state = InstructionState.OPEN
        instruction._change_reason = "退回，要求继续办理"
    instruction._history_user = user
    instruction.save(update_fields=["staff_comment", "state", "closed_by", "closed_at", "version"])
    notices.instruction_decided(instruction, done)
    return instruction


def urgent_first(path: str = "") -> tuple:
    """The most urgent first: the earliest 反馈期限 (so the overdue lead), those without one last, then the oldest."""
    return (F(f"{path}reply_by").asc(nulls_last=True), f"{path}created_at", f"{path}pk")


OPEN_SHOWN = 10  # a leader reads ten lines; the rest are one click away (plans:instruction_list)
LIST_STATES = {"open": "待办结", "all": "全部", "done": "已办结"}
DEFAULT_LIST_STATE = "open"


@dataclass(frozen=True)
class OpenInstructions:
    """The most urgent open 批示 (each with .addressed, its units by name) and how many are open in all."""

    rows: list[Instruction]
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def with_addressed(queryset):
    """Each 批示 with .addressed, its units by name: one query for the whole page, however many rows."""
    return queryset.prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("name"), to_attr="addressed"))


def open_instructions(user, limit: int = OPEN_SHOWN) -> OpenInstructions:
    """Open 批示 the user sees, the `limit` most urgent (a leader's dashboard, a unit's 我的任务), and how many
    are open in all. One query, whether there are none or thousands: the addressed (批示, 单位) rows of the
    most urgent (IN (… ORDER BY … LIMIT)), each carrying the total (a scalar subquery: a window COUNT)."""
    visible = access.instructions(user).active().exclude(state=InstructionState.DONE)
    most_urgent = visible.order_by(*urgent_first()).values("pk")[:limit]
    total = visible.order_by().annotate(n=Window(Count("pk"))).values("n")[:1]
    rows = (
        Instruction.units.through.objects.filter(instruction__in=most_urgent)
        .select_related("instruction", "unit")
        .annotate(open_total=Subquery(total))
        .order_by(*urgent_first("instruction__"), "unit__name")
    )
    by_id, open_total = {}, 0
    for row in rows:
        instruction = by_id.setdefault(row.instruction_id, row.instruction)
        instruction.addressed = [*getattr(instruction, "addressed", []), row.unit]
        open_total = row.open_total
    return OpenInstructions(list(by_id.values()), open_total)


def listed_instructions(user, state: str = DEFAULT_LIST_STATE):
    """批示 the user sees (plans.access.instructions, never more) on plans not withdrawn, for the list page:
    待办结 the most urgent first, 已办结 the latest closed first, 全部 the latest given first."""
    rows = with_addressed(access.instructions(user).active().select_related("milestone__plan", "author"))
    if state == "done":
        return rows.filter(state=InstructionState.DONE).order_by("-closed_at", "-pk")
    if state == "all":
        return rows.order_by("-created_at", "-pk")
    return rows.exclude(state=InstructionState.DONE).order_by(*urgent_first())


def visible_milestone_ids(user, instructions) -> set[int]:
    """Which of these 批示's node plans the user may open: a liaison sees a 批示 addressed to their unit on a
    node plan they do not answer for (its text is shown, not linked). One query."""
    ids = {i.milestone_id for i in instructions}
    return set(access.milestones(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
