from dataclasses import dataclass

import django_tables2 as tables
from django.core.paginator import Page, Paginator
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from plans.choices import Rag
from plans.models import Milestone
from plans.task_columns import BY_NAME, TASK_COLUMNS, ModelRow, TaskColumn, rag_badge
from talentplan.lib.dates import cn_date

PER_PAGE_DEFAULT, PER_PAGE_MAX = 25, 500
COUNT_CAP = 10_000  # a text search counts its matches up to here, then says "1万+" (counted_page_ids)
COUNT_CAP_LABEL = "1万+"
# Sorting by light puts the worst first: red, then yellow, green, and grey (paused) last.
RAG_RANK = Case(
    When(rag=Rag.RED, then=Value(0)),
    When(rag=Rag.YELLOW, then=Value(1)),
    When(rag=Rag.GREEN, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def lead_unit_names(milestone) -> str:
    """The 牵头单位 of a node plan as the document names them (assignments prefetched by task_queryset)."""
    return "、".join(ModelRow(milestone).lead_names)


class TaskColumnCell(tables.Column):
    """One column of the task list's declaration (plans.task_columns): its header, sorting and cell."""

    def __init__(self, column: TaskColumn):
        self.column = column
        super().__init__(
            verbose_name=column.header,
            accessor="pk",  # the cell is drawn from the whole row (render), never looked up by name
            empty_values=(),
            orderable=column.order_by is not None,
            order_by=column.order_by,
            attrs=column.attrs,
        )

    def render(self, record):
        return self.column.cell(ModelRow(record), record.get_absolute_url())


class MilestoneTable(tables.Table):
    """The task list; its columns are TASK_COLUMNS (added below the class), as are the Excel's and the JSON's."""

    class Meta:
        sequence = [column.name for column in TASK_COLUMNS]
        order_by = ("plan", "position")
        template_name = "plans/includes/milestone_table.html"  # the rows below, drawn once for table and cards
        empty_text = "没有符合条件的节点计划。"
        attrs = {"class": "table table-sm table-hover align-top bg-white"}

    def __init__(self, *args, row_source=None, count_with_page=False, **kwargs):
        # The page's rows are read from row_source (the scoped, annotated node plans without the filters that
        # chose the ids: a text search's unions need not run twice); by default from the filtered data.
        self.row_source = row_source
        self.count_with_page = count_with_page
        self.count_capped = False  # more than COUNT_CAP matches (counted_page_ids)
        self.count_cap_label = COUNT_CAP_LABEL
        super().__init__(*args, **kwargs)

    @cached_property
    def shown_rows(self) -> list["ShownRow"]:
        """The page's rows, each drawn once for both the table (its <td> cells) and the phone cards. Drawing
        them through django-tables2 cell by cell, then again in the cards' template, cost /tasks/ about a quarter
        of its time at 10k (issue 13: 72 → 55 ms). The cells are the columns' own (TaskColumn.cell), the same
        django-tables2 draws (tests/test_tables.py)."""
        columns = [(BY_NAME[column.name], column.attrs["td"].as_html()) for column in self.columns]
        rows = []
        for index, record in enumerate(row.record for row in self.paginated_rows):
            url, flat = record.get_absolute_url(), ModelRow(record)
            row = ShownRow(
                record=record,
                url=url,
                parity="odd" if index % 2 else "even",
                rag_badge=rag_badge(record.rag),
                lead_units="、".join(flat.lead_names),
                next_due=cn_date(record.next_due),
            )
            row.cells = mark_safe("".join(f"<td {attrs}>{column.cell(flat, url)}</td>" for column, attrs in columns))
            rows.append(row)
        return rows

    def order_rag(self, queryset, is_descending):
        rank = RAG_RANK.desc() if is_descending else RAG_RANK.asc()
        return queryset.order_by(rank, F("next_due").asc(nulls_last=True), "plan__code", "position"), True

    def order_due(self, queryset, is_descending):
        """The nearest (or, descending, the furthest) deadline first; no deadline last either way."""
        due = F("next_due").desc(nulls_last=True) if is_descending else F("next_due").asc(nulls_last=True)
        return queryset.order_by(due, "plan__code", "position"), True

    def order_next_due(self, queryset, is_descending):
        return self.order_due(queryset, is_descending)

    def paginate(self, *args, per_page=None, **kwargs):
        # django-tables2 passes ?per_page=… as given: a negative one raises EmptyPage, a huge one loads all rows.
        per_page = min(max(per_page or PER_PAGE_DEFAULT, 1), PER_PAGE_MAX)
        ids = self.counted_page_ids(kwargs.get("page", 1), per_page)
        super().paginate(*args, per_page=per_page, **kwargs)
        shown = self.page.object_list  # BoundRows over the sliced queryset
        shown.data = page_rows(self.row_source if self.row_source is not None else self.data.data, shown.data, ids)
        return self

    def counted_page_ids(self, page, per_page):
        """The page's ids and how many match, counted up to COUNT_CAP (a text search, when asked). A word in
        most texts matched nearly every node plan: counting them all (issue 13's COUNT(*) OVER () window) was
        most of the page's time (issue 22); past the cap the list says "1万+" and pages through the first
        COUNT_CAP. None when the page is out of range or nothing matches: the paginator counts and says so."""
        data = self.data.data
        if not self.count_with_page:
            return None
        try:
            number = int(page)
        except (TypeError, ValueError):
            return None
        if number < 1 or not isinstance(data, QuerySet):
            return None
        bottom = (number - 1) * per_page
        if bottom >= COUNT_CAP:
            return None
        ids = list(data.values_list("pk", flat=True)[bottom : bottom + per_page])
        if not ids:
            return None
        matching = data.order_by().values("pk")[: COUNT_CAP + 1].count()  # SELECT COUNT(*) FROM (… LIMIT)
        self.count_capped = matching > COUNT_CAP
        self.data._length = min(matching, COUNT_CAP)  # what django-tables2's TableQuerysetData caches its count() in
        return ids


MilestoneTable.base_columns.update((column.name, TaskColumnCell(column)) for column in TASK_COLUMNS)


@dataclass(slots=True)
class ShownRow:
    record: Milestone
    url: str
    parity: str  # django-tables2's even/odd row class
    rag_badge: SafeString | str
    lead_units: str
    next_due: str  # 2024年6月30日, or blank
    cells: SafeString = mark_safe("")


def listed_page(queryset, per_page, number) -> Page:
    """A Paginator's page of `queryset`, ids first (page_rows): every matching id in order by the narrow query
    (filters and the sort: no per-row subqueries, no joined columns), which is also the count, then the
    page's rows with everything shown. For a list one unit answers for (我的任务: thousands of ids at most,
    sorted by a computed rank no index serves). Not LIMITed on purpose: with a LIMIT, PostgreSQL sorted every
    open node plan to stop early, then probed each for the unit (issue 13: 116 ms at 100k, 32 ms without;
    a COUNT(*) OVER () window, 276 ms); the one wide query with a separate COUNT took about 80 ms."""
    page = Paginator(list(queryset.values_list("pk", flat=True)), per_page).get_page(number)
    page.object_list = page_rows(queryset, None, list(page.object_list))
    return page


def page_rows(queryset, page, ids=None):
    """A page in two steps: the page's ids by the narrow sort (filters and ORDER BY only: no per-row
    subqueries, no joined columns), unless already read, then those rows with everything the table shows.
    One wide query sorted every visible node plan with all its joined columns before its LIMIT (issue 13)."""
    if ids is None:
        if not isinstance(page, QuerySet):
            return page
        ids = list(page.values_list("pk", flat=True))
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
    return [rows[pk] for pk in ids if pk in rows]
