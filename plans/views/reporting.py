"""Thin POST views: find the object in scope (404), ask plans.access (403), validate, call the service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from plans import access, audience
from plans.choices import ReportState
from plans.forms import (
    ExtensionRequestForm,
    ExtensionReviewForm,
    InstructionForm,
    ProgressReportForm,
    RagOverrideForm,
    ReportReviewForm,
    ResubmitReportForm,
    StatusForm,
)
from plans.queries import task_queryset
from plans.views.tasks import _detail_context
from plans.workflow import instructions, reporting

REPORT_FIELDS = ("status", "percent", "narrative", "occurrence")


def _in_scope(request, queryset, pk, action, refusal="您没有执行此操作的权限。"):
    """The object if the user sees it (else 404) and may do this to it (else 403, with `refusal`)."""
    obj = get_object_or_404(queryset, pk=pk)
    access.require(request.user, action, obj, refusal)
    return obj


def _rerender(request, milestone, name: str, form, report_pk: int | None = None):
    """Show the detail page again with the bound form and its errors (status 400, nothing saved)."""
    milestone = task_queryset(request.user, include_archived=True).prefetch_related("occurrences").get(pk=milestone.pk)
    context = _detail_context(request, milestone)
    if report_pk is None:
        context[name] = form
    else:
        context.setdefault(name, {})[report_pk] = form
    messages.error(request, "提交的内容有误，请按提示修改后重新提交；本次未保存任何内容。")
    return render(request, "plans/milestone_detail.html", context, status=400)


def _handle(request, milestone, form, form_name, action, success, report_pk=None):
    """The shape every action shares: invalid form → page with errors; service refusal → message; else done."""
    if not form.is_valid():
        return _rerender(request, milestone, form_name, form, report_pk)
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(milestone)


def _report_input(data):
    return reporting.ReportInput(**{name: data[name] for name in REPORT_FIELDS})


@require_POST
def report_create(request, pk):
    milestone = _in_scope(request, access.milestones(request.user), pk, "report")
    form = ProgressReportForm(request.POST, request.FILES, milestone=milestone)

    def submitted(report):
        if report.state == ReportState.SHARED:
            leads = "、".join(unit.name for unit in audience.lead_units(report.milestone))
            return f"已将本单位（{report.unit}）的反馈送交牵头单位（{leads}）汇总。"
        return "进展报告已提交，等待组织部审核。"

    return _handle(
        request,
        milestone,
        form,
        "report_form",
        lambda d: reporting.submit_report(request.user, milestone, _report_input(d), d["files"]),
        submitted,
    )


@require_POST
def report_resubmit(request, pk):
    report = _in_scope(request, access.reports(request.user), pk, "resubmit")
    form = ResubmitReportForm(request.POST, request.FILES, milestone=report.milestone, prefix=f"r{report.pk}")
    return _handle(
        request,
        report.milestone,
        form,
        "resubmit_forms",
        lambda d: reporting.resubmit_report(request.user, report, _report_input(d), d["version"], d["files"]),
        "修改后的进展报告已重新提交。",
        report_pk=report.pk,
    )


@require_POST
def report_review(request, pk):
    report = _in_scope(request, access.reports(request.user), pk, "review")
    form = ReportReviewForm(request.POST, prefix=f"v{report.pk}", warn=reporting.completes_no_deadline(report))
    return _handle(
        request,
        report.milestone,
        form,
        "review_forms",
        lambda d: reporting.review_report(
            request.user,
            report,
            d["decision"] == "approve",
            d["comment"],
            d["version"],
            confirm_no_deadline=d.get("confirm_no_deadline", False),
        ),
        lambda r: (
            "已审核通过，节点计划状态已更新。"
            if r.state == ReportState.APPROVED
            else "已退回，报送单位将看到退回意见。"
        ),
        report_pk=report.pk,
    )


@require_POST
def milestone_status(request, pk):
    milestone = _in_scope(request, access.milestones(request.user), pk, "edit")
    return _handle(
        request,
        milestone,
        StatusForm(request.POST),
        "status_form",
        lambda d: reporting.update_status(
            request.user, milestone, d["status"], d["percent"], d["version"], d["reason"]
        ),
        "状态已更新。",
    )


@require_POST
def milestone_rag(request, pk):
    milestone = _in_scope(request, access.milestones(request.user), pk, "edit")
    return _handle(
        request,
        milestone,
        RagOverrideForm(request.POST),
        "rag_form",
        lambda d: reporting.override_rag(request.user, milestone, d["rag"], d["reason"], d["version"]),
        "灯色已更新。",
    )


@require_POST
def extension_create(request, pk):
    milestone = _in_scope(
        request, access.milestones(request.user), pk, "request_extension", reporting.EXTENSION_LEAD_ONLY
    )
    return _handle(
        request,
        milestone,
        ExtensionRequestForm(request.POST, milestone=milestone),
        "extension_form",
        lambda d: reporting.request_extension(
            request.user, milestone, d["occurrence"], d["requested_due_date"], d["reason"]
        ),
        "延期申请已提交，等待组织部审批。",
    )


@require_POST
def extension_review(request, pk):
    extension = _in_scope(request, access.extensions(request.user), pk, "review")
    return _handle(
        request,
        extension.milestone,
        ExtensionReviewForm(request.POST),
        "extension_review_form",
        lambda d: reporting.review_extension(request.user, extension, d["decision"] == "approve", d["comment"]),
        lambda e: "已批准延期，新的截止日期已生效。" if e.state == "approved" else "已不批准该延期申请。",
    )


@require_POST
def instruction_create(request, pk):
    milestone = _in_scope(request, access.milestones(request.user), pk, "instruct")
    return _handle(
        request,
        milestone,
        InstructionForm(request.POST, milestone=milestone),
        "instruction_form",
        lambda d: instructions.give_instruction(request.user, milestone, d["text"], d["units"], d["reply_by"]),
        "批示已送承办单位，反馈后由组织部办结。",
    )
