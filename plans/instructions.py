"""批示 as a loop: a leader's 批示 names the units that must act → they reply (反馈) with text and files →
staff mark it 办结, or return it for more. Views, the demo data and tests call these."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from talentplan.lib.versioning import lock_current
from units.roles import covered_unit_ids

from . import access, events
from .choices import InstructionState, UnitRole
from .models import Instruction, InstructionFile, InstructionReply, Milestone


def lead_units(milestone: Milestone) -> list:
    return [a.unit for a in milestone.assignments.select_related("unit") if a.role == UnitRole.LEAD]


@transaction.atomic
def give_instruction(user, milestone: Milestone, text: str, units=None, reply_by: date | None = None) -> Instruction:
    """A leader's 批示; the units that must act default to the node plan's lead units."""
    access.require(user, "instruct", milestone, "只有领导可以作出批示。")
    milestone = access.milestones(user).get(pk=milestone.pk)
    if not text.strip():
        raise ValidationError("批示内容不能为空。")
    if reply_by is not None and reply_by < timezone.localdate():
        raise ValidationError("反馈期限不能早于今天。")
    units = list(units) if units else lead_units(milestone)
    if not units:
        raise ValidationError("请指定承办单位。")
    instruction = Instruction(milestone=milestone, author=user, text=text.strip(), reply_by=reply_by)
    instruction._history_user = user
    instruction._change_reason = "批示"
    instruction.save()
    instruction.units.set(units)
    events.instruction_given(instruction)
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
    instruction.save()
    events.instruction_replied(answer)
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
    instruction.save()
    events.instruction_decided(instruction, done)
    return instruction


def open_instructions(user) -> list[Instruction]:
    """Open 批示 the user sees, each with .addressed (its units), soonest reply date first (a leader's
    dashboard, a unit's 我的任务). One query, whether there are none or many."""
    visible = access.instructions(user).active().exclude(state=InstructionState.DONE)
    rows = Instruction.units.through.objects.filter(instruction__in=visible).select_related(
        "instruction__milestone", "instruction__author", "unit"
    )
    by_id = {}
    for row in rows.order_by("instruction_id", "unit__name"):
        instruction = by_id.setdefault(row.instruction_id, row.instruction)
        instruction.addressed = [*getattr(instruction, "addressed", []), row.unit]
    return sorted(by_id.values(), key=lambda i: (i.reply_by is None, i.reply_by or date.max, i.created_at))
