"""The node plan's page (节点计划): what it shows (`page_context`, the one builder of its context) and the
shape of every form posted from it (`in_scope`, `post_from_page`), for the views of reporting, review,
批示 and 催办 that act on a node plan. Every row comes through plans.access, so out of scope is 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from plans import access
from plans.change_history import milestone_activity
from plans.choices import ExtensionState, ReportState
from plans.forms import (
    ChaseForm,
    ExtensionRequestForm,
    ExtensionReviewForm,
    InstructionForm,
    ProgressReportForm,
    RagOverrideForm,
    ReportReviewForm,
    ResubmitReportForm,
    StatusForm,
)
from plans.queries import milestone_reports, task_queryset
from plans.tracking import occurrence_state
from plans.workflow import chasing
from plans.workflow.reporting import completes_no_deadline, reporting_unit
from talentplan.lib.params import page_param

REPORTS_PER_PAGE = 20


def milestone_detail(request, pk):
    milestone = get_object_or_404(
        task_queryset(request.user, include_archived=True)
        .prefetch_related("occurrences")
        .select_related("measure__item"),
        pk=pk,
    )
    return render(request, "plans/milestone_detail.html", page_context(request, milestone))


def page_context(request, milestone) -> dict:
    """Everything the node plan's page shows the user, with an empty form for each thing they may do;
    a view that redraws a failed form puts it in place of its empty one (post_from_page)."""
    user, today = request.user, timezone.localdate()
    # Long histories are paged; the deadline states need every approved occurrence, fetched as ids only.
    report_page = Paginator(milestone_reports(milestone), REPORTS_PER_PAGE).get_page(
        page_param(request.GET, "reports_page")
    )
    reports = list(report_page.object_list)
    approved = set(
        milestone.reports.filter(state=ReportState.APPROVED, occurrence__isnull=False).values_list(
            "occurrence_id", flat=True
        )
    )
    occurrences = [(o, *occurrence_state(o, today, approved)) for o in milestone.occurrences.all()]
    context = {
        "milestone": milestone,
        "today": today,
        "assignments": list(milestone.assignments.all()),
        "occurrences": occurrences,
        "reports": reports,
        "report_page": report_page,
        "instructions": access.instructions(user)
        .filter(milestone=milestone)
        .select_related("author")
        .prefetch_related("units"),
        "extensions": access.extensions(user)
        .filter(milestone=milestone)
        .select_related("unit", "requested_by", "reviewer", "occurrence"),
        "activity": milestone_activity(milestone),
        "extension_review_form": ExtensionReviewForm(),
        "ExtensionState": ExtensionState,
        "ReportState": ReportState,
    }
    if access.can(user, "report", milestone):
        context["is_lead_liaison"] = reporting_unit(user, milestone)[1]
        context["report_form"] = ProgressReportForm(milestone=milestone)
    if access.can(user, "request_extension", milestone):
        context["extension_form"] = ExtensionRequestForm(milestone=milestone)
    context["resubmit_forms"] = {
        r.pk: ResubmitReportForm(
            milestone=milestone,
            initial={
                "version": r.version,
                "status": r.status,
                "percent": r.percent,
                "narrative": r.narrative,
                "occurrence": r.occurrence_id,
            },
            prefix=f"r{r.pk}",
        )
        for r in reports
        if r.state == ReportState.RETURNED and access.can(user, "resubmit", r)
    }
    context["review_forms"] = {
        r.pk: ReportReviewForm(initial={"version": r.version}, prefix=f"v{r.pk}", warn=completes_no_deadline(r))
        for r in reports
        if r.state == ReportState.SUBMITTED and access.can(user, "review", r)
    }
    if access.can(user, "edit", milestone):
        context["status_form"] = StatusForm(
            initial={"version": milestone.version, "status": milestone.status, "percent": milestone.percent}
        )
        context["rag_form"] = RagOverrideForm(
            initial={
                "version": milestone.version,
                "rag": milestone.rag_override,
                "reason": milestone.rag_override_reason,
            }
        )
    if access.can(user, "instruct", milestone):
        context["instruction_form"] = InstructionForm(milestone=milestone)
        supervises = access.role_in(user, milestone.plan) == access.SUPERVISOR  # a 督查员 of a parent region
        context["instruction_verb"] = "留督办意见" if supervises else "作出批示"
    if access.can(user, "chase", milestone):
        context["chase_form"] = ChaseForm(initial={"key": chasing.new_request_key()})
    return context


def in_scope(request, queryset, pk, action, refusal="您没有执行此操作的权限。"):
    """The object if the user sees it (else 404) and may do this to it (else 403, with `refusal`)."""
    obj = get_object_or_404(queryset, pk=pk)
    access.require(request.user, action, obj, refusal)
    return obj


def _redraw(request, milestone, name: str, form, report_pk: int | None = None):
    """Show the detail page again with the bound form and its errors (status 400, nothing saved)."""
    milestone = task_queryset(request.user, include_archived=True).prefetch_related("occurrences").get(pk=milestone.pk)
    context = page_context(request, milestone)
    if report_pk is None:
        context[name] = form
    else:
        context.setdefault(name, {})[report_pk] = form
    messages.error(request, "提交的内容有误，请按提示修改后重新提交；本次未保存任何内容。")
    return render(request, "plans/milestone_detail.html", context, status=400)


def post_from_page(request, milestone, form, form_name, action, success, report_pk=None):
    """What every form posted from the node plan's page does: an invalid form → the page again with its
    errors (400, nothing saved); a service refusal → its message; else done. Back to the page."""
    if not form.is_valid():
        return _redraw(request, milestone, form_name, form, report_pk)
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(milestone)
