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

from plans import access
from plans.choices import ExtensionState, MilestoneStatus, Outcome, ReportKind, ReportState, UnitRole
from plans.models import Evidence, ExtensionRequest, Milestone, Occurrence, ProgressReport
from plans.notifications import notices
from plans.workflow import review
from talentplan.lib.dates import cn_date
from talentplan.lib.uploads import check_report_total
from talentplan.lib.versioning import lock_current
from units.roles import covered_unit_ids


@dataclass
class ReportInput:
    status: str
    percent: int
    narrative: str
    occurrence: Occurrence | None = None


NO_DEADLINE_WARNING = (
    "该报告报“已完成”，但没有注明完成的是哪一期截止期限：通过后，截止期限仍按未完成计（可能继续显示逾期、红灯）。"
    "请退回并要求注明报送期次；确需通过的，请勾选“确认不对应期次通过”。"
)


def default_occurrence_id(milestone: Milestone, today: date | None = None) -> int | None:
    """What a report is most likely about: the open (or overdue) deadline due first; for ongoing work, the
    current report period. Uses `with_tracking`'s annotations when the page already has them."""
    if hasattr(milestone, "next_occurrence_id"):
        if milestone.next_occurrence_id or milestone.deadline_count:
            return milestone.next_occurrence_id
    else:
        deadline = Occurrence.objects.open_deadlines().filter(milestone=milestone).order_by("effective_due").first()
        if deadline is not None:
            return deadline.pk
    today = today or timezone.localdate()
    periods = Occurrence.objects.open().filter(milestone=milestone, is_deadline=False)
    period = periods.filter(due_date__gte=today).order_by("due_date").first() or periods.order_by("-due_date").first()
    return period.pk if period else None


def completes_no_deadline(report: ProgressReport) -> bool:
    """A 已完成 report that names no deadline, on a node plan that has deadlines: approving it would leave
    the deadline open (已逾期, 红灯) beside the status 已完成, so the reviewer is warned first."""
    return (
        report.kind == ReportKind.CONSOLIDATED
        and report.status == MilestoneStatus.COMPLETED
        and report.occurrence_id is None
        and report.milestone.occurrences.filter(is_deadline=True).exists()
    )


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
    if leads:
        notices.report_submitted(report)
    else:
        notices.input_shared(report)
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
    if report.kind == ReportKind.CONSOLIDATED:
        notices.report_submitted(report)
    return report


@transaction.atomic
def review_report(
    user, report: ProgressReport, approve: bool, comment: str, version: int, confirm_no_deadline: bool = False
) -> ProgressReport:
    """Staff approve (the node plan's status changes now, and only now) or return with a comment.
    A 已完成 report that names no deadline is approved only with `confirm_no_deadline` (see NO_DEADLINE_WARNING)."""

    def warn_first(report):
        pending = report.state == ReportState.SUBMITTED  # otherwise review.decide says it is not pending
        if approve and pending and not confirm_no_deadline and completes_no_deadline(report):
            raise ValidationError(NO_DEADLINE_WARNING)

    report = review.decide(
        user, report, approve, comment, version, on_approved=_apply_approved_report, check=warn_first
    )
    notices.report_reviewed(report)
    return report


def _apply_approved_report(report: ProgressReport) -> None:
    milestone = Milestone.objects.select_for_update().get(pk=report.milestone_id)
    milestone.status, milestone.percent = report.status, report.percent
    milestone.version += 1
    milestone._change_reason = f"审核通过 {report.unit} 的进展报告"
    milestone.save(update_fields=["status", "percent", "version"])  # no searched text: not rebuilt (signals)
    if report.status == MilestoneStatus.COMPLETED and report.occurrence_id:
        _complete(Occurrence.objects.select_for_update().get(pk=report.occurrence_id))


def _complete(occurrence: Occurrence) -> None:
    """The deadline is met on the day its 已完成 report is approved (once: a second approval changes nothing).
    One the year close left 未完成 becomes 逾期完成."""
    if occurrence.completed_on is not None:
        return
    occurrence.completed_on = timezone.localdate()
    occurrence._change_reason = "审核通过“已完成”报告"
    if occurrence.outcome == Outcome.MISSED:
        occurrence.outcome = Outcome.LATE
        occurrence._change_reason += "（销号时未完成，现记为逾期完成）"
    occurrence.save(update_fields=["completed_on", "outcome"])


