"""督办单 as a loop: staff issue it (numbered, coloured, with a reply date) to a node plan's lead unit →
the unit's liaison 签收s it → answers with a 回执 (progress, measures, evidence) → staff 办结 it, or send it
back with a reason (the unit answers again). Views, the demo data and tests call these; each checks access
itself, so a command is held to the same rules as a page. Bad input raises ValidationError in Chinese and
changes nothing (every function is one transaction)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans import access, audience
from plans.choices import SupervisionColour, SupervisionState
from plans.models import Milestone, SupervisionFile, SupervisionNotice, SupervisionReply
from plans.notifications import notices
from plans.supervision.colour import propose_for
from plans.supervision.numbering import format_number, next_serial
from talentplan.lib.versioning import lock_current

REQUIREMENT_MAX = 2000
REASON_MAX = 300


@dataclass
class IssueInput:
    requirement: str
    reply_by: date
    colour: str = ""  # empty: the proposed colour
    colour_reason: str = ""  # required when the colour is not the proposed one


def _check(user, milestones, data: IssueInput, today: date) -> list[Milestone]:
    if not milestones:
        raise ValidationError("请选择要督办的节点计划。")
    visible = access.milestones(user, active=True).filter(pk__in=[m.pk for m in milestones])
    found = list(
        visible.select_related("plan__region").prefetch_related("assignments__unit").order_by("plan", "position")
    )
    if len(found) != len({m.pk for m in milestones}):
        raise ValidationError("所选节点计划不存在或不在您的管辖范围内。")
    for milestone in found:
        access.require(user, "supervise", milestone, "只有本地区的组织部工作人员可以下发督办单。")
    if len({m.plan.region_id for m in found}) > 1:
        raise ValidationError("一份督办单只能督办同一地区的节点计划。")
    if not data.requirement.strip():
        raise ValidationError("请填写督办要求。")
    if len(data.requirement) > REQUIREMENT_MAX:
        raise ValidationError(f"督办要求不能超过 {REQUIREMENT_MAX} 字。")
    if data.reply_by is None or data.reply_by < today:
        raise ValidationError("回执期限不能早于今天。")
    if data.colour and data.colour not in SupervisionColour.values:
        raise ValidationError("督办等级无效，请选择蓝色、黄色或红色督办。")
    if len(data.colour_reason) > REASON_MAX:
        raise ValidationError(f"调整等级理由不能超过 {REASON_MAX} 字。")
    return found


def by_lead_unit(milestones) -> dict:
    """{lead unit: its node plans}: a batch becomes one 督办单 per lead unit (a node plan with two leads is in
    both). A node plan with no lead unit cannot be supervised."""
    grouped = defaultdict(list)
    for milestone in milestones:
        leads = audience.lead_units(milestone)
        if not leads:
            raise ValidationError(f"节点计划“{milestone.text[:30]}”没有牵头单位，无法下发督办单。")
        for unit in leads:
            grouped[unit].append(milestone)
    return grouped


@transaction.atomic
def issue(user, milestones, data: IssueInput) -> list[SupervisionNotice]:
    """One numbered 督办单 per lead unit of the chosen node plans, in the colour their record calls for unless
    staff chose another (then with a reason)."""
    now = timezone.now()
    today = timezone.localdate(now)
    found = _check(user, milestones, data, today)
    region = found[0].plan.region
    issued = []
    for unit, own in by_lead_unit(found).items():
        proposal = propose_for(own, today)
        colour = data.colour or proposal.colour
        reason = data.colour_reason.strip()
        if colour != proposal.colour and not reason:
            raise ValidationError(
                f"建议等级为{SupervisionColour(proposal.colour).label}（{proposal.basis}），调整为"
                f"{SupervisionColour(colour).label}时请填写理由。"
            )
        serial = next_serial(region, today.year)
        notice = SupervisionNotice(
            region=region,
            year=today.year,
            serial=serial,
            number=format_number(region, today.year, serial),
            unit=unit,
            colour=colour,
            proposed_colour=proposal.colour,
            colour_reason=reason if colour != proposal.colour else "",
            proposal_basis=proposal.basis,
            requirement=data.requirement.strip(),
            reply_by=data.reply_by,
            issued_by=user,
            issued_at=now,
        )
        notice._history_user, notice._change_reason = user, "下发督办单"
        notice.save()
        notice.milestones.set(own)
        notices.supervision_issued(notice)
        issued.append(notice)
    return issued


def _locked(notice) -> SupervisionNotice:
    return SupervisionNotice.objects.select_for_update().select_related("unit", "region").get(pk=notice.pk)


@transaction.atomic
def sign(user, notice: SupervisionNotice) -> SupervisionNotice:
    """签收: recorded with who and when; the daily reminder stops asking for it."""
    access.require(user, "sign", notice, "只有承办单位的联络员可以签收督办单。")
    notice = _locked(notice)
    if notice.state != SupervisionState.ISSUED:
        raise ValidationError("该督办单已签收，不能重复签收。")
    notice.state, notice.signed_by, notice.signed_at = SupervisionState.SIGNED, user, timezone.now()
    notice.version += 1
    notice._history_user, notice._change_reason = user, "签收"
    notice.save(update_fields=["state", "signed_by", "signed_at", "version"])
    return notice


@transaction.atomic
def reply(user, notice: SupervisionNotice, progress: str, measures: str, files=()) -> SupervisionReply:
    """回执: the unit's progress and measures, with evidence (files validated by the form, as every upload)."""
    access.require(user, "reply", notice, "只有承办单位的联络员可以报送回执。")
    notice = _locked(notice)
    if notice.state == SupervisionState.ISSUED:
        raise ValidationError("请先签收督办单，再报送回执。")
    if notice.state == SupervisionState.REPLIED:
        raise ValidationError("回执已报送，正等待组织部办结；如被退回可再次报送。")
    if notice.state == SupervisionState.DONE:
        raise ValidationError("该督办单已办结，不能再报送回执。")
    if not progress.strip() or not measures.strip():
        raise ValidationError("请填写办理进展和整改措施。")
    unit = notice.unit  # the rule above: the user acts for it (a group unit through its members)
    answer = SupervisionReply.objects.create(
        notice=notice,
        unit=unit,
        author=user,
        progress=progress.strip(),
        measures=measures.strip(),
        created_at=timezone.now(),
    )
    for upload, file_type in files:
        SupervisionFile.objects.create(
            reply=answer, file=upload, original_name=upload.name[:200], size=upload.size, file_type=file_type
        )
    notice.state, notice.version = SupervisionState.REPLIED, notice.version + 1
    notice._history_user, notice._change_reason = user, f"{unit}报送回执"
    notice.save(update_fields=["state", "version"])
    notices.supervision_replied(answer)
    return answer


@transaction.atomic
def decide(user, notice: SupervisionNotice, done: bool, comment: str, version: int) -> SupervisionNotice:
    """办结, or 退回 with the reason (required); a page loaded before the latest 回执 is refused as stale."""
    access.require(user, "decide", notice, "只有本地区的组织部工作人员可以办结督办单。")
    comment = comment.strip()
    if not done and not comment:
        raise ValidationError("退回时请说明理由和还需办理的内容。")
    notice = lock_current(SupervisionNotice, notice.pk, version)
    if notice.state != SupervisionState.REPLIED:
        raise ValidationError("承办单位尚未报送回执（或回执已被退回），不能办结或退回。")
    notice.staff_comment = comment
    if done:
        notice.state, notice.closed_by, notice.closed_at = SupervisionState.DONE, user, timezone.now()
        notice._change_reason = "办结"
    else:
        notice.state = SupervisionState.RETURNED
        notice._change_reason = f"退回：{comment[:80]}"
    notice._history_user = user
    notice.save(update_fields=["staff_comment", "state", "closed_by", "closed_at", "version"])
    notices.supervision_decided(notice, done)
    return notice
