"""Read-only pages and JSON. Every queryset is scoped through visible_to(user); out of scope is 404."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from units.roles import Role, covered_unit_ids, user_role

from .activity import milestone_activity
from .choices import ExtensionState, Rag, ReportState, UnitRole
from .filtersets import MilestoneFilterSet
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
from .models import Evidence, ExtensionRequest, Instruction, Plan, ProgressReport
from .queries import milestone_reports, my_open_tasks, task_queryset
from .tables import MilestoneTable
from .tracking import occurrence_state


@login_required
def home(request):
    if user_role(request.user) == Role.LIAISON:
        return redirect("plans:my_tasks")
    plans = Plan.objects.active().select_related("region").annotate(
        milestone_count=Count("milestones", distinct=True),
        measure_count=Count("measures", distinct=True),
        indicator_count=Count("indicators", distinct=True),
    )
    archived = Plan.objects.archived().order_by("-archived_at") if user_role(request.user) == Role.STAFF else []
    return render(request, "plans/home.html", {"plans": plans, "archived_plans": archived})


class TaskListView(LoginRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    table_class = MilestoneTable
    filterset_class = MilestoneFilterSet
    template_name = "plans/milestone_list.html"
    paginate_by = 25
    export_formats = ("xlsx",)
    export_name = "节点计划清单"

    def get_queryset(self):
        return task_queryset(self.request.user)

    def get_table_kwargs(self):
        return {"exclude": ("measure",)} if self.request.GET.get("compact") else {}


@login_required
def my_tasks(request):
    tasks = list(my_open_tasks(request.user))
    today = timezone.localdate()
    return render(request, "plans/my_tasks.html", {"tasks": tasks, "today": today, "Rag": Rag})


def _detail_context(request, milestone):
    user, today = request.user, timezone.localdate()
    role = user_role(user)
    reports = list(milestone_reports(milestone))
    approved = {r.occurrence_id for r in reports if r.state == ReportState.APPROVED and r.occurrence_id}
    occurrences = [(o, *occurrence_state(o, today, approved)) for o in milestone.occurrences.all()]
    covered = covered_unit_ids(user) if role == Role.LIAISON else set()
    assignments = list(milestone.assignments.all())
    my_roles = {a.role for a in assignments if a.unit_id in covered}
    context = {
        "milestone": milestone,
        "role": role,
        "assignments": assignments,
        "occurrences": occurrences,
        "reports": reports,
        "instructions": Instruction.objects.filter(milestone=milestone).select_related("author"),
        "extensions": ExtensionRequest.objects.filter(milestone=milestone).select_related(
            "unit", "requested_by", "reviewer", "occurrence"
        ),
        "activity": milestone_activity(milestone),
        "is_lead_liaison": UnitRole.LEAD in my_roles,
        "is_co_liaison": bool(my_roles) and UnitRole.LEAD not in my_roles,
        "ExtensionState": ExtensionState,
        "ReportState": ReportState,
    }
    if my_roles:
        context["report_form"] = ProgressReportForm(milestone=milestone)
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
            if r.state == ReportState.RETURNED and r.unit_id in covered
        }
    if role == Role.STAFF and not milestone.plan.is_archived:  # an archived plan is read-only
        context["review_forms"] = {
            r.pk: ReviewForm(initial={"version": r.version}, prefix=f"v{r.pk}")
            for r in reports
            if r.state == ReportState.SUBMITTED
        }
        context["extension_review_form"] = ExtensionReviewForm()
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
    if role == Role.LEADER:
        context["instruction_form"] = InstructionForm()
    return context


@login_required
def milestone_detail(request, pk):
    milestone = get_object_or_404(
        task_queryset(request.user, include_archived=True)
        .prefetch_related("occurrences")
        .select_related("measure__item"),
        pk=pk,
    )
    return render(request, "plans/milestone_detail.html", _detail_context(request, milestone))


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


@login_required
def review_queue(request):
    if user_role(request.user) != Role.STAFF:
        raise Http404
    reports = (
        ProgressReport.objects.active()
        .filter(state=ReportState.SUBMITTED)
        .select_related("milestone__plan", "unit", "author")
        .order_by("submitted_at")
    )
    extensions = (
        ExtensionRequest.objects.active()
        .filter(state=ExtensionState.PENDING)
        .select_related("milestone__plan", "unit", "occurrence", "requested_by")
        .order_by("requested_at")
    )
    return render(request, "plans/review_queue.html", {"reports": reports, "extensions": extensions})


def _task_json(milestone):
    return {
        "id": milestone.pk,
        "plan": milestone.plan.code,
        "category": milestone.measure.item.category.name if milestone.measure.item.category else None,
        "measure": milestone.measure.text,
        "text": milestone.text,
        "due_text": milestone.due_text,
        "schedule_text": milestone.schedule_text,
        "status": milestone.status,
        "status_display": milestone.get_status_display(),
        "percent": milestone.percent,
        "rag": milestone.rag,
        "next_due": milestone.next_due.isoformat() if milestone.next_due else None,
        "units": [
            {"name": a.unit.name, "written_name": a.written_name, "role": a.role} for a in milestone.assignments.all()
        ],
    }


@login_required
def task_list_json(request):
    tasks = task_queryset(request.user).order_by("plan__code", "position")
    return JsonResponse({"tasks": [_task_json(m) for m in tasks]}, json_dumps_params={"ensure_ascii": False})


@login_required
def task_detail_json(request, pk):
    milestone = get_object_or_404(
        task_queryset(request.user, include_archived=True).prefetch_related(Prefetch("occurrences")), pk=pk
    )
    data = _task_json(milestone)
    data["occurrences"] = [
        {
            "label": o.label,
            "due_date": o.due_date.isoformat(),
            "effective_due_date": o.effective_due_date.isoformat(),
            "is_deadline": o.is_deadline,
            "completed_on": o.completed_on.isoformat() if o.completed_on else None,
        }
        for o in milestone.occurrences.all()
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
