"""JSON for the task list and one task, scoped exactly as the pages are."""

from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from plans.queries import task_queryset
from plans.task_columns import json_of
from talentplan.lib.params import ID_RANGE, bounded_int


def _task_json(milestone):
    """The task list's columns (plans.task_columns, each its own keys), and what only the API carries."""
    return {
        "id": milestone.pk,
        **json_of(milestone),
        "percent": milestone.percent,
        "units": [
            {"name": a.unit.name, "written_name": a.written_name, "role": a.role} for a in milestone.assignments.all()
        ],
    }


API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 500


def _cursor(milestone) -> str:
    return f"{milestone.plan_id}.{milestone.position}"


def _parse_cursor(text: str):
    """(plan_id, position) from an opaque 'plan.position' cursor, or None when it is not one."""
    plan_id, _, position = text.partition(".")
    plan_id, position = bounded_int(plan_id, *ID_RANGE), bounded_int(position, 0, ID_RANGE[1])
    if plan_id is None or position is None:
        return None
    return plan_id, position


def task_list_json(request):
    """Cursor pagination over (plan, position), the unique index the rows are read in: every page costs
    the same, however deep, and a row added meanwhile is neither skipped nor repeated."""
    limit = bounded_int(request.GET.get("limit", ""), 0, ID_RANGE[1])
    limit = API_PAGE_SIZE if limit is None else min(max(limit, 1), API_MAX_PAGE_SIZE)
    tasks = task_queryset(request.user).order_by("plan_id", "position")
    after = request.GET.get("cursor", "")
    if after:
        position = _parse_cursor(after)
        if position is None:
            return JsonResponse({"error": "cursor 参数无效，请使用上一页返回的 next 链接。"}, status=400)
        plan_id, position = position
        tasks = tasks.filter(Q(plan_id__gt=plan_id) | Q(plan_id=plan_id, position__gt=position))
    rows = list(tasks[: limit + 1])
    next_url = None
    if len(rows) > limit:
        rows = rows[:limit]
        query = request.GET.copy()
        query["cursor"] = _cursor(rows[-1])
        next_url = f"{request.path}?{query.urlencode()}"
    return JsonResponse(
        {"tasks": [_task_json(m) for m in rows], "next": next_url}, json_dumps_params={"ensure_ascii": False}
    )


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
