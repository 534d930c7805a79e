from dataclasses import dataclass

import django_tables2 as tables
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When, Window
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from plans.choices import Rag, UnitRole
from plans.models import Milestone
from plans.tracking import period_status
from talentplan.lib.dates import cn_date, cn_datetime

PER_PAGE_DEFAULT, PER_PAGE_MAX = 25, 500
NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}
# Sorting by light puts the worst first: red, then yellow, green, and grey (paused) last.
RAG_RANK = Case(
    When(rag=Rag.RED, then=Value(0)),
    When(rag=Rag.YELLOW, then=Value(1)),
    When(rag=Rag.GREEN, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
RAG_BADGE = {Rag.GREEN: "success", Rag.YELLOW: "warning", Rag.RED: "danger", Rag.GREY: "secondary"}


def rag_badge(value) -> str:
    if not value:
        return ""
    return format_html('<span class="badge rounded-pill text-bg-{}">{}</span>', RAG_BADGE[value], Rag(value).label)


def lead_unit_names(milestone) -> str:
    """The 牵头单位 of a node plan as the document names them (assignments prefetched by task_queryset)."""
    return "、".join(a.export_name for a in milestone.assignments.all() if a.role == UnitRole.LEAD)


class MilestoneTable(tables.Table):
    # position too: Meta.order_by's "position" names no column, so rows within a plan came unordered.
    plan = tables.Column("行动计划", accessor="plan__title", order_by=("plan__issue_date", "plan__code", "position"))
    category = tables.Column("工作任务", accessor="measure__item__category__name", default="—")
    measure = tables.Column("工作举措", accessor="measure__text", attrs={"td": {"class": "small"}})
    text = tables.Column("节点计划", linkify=True)  # Milestone.get_absolute_url
    due = tables.Column("完成时间", accessor="due_text", order_by=("next_due",), empty_values=(), attrs=NOWRAP)
    lead_units = tables.Column("牵头单位", empty_values=(), orderable=False)
    status = tables.Column("状态", attrs=NOWRAP)
    rag = tables.Column("灯色", order_by=("rag",), attrs=NOWRAP)
    last_report_at = tables.Column(verbose_name="最近报送", default="—", attrs=NOWRAP)
    next_due = tables.Column(verbose_name="下一截止日", default="—", attrs=NOWRAP)

    class Meta:
        model = Milestone
        fields = [
            "plan",
            "category",
            "measure",
            "text",
            "due",
            "lead_units",
            "status",
            "rag",
            "last_report_at",
            "next_due",
        ]
        sequence = fields
        order_by = ("plan", "position")
        template_name = "plans/includes/milestone_table.html"  # the rows below, drawn once for table and cards
        empty_text = "没有符合条件的节点计划。"
        attrs = {"class": "table table-sm table-hover align-top bg-white"}

    def __init__(self, *args, row_source=None, count_with_page=False, **kwargs):
        # The page's rows are read from row_source (the scoped, annotated node plans without the filters that
        # chose the ids: a text search's unions need not run twice); by default from the filtered data.
        self.row_source = row_source
        self.count_with_page = count_with_page
        super().__init__(*args, **kwargs)

    @cached_property
    def shown_rows(self) -> list["ShownRow"]:
        """The page's rows, each drawn once for both the table (its <td> cells) and the phone cards. Drawing
        them through django-tables2 cell by cell, then again in the cards' template, cost /tasks/ about a quarter
        of its time at 10k (issue 13: 72 → 55 ms). The cells are django-tables2's (tests/test_list_drawing.py)."""
        columns = [(column.name, column.attrs["td"].as_html(), column.default) for column in self.columns]
        rows = []
        for index, record in enumerate(row.record for row in self.paginated_rows):
            url = record.get_absolute_url()
            row = ShownRow(
                record=record,
                url=url,
                parity="odd" if index % 2 else "even",
                rag_badge=rag_badge(record.rag),
                lead_units=lead_unit_names(record),
                next_due=cn_date(record.next_due),
            )
            row.cells = mark_safe(
                "".join(f"<td {attrs}>{self._cell(name, row, default)}</td>" for name, attrs, default in columns)
            )
            rows.append(row)
        return rows

    def _cell(self, name, row, default):
        """One cell's HTML, as django-tables2 would draw it: the column's default for an empty value."""
        record = row.record
        if name == "plan":
            value = record.plan.title
        elif name == "category":
            category = record.measure.item.category
            value = category.name if category is not None else None
        elif name == "measure":
            value = record.measure.text and self.render_measure(record.measure.text)
        elif name == "text":
            value = record.text and format_html('<a href="{}">{}</a>', row.url, self.render_text(record.text))
        elif name == "due":
            return conditional_escape(self.render_due(record))  # empty_values=(): never the default
        elif name == "lead_units":
            return conditional_escape(row.lead_units)  # empty_values=()
        elif name == "status":
            value = period_status(record)
        elif name == "rag":
            value = row.rag_badge
        elif name == "last_report_at":
            value = cn_date(record.last_report_at) if record.last_report_at is not None else None
        elif name == "next_due":
            value = row.next_due if record.next_due is not None else None
        else:  # a column added later and not taught here: django-tables2's own drawing
            return conditional_escape(tables.rows.BoundRow(record, table=self).get_cell(name))
        return conditional_escape(default if value in (None, "") else value)

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
        """The page's ids and, in the same query (COUNT(*) OVER ()), how many match: the filters (a text
        search's unions above all) run once, not once for the ids and again for the paginator's COUNT
        (issue 13). None when the page is out of range or nothing matches: the paginator counts and says so.
        Only when asked (a text search): over every node plan, the window made PostgreSQL sort them all
        before the LIMIT, slower than the COUNT it saved."""
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
        rows = list(
            data.annotate(matching=Window(Count("pk"))).values_list("pk", "matching")[bottom : bottom + per_page]
        )
        if not rows:
            return None
        self.data._length = rows[0][1]  # what django-tables2's TableQuerysetData caches its count() in
        return [pk for pk, _ in rows]

    def render_measure(self, value):
        return value if len(value) <= 60 else value[:60] + "…"

    def render_text(self, value):
        return value if len(value) <= 80 else value[:80] + "…"

    def render_due(self, record):
        return record.due_text or f"{record.schedule_text}（推定）"

    def render_lead_units(self, record):
        return lead_unit_names(record)

    def value_lead_units(self, record):
        return lead_unit_names(record)

    def render_last_report_at(self, value):
        return cn_date(value)

    def render_next_due(self, value):
        return cn_date(value)

    def render_status(self, record):
        return period_status(record)

    def value_status(self, record):
        return period_status(record)

    def render_rag(self, value):
        return rag_badge(value)

    def value_rag(self, value):
        return Rag(value).label if value else ""

    def value_text(self, record):
        return record.text

    def value_measure(self, record):
        return record.measure.text

    def value_last_report_at(self, value):
        return cn_datetime(value)  # Asia/Shanghai, not the stored UTC

    def value_next_due(self, value):
        return cn_date(value)

    def value_due(self, record):
        return self.render_due(record)


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