@transaction.atomic
def update_status(user, milestone: Milestone, status: str, percent: int, version: int, reason: str) -> Milestone:
    """Staff set a node plan's status directly in the browser."""
    access.require(user, "edit", milestone, "只有组织部工作人员可以直接修改状态。")
    milestone = lock_current(Milestone, milestone.pk, version)
    milestone.status, milestone.percent = status, percent
    milestone._change_reason = reason or "工作人员修改状态"
    milestone.save(update_fields=["status", "percent", "version"])
    return milestone


@transaction.atomic
def override_rag(user, milestone: Milestone, rag: str, reason: str, version: int) -> Milestone:
    access.require(user, "edit", milestone, "只有组织部工作人员可以指定灯色。")
    if rag and not reason.strip():
        raise ValidationError("指定灯色时必须填写理由。")
    milestone = lock_current(Milestone, milestone.pk, version)
    milestone.rag_override, milestone.rag_override_reason = rag, reason.strip() if rag else ""
    milestone._change_reason = f"指定灯色：{reason.strip()}" if rag else "取消人工指定灯色"
    milestone.save(update_fields=["rag_override", "rag_override_reason", "version"])
    return milestone


EXTENSION_LEAD_ONLY = "只有牵头单位可以申请延期；配合单位如需延期，请与牵头单位沟通，由牵头单位提出申请。"


@transaction.atomic
def request_extension(
    user, milestone: Milestone, occurrence: Occurrence, new_date: date, reason: str, beyond_plan_confirmed=False
):
    """A lead unit asks for a later deadline. A date after the plan's last day needs the requester's
    confirmation (`beyond_plan_confirmed`) and a reason, and staff approve it only with a comment (issue 21)."""
    milestone = access.milestones(user).get(pk=milestone.pk)
    access.require(user, "request_extension", milestone, EXTENSION_LEAD_ONLY)
    unit, leads = reporting_unit(user, milestone)
    if not leads:
        raise PermissionDenied(EXTENSION_LEAD_ONLY)
    if occurrence.milestone_id != milestone.pk or not occurrence.is_deadline:
        raise ValidationError("所选期次不属于该节点计划，或没有截止期限。")
    if occurrence.completed_on:
        raise ValidationError("该期次已完成，无需延期。")
    if new_date <= occurrence.effective_due_date:
        raise ValidationError(f"延期日期应晚于当前截止日期 {cn_date(occurrence.effective_due_date)}。")
    if occurrence.extension_requests.filter(state=ExtensionState.PENDING).exists():
        raise ValidationError("该期次已有待审批的延期申请。")
    plan_end = date(milestone.plan.end_year, 12, 31)
    if new_date > plan_end and not beyond_plan_confirmed:
        raise ValidationError(
            f"延期日期{cn_date(new_date)}晚于计划期限（{cn_date(plan_end)}）。如确需超出计划期限，"
            "请勾选“确认超出计划期限”并在延期理由中说明；本次未保存任何内容。"
        )
    if not reason.strip():
        raise ValidationError("请填写延期理由。")
    extension = ExtensionRequest.objects.create(
        milestone=milestone,
        occurrence=occurrence,
        unit=unit,
        requested_due_date=new_date,
        reason=reason.strip(),
        requested_by=user,
    )
    notices.extension_requested(extension)
    return extension


@transaction.atomic
def review_extension(user, extension: ExtensionRequest, approve: bool, comment: str) -> ExtensionRequest:
    extension = review.decide(
        user,
        extension,
        approve,
        comment,
        on_approved=_apply_approved_extension,
        check=_beyond_plan_needs_comment(approve, comment),
    )
    notices.extension_decided(extension)
    return extension


def _beyond_plan_needs_comment(approve: bool, comment: str):
    def check(extension: ExtensionRequest) -> None:
        plan = extension.milestone.plan
        plan_end = date(plan.end_year, 12, 31)
        if approve and extension.requested_due_date > plan_end and not comment.strip():
            raise ValidationError(
                f"申请的日期{cn_date(extension.requested_due_date)}晚于计划期限（{cn_date(plan_end)}），"
                "批准时请填写审批意见，说明为何同意超出计划期限。"
            )

    return check


def _apply_approved_extension(extension: ExtensionRequest) -> None:
    occurrence = extension.occurrence
    occurrence.extended_due_date = extension.requested_due_date
    occurrence._change_reason = f"批准延期申请：{extension.reason}"
    occurrence.save(update_fields=["extended_due_date"])
