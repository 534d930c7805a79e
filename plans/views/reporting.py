"""Reporting and review on the node plan's page: thin POST views over plans.workflow.reporting (find the object
in scope, 404; ask plans.access, 403; validate; call the service), in the shape of plans.views.node_plan."""

from django.views.decorators.http import require_POST

from plans import access, audience
from plans.choices import ReportState
from plans.forms import (
    ExtensionRequestForm,
    ExtensionReviewForm,
    ProgressReportForm,
    RagOverrideForm,
    ReportReviewForm,
    ResubmitReportForm,
    StatusForm,
)
from plans.views.node_plan import in_scope, post_from_page
from plans.workflow import reporting

REPORT_FIELDS = ("status", "percent", "narrative", "occurrence")


def _report_input(data):
    return reporting.ReportInput(**{name: data[name] for name in REPORT_FIELDS})


@require_POST
def report_create(request, pk):
    milestone = in_scope(request, access.milestones(request.user), pk, "report")
    form = ProgressReportForm(request.POST, request.FILES, milestone=milestone)

    def submitted(report):
        if report.state == ReportState.SHARED:
            leads = "、".join(unit.name for unit in audience.lead_units(report.milestone))
            return f"已将本单位（{report.unit}）的反馈送交牵头单位（{leads}）汇总。"
        return "进展报告已提交，等待组织部审核。"

    return post_from_page(
        request,
        milestone,
        form,
        "report_form",
        lambda d: reporting.submit_report(request.user, milestone, _report_input(d), d["files"]),
        submitted,
    )


@require_POST
def report_resubmit(request, pk):
    report = in_scope(request, access.reports(request.user), pk, "resubmit")
    form = ResubmitReportForm(request.POST, request.FILES, milestone=report.milestone, prefix=f"r{report.pk}")
    return post_from_page(
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
    report = in_scope(request, access.reports(request.user), pk, "review")
    form = ReportReviewForm(request.POST, prefix=f"v{report.pk}", warn=reporting.completes_no_deadline(report))
    return post_from_page(
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
    milestone = in_scope(request, access.milestones(request.user), pk, "edit")
    return post_from_page(
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
    milestone = in_scope(request, access.milestones(request.user), pk, "edit")
    return post_from_page(
        request,
        milestone,
        RagOverrideForm(request.POST),
        "rag_form",
        lambda d: reporting.override_rag(request.user, milestone, d["rag"], d["reason"], d["version"]),
        "灯色已更新。",
    )


@require_POST
def extension_create(request, pk):
    milestone = in_scope(
        request, access.milestones(request.user), pk, "request_extension", reporting.EXTENSION_LEAD_ONLY
    )
    return post_from_page(
        request,
        milestone,
        ExtensionRequestForm(request.POST, milestone=milestone),
        "extension_form",
        lambda d: reporting.request_extension(
            request.user,
            milestone,
            d["occurrence"],
            d["requested_due_date"],
            d["reason"],
            d.get("beyond_plan_confirmed", False),
        ),
        "延期申请已提交，等待组织部审批。",
    )


@require_POST
def extension_review(request, pk):
    extension = in_scope(request, access.extensions(request.user), pk, "review")
    return post_from_page(
        request,
        extension.milestone,
        ExtensionReviewForm(request.POST),
        "extension_review_form",
        lambda d: reporting.review_extension(request.user, extension, d["decision"] == "approve", d["comment"]),
        lambda e: "已批准延期，新的截止日期已生效。" if e.state == "approved" else "已不批准该延期申请。",
    )
