"""JSON for the task list and one task, scoped exactly as the pages are."""

from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from ..queries import task_queryset
from ..tracking import period_status


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
        "status_display": period_status(milestone),
        "percent": milestone.percent,
        "rag": milestone.rag,
        "next_due": milestone.next_due.isoformat() if milestone.next_due else None,
        "units": [
            {"name": a.unit.name, "written_name": a.written_name, "role": a.role} for a in milestone.assignments.all()
        ],
    }


def task_list_json(request):
    tasks = task_queryset(request.user).order_by("plan__code", "position")
    return JsonResponse({"tasks": [_task_json(m) for m in tasks]}, json_dumps_params={"ensure_ascii": False})


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
            "outcome": o.outcome,
        }
        for o in milestone.occurrences.all()
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
