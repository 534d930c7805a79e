"""The progress workflow: report, consolidate, review, extend, instruct, override. Views call these.

Every change that edits an existing record checks its version first, so a second person saving a
stale copy is refused and nothing the first person saved is lost.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from talentplan.lib.dates import cn_date
from talentplan.lib.uploads import check_report_total
from talentplan.lib.versioning import lock_current
from units.roles import covered_unit_ids

from . import access, review
from .choices import ExtensionState, MilestoneStatus, ReportKind, ReportState, UnitRole
from .models import Evidence, ExtensionRequest, Instruction, Milestone, Occurrence, ProgressReport


@dataclass
class ReportInput:
    status: str
    percent: int
    narrative: str
    occurrence: Occurrence | None = None


def reporting_unit(user, milestone: Milestone):
    """The unit the user reports for on this node plan and whether it leads: lead units first."""
    access.require(user, "report", milestone, "只有责任单位的联络员可以报送进展。")
    covered = covered_unit_ids(user)
    assignments = sorted(  # .all(): the detail page has them prefetched with their units
        (a for a in milestone.assignments.all() if a.unit_id in covered),
        key=lambda a: (a.role != UnitRole.LEAD, a.position),
    )
    if not assignments:
        raise PermissionDenied("您所在单位不是该节点计划的责任单位。")
    return assignments[0].unit, assignments[0].role == UnitRole.LEAD


def _save_evidence(report: ProgressReport, files, user) -> None:
    kept = report.evidence.aggregate(total=Sum("size"))["total"] or 0
    check_report_total([upload for upload, _ in files], "该报告", already=kept)
    for upload, file_type in files:
        Evidence.objects.create(
            report=report,
            file=upload,
            original_name=upload.name[:200],
            size=upload.size,
            file_type=file_type,
            uploaded_by=user,
        )


@transaction.atomic
def submit_report(user, milestone: Milestone, data: ReportInput, files=()) -> ProgressReport:
    """A lead unit's report goes to staff for review; a co-responsible unit's input goes to the lead unit."""
    milestone = access.milestones(user).get(pk=milestone.pk)
    unit, leads = reporting_unit(user, milestone)
    if data.occurrence is not None and data.occurrence.milestone_id != milestone.pk:
        raise ValidationError("所选期次不属于该节点计划。")
    report = ProgressReport.objects.create(
        milestone=milestone,
        occurrence=data.occurrence,
        unit=unit,
        kind=ReportKind.CONSOLIDATED if leads else ReportKind.INPUT,
        state=ReportState.SUBMITTED if leads else ReportState.SHARED,
        status=data.status,
        percent=data.percent,
        narrative=data.narrative,
        author=user,
        submitted_at=timezone.now(),
    )
    _save_evidence(report, files, user)
    return report


@transaction.atomic
def resubmit_report(user, report: ProgressReport, data: ReportInput, version: int, files=()) -> ProgressReport:
    """After 退回 the reporting unit revises and submits again; the earlier text stays in history."""
    access.require(user, "resubmit", report, "只有报送单位的联络员可以修改该报告。")
    report = lock_current(ProgressReport, report.pk, version)
    if report.state != ReportState.RETURNED:
        raise ValidationError("只有被退回的报告可以修改后重新报送。")
    report.status, report.percent, report.narrative = data.status, data.percent, data.narrative
    report.occurrence = data.occurrence or report.occurrence
    report.state = ReportState.SUBMITTED
    report.submitted_at = timezone.now()
    report._change_reason = "修改后重新报送"
    report.save()
    _save_evidence(report, files, user)
    return report


def review_report(user, report: ProgressReport, approve: bool, comment: str, version: int) -> ProgressReport:
    """Staff approve (the node plan's status changes now, and only now) or return with a comment."""
    return review.decide(user, report, approve, comment, version, on_approved=_apply_approved_report)


def _apply_approved_report(report: ProgressReport) -> None:
    milestone = Milestone.objects.select_for_update().get(pk=report.milestone_id)
    milestone.status, milestone.percent = report.status, report.percent
    milestone.version += 1
    milestone._change_reason = f"审核通过 {report.unit} 的进展报告"
    milestone.save()
    if report.status == MilestoneStatus.COMPLETED and report.occurrence_id:
        occurrence = report.occurrence
        occurrence.completed_on = timezone.localdate()
        occurrence._change_reason = "审核通过“已完成”报告"
        occurrence.save()


@transaction.atomic
def update_status(user, milestone: Milestone, status: str, percent: int, version: int, reason: str) -> Milestone:
    """Staff set a node plan's status directly in the browser."""
    access.require(user, "edit", milestone, "只有组织部工作人员可以直接修改状态。")
    milestone = lock_current(Milestone, milestone.pk, version)
    milestone.status, milestone.percent = status, percent
    milestone._change_reason = reason or "工作人员修改状态"
    milestone.save()
    return milestone


@transaction.atomic
def override_rag(user, milestone: Milestone, rag: str, reason: str, version: int) -> Milestone:
    access.require(user, "edit", milestone, "只有组织部工作人员可以指定灯色。")
    if rag and not reason.strip():
        raise ValidationError("指定灯色时必须填写理由。")
    milestone = lock_current(Milestone, milestone.pk, version)
    milestone.rag_override, milestone.rag_override_reason = rag, reason.strip() if rag else ""
    milestone._change_reason = f"指定灯色：{reason.strip()}" if rag else "取消人工指定灯色"
    milestone.save()
    return milestone


@transaction.atomic
def request_extension(user, milestone: Milestone, occurrence: Occurrence, new_date: date, reason: str):
    milestone = access.milestones(user).get(pk=milestone.pk)
    unit, _ = reporting_unit(user, milestone)
    if occurrence.milestone_id != milestone.pk or not occurrence.is_deadline:
        raise ValidationError("所选期次不属于该节点计划，或没有截止期限。")
    if occurrence.completed_on:
        raise ValidationError("该期次已完成，无需延期。")
    if new_date <= occurrence.effective_due_date:
        raise ValidationError(f"延期日期应晚于当前截止日期 {cn_date(occurrence.effective_due_date)}。")
    if occurrence.extension_requests.filter(state=ExtensionState.PENDING).exists():
        raise ValidationError("该期次已有待审批的延期申请。")
    return ExtensionRequest.objects.create(
        milestone=milestone,
        occurrence=occurrence,
        unit=unit,
        requested_due_date=new_date,
        reason=reason.strip(),
        requested_by=user,
    )


def review_extension(user, extension: ExtensionRequest, approve: bool, comment: str) -> ExtensionRequest:
    return review.decide(user, extension, approve, comment, on_approved=_apply_approved_extension)


def _apply_approved_extension(extension: ExtensionRequest) -> None:
    occurrence = extension.occurrence
    occurrence.extended_due_date = extension.requested_due_date
    occurrence._change_reason = f"批准延期申请：{extension.reason}"
    occurrence.save()


def leave_instruction(user, milestone: Milestone, text: str) -> Instruction:
    access.require(user, "instruct", milestone, "只有领导可以作出批示。")
    milestone = access.milestones(user).get(pk=milestone.pk)
    if not text.strip():
        raise ValidationError("批示内容不能为空。")
    return Instruction.objects.create(milestone=milestone, author=user, text=text.strip())
