"""Thin POST views: validate the form, call the service in plans.reporting, say what happened in Chinese."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from units.roles import Role, user_role

from . import reporting
from .forms import (
    ExtensionRequestForm,
    ExtensionReviewForm,
    InstructionForm,
    ProgressReportForm,
    RagOverrideForm,
    ResubmitReportForm,
    ReviewForm,
    StatusForm,
)
from .models import ExtensionRequest, Milestone, ProgressReport
from .queries import task_queryset
from .views import _detail_context


def _require_role(user, *roles):
    if user_role(user) not in roles:
        raise PermissionDenied("您没有执行此操作的权限。")


def _back(milestone_id):
    return redirect("plans:milestone", pk=milestone_id)


def _rerender(request, milestone, name: str, form, report_pk: int | None = None):
    """Show the detail page again with the bound form and its errors (status 400, nothing saved)."""
    milestone = task_queryset(request.user).prefetch_related("occurrences").get(pk=milestone.pk)
    context = _detail_context(request, milestone)
    if report_pk is None:
        context[name] = form
    else:
        context.setdefault(name, {})[report_pk] = form
    messages.error(request, "提交的内容有误，请按提示修改后重新提交；本次未保存任何内容。")
    return render(request, "plans/milestone_detail.html", context, status=400)


def _service_error(request, milestone_id, exc: ValidationError):
    messages.error(request, "；".join(exc.messages))
    return _back(milestone_id)


def _scoped_milestone(request, pk):
    """Reports and extension requests come from the liaisons of the node plan's units."""
    _require_role(request.user, Role.LIAISON)
    return get_object_or_404(Milestone.objects.editable_by(request.user), pk=pk)


@login_required
@require_POST
def report_create(request, pk):
    milestone = _scoped_milestone(request, pk)
    form = ProgressReportForm(request.POST, request.FILES, milestone=milestone)
    if not form.is_valid():
        return _rerender(request, milestone, "report_form", form)
    data = reporting.ReportInput(**{k: form.cleaned_data[k] for k in ("status", "percent", "narrative", "occurrence")})
    try:
        report = reporting.submit_report(request.user, milestone, data, form.cleaned_data["files"])
    except ValidationError as exc:
        return _service_error(request, milestone.pk, exc)
    if report.state == "shared":
        messages.success(request, f"已将本单位的反馈送交牵头单位汇总（{report.unit}）。")
    else:
        messages.success(request, "进展报告已提交，等待组织部审核。")
    return _back(milestone.pk)


@login_required
@require_POST
def report_resubmit(request, pk):
    _require_role(request.user, Role.LIAISON)
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)
    milestone = report.milestone
    form = ResubmitReportForm(request.POST, request.FILES, milestone=milestone, prefix=f"r{report.pk}")
    if not form.is_valid():
        return _rerender(request, milestone, "resubmit_forms", form, report.pk)
    data = reporting.ReportInput(**{k: form.cleaned_data[k] for k in ("status", "percent", "narrative", "occurrence")})
    try:
        reporting.resubmit_report(request.user, report, data, form.cleaned_data["version"], form.cleaned_data["files"])
    except ValidationError as exc:
        return _service_error(request, milestone.pk, exc)
    messages.success(request, "修改后的进展报告已重新提交。")
    return _back(milestone.pk)


@login_required
@require_POST
def report_review(request, pk):
    _require_role(request.user, Role.STAFF)
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user), pk=pk)
    form = ReviewForm(request.POST, prefix=f"v{report.pk}")
    if not form.is_valid():
        return _rerender(request, report.milestone, "review_forms", form, report.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        reporting.review_report(
            request.user, report, approve, form.cleaned_data["comment"], form.cleaned_data["version"]
        )
    except ValidationError as exc:
        return _service_error(request, report.milestone_id, exc)
    messages.success(request, "已审核通过，节点计划状态已更新。" if approve else "已退回，报送单位将看到退回意见。")
    return _back(report.milestone_id)


@login_required
@require_POST
def milestone_status(request, pk):
    _require_role(request.user, Role.STAFF)
    milestone = get_object_or_404(Milestone.objects.editable_by(request.user), pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _rerender(request, milestone, "status_form", form)
    data = form.cleaned_data
    try:
        reporting.update_status(
            request.user, milestone, data["status"], data["percent"], data["version"], data["reason"]
        )
    except ValidationError as exc:
        return _service_error(request, milestone.pk, exc)
    messages.success(request, "状态已更新。")
    return _back(milestone.pk)


@login_required
@require_POST
def milestone_rag(request, pk):
    _require_role(request.user, Role.STAFF)
    milestone = get_object_or_404(Milestone.objects.editable_by(request.user), pk=pk)
    form = RagOverrideForm(request.POST)
    if not form.is_valid():
        return _rerender(request, milestone, "rag_form", form)
    data = form.cleaned_data
    try:
        reporting.override_rag(request.user, milestone, data["rag"], data["reason"], data["version"])
    except ValidationError as exc:
        return _service_error(request, milestone.pk, exc)
    messages.success(request, "灯色已更新。")
    return _back(milestone.pk)


@login_required
@require_POST
def extension_create(request, pk):
    milestone = _scoped_milestone(request, pk)
    form = ExtensionRequestForm(request.POST, milestone=milestone)
    if not form.is_valid():
        return _rerender(request, milestone, "extension_form", form)
    data = form.cleaned_data
    try:
        reporting.request_extension(
            request.user, milestone, data["occurrence"], data["requested_due_date"], data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return _back(milestone.pk)
    messages.success(request, "延期申请已提交，等待组织部审批。")
    return _back(milestone.pk)


@login_required
@require_POST
def extension_review(request, pk):
    _require_role(request.user, Role.STAFF)
    extension = get_object_or_404(ExtensionRequest.objects.visible_to(request.user), pk=pk)
    form = ExtensionReviewForm(request.POST)
    if not form.is_valid():
        return _rerender(request, extension.milestone, "extension_review_form", form)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        reporting.review_extension(request.user, extension, approve, form.cleaned_data["comment"])
    except ValidationError as exc:
        return _service_error(request, extension.milestone_id, exc)
    messages.success(request, "已批准延期，新的截止日期已生效。" if approve else "已不批准该延期申请。")
    return _back(extension.milestone_id)


@login_required
@require_POST
def instruction_create(request, pk):
    _require_role(request.user, Role.LEADER)
    milestone = get_object_or_404(Milestone.objects.visible_to(request.user), pk=pk)
    form = InstructionForm(request.POST)
    if not form.is_valid():
        return _rerender(request, milestone, "instruction_form", form)
    reporting.leave_instruction(request.user, milestone, form.cleaned_data["text"])
    messages.success(request, "批示已保存。")
    return _back(milestone.pk)
