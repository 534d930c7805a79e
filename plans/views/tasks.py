"""Read-only pages over node plans. Every row comes through plans.access, so out of scope is 404."""

import tempfile

from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from audit.choices import Action
from audit.log import record, record_response
from plans import access
from plans.choices import Rag
from plans.excel.task_export import ordered_rows
from plans.filtersets import MilestoneFilterSet, MyTaskFilterSet
from plans.queries import my_indicators, my_open_tasks, task_queryset
from plans.tables import MilestoneTable, listed_page
from plans.task_columns import BY_NAME
from plans.workflow.instructions import open_instructions
from talentplan.lib.downloads import stored_file
from talentplan.lib.params import page_param
from talentplan.lib.xlsx import stream_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def home(request):
    if access.can(request.user, "my_tasks"):
        return redirect("plans:my_tasks")
    plans = (
        access.plans(request.user)
        .active()
        .select_related("region")
        .annotate(
            milestone_count=Count("milestones", distinct=True),
            measure_count=Count("measures", distinct=True),
            indicator_count=Count("indicators", distinct=True),
        )
    )
    archived = access.plans(request.user).archived().order_by("-archived_at")  # staff only: see access.plans
    return render(request, "plans/home.html", {"plans": plans, "archived_plans": archived})


class TaskListView(SingleTableMixin, FilterView):
    table_class = MilestoneTable
    filterset_class = MilestoneFilterSet
    template_name = "plans/milestone_list.html"
    paginate_by = None  # the table paginates (and counts) once; ListView's own paging would count again
    table_pagination = {"per_page": 25}
    export_name = "节点计划清单"

    def get_queryset(self):
        return task_queryset(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        # How many filters are in force: shown on the phone's folded 筛选 button.
        context["filter_count"] = sum(1 for name in self.filterset.filters if self.request.GET.get(name))
        return context

    def get_table_kwargs(self):
        # A text search costs its COUNT as much as its page: read both in one query (tables.counted_page_ids).
        # row_source: the filterset's unfiltered task_queryset, not a second one built (with_tracking is not free).
        kwargs = {"row_source": self.filterset.queryset, "count_with_page": bool(self.request.GET.get("q"))}
        return {**kwargs, "exclude": ("measure",)} if self.request.GET.get("compact") else kwargs

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("_export") == "xlsx":
            return self.export_xlsx()
        return super().render_to_response(context, **kwargs)

    def export_xlsx(self):
        """What is filtered, in the order shown, every row (not one page), streamed through the shared
        writer so no cell is ever a formula. Rows are read in chunks of primary keys (task_export), not
        rendered cell by cell through the table."""
        table = self.get_table_class()(data=self.object_list, **self.get_table_kwargs())
        RequestConfig(self.request, paginate=False).configure(table)
        shown = [BY_NAME[column.name] for column in table.columns]  # e.g. compact leaves 工作举措 out
        header, widths = [c.header for c in shown], {c.header: c.width for c in shown}
        rows = ordered_rows(table.data.data, shown)
        handle = tempfile.TemporaryFile()
        # The page header names the plan when the list is one plan's (issue 21: printed, it says what it is).
        titles = list(self.object_list.order_by().values_list("plan__title", flat=True).distinct()[:2])
        title = f"{titles[0]} {self.export_name}" if len(titles) == 1 else self.export_name
        stream_xlsx(handle, [("节点计划清单", header, rows)], widths=widths, print_title=title)
        handle.seek(0)
        stamp = timezone.localdate().strftime("%Y%m%d")
        filename = f"{self.export_name}（{stamp}）.xlsx"
        query = self.request.GET.urlencode()
        record(Action.EXPORT, request=self.request, target=filename, detail=f"筛选条件：{query}" if query else "")
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


MY_TASKS_PER_PAGE = 30


def my_tasks(request):
    filterset = MyTaskFilterSet(request.GET or None, queryset=my_open_tasks(request.user), request=request)
    tasks = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = listed_page(tasks, MY_TASKS_PER_PAGE, page_param(request.GET))  # ids first, one narrow query
    today = timezone.localdate()
    context = {
        "page": page,
        "tasks": page.object_list,
        "today": today,
        "Rag": Rag,
        "filter": filterset,
        "filter_count": sum(1 for name in filterset.filters if request.GET.get(name)),
        "open_instructions": open_instructions(request.user),
        "indicators": my_indicators(request.user, today),
    }
    return render(request, "plans/my_tasks.html", context)


def evidence_download(request, pk):
    evidence = get_object_or_404(access.evidence(request.user), pk=pk)
    response = stored_file(request, evidence.file, evidence.original_name)
    target = f"佐证材料：{evidence.original_name}"
    return record_response(Action.EVIDENCE_VIEW, request, response, target=target, obj=evidence)
