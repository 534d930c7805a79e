"""The task list's columns (节点计划清单), declared once: the table on /tasks/ (plans.tables.MilestoneTable),
its Excel export (plans.excel.task_export) and its JSON (plans.views.api) are all built from TASK_COLUMNS,
so a column added here appears in all three, under one header, in one order.

A column reads a row through flat names, the paths of Django's values() ("plan__title"): the export reads
plain values() rows (building model instances was most of a 100k export's time), and the table and the JSON
wrap their model instances in `ModelRow`, which answers the same names. Besides the fields, every row
answers `lead_names` (its 牵头单位 as the document names them) and with_tracking's annotations
(plans.tracking: rag, next_due, last_report_at ...). A new column whose data is not one of these adds its
field paths to `fields` (and, for a computed value, its annotation to plans.queries.task_queryset).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import conditional_escape, format_html

from plans.choices import Rag, UnitRole
from plans.tracking import period_status
from talentplan.lib.dates import cn_date, cn_datetime

NOWRAP = {"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}
RAG_BADGE = {Rag.GREEN: "success", Rag.YELLOW: "warning", Rag.RED: "danger", Rag.GREY: "secondary"}
_RAG_LABELS = dict(Rag.choices)


@dataclass(frozen=True)
class TaskColumn:
    name: str  # the table's column name (?sort=, compact's exclude) and the key the export picks by
    header: str  # the header on the page and in the Excel
    text: Callable  # row -> the plain text of the cell: the Excel's value, and the page's unless `html` says more
    json: Callable  # row -> {key: value} in the JSON (a column may give two keys, or plain values: ISO dates)
    fields: tuple[str, ...] = ()  # the values() paths `text`, `html` and `json` read
    html: Callable | None = None  # row, url -> the cell's HTML on the page (a link, a badge, a shortened text)
    order_by: tuple[str, ...] | None = None  # how ?sort=<name> orders; None: not sortable
    attrs: dict = field(default_factory=dict)  # the table cell's attributes
    width: int = 14  # in the Excel
    empty: str = "—"  # the page's cell when the value is empty
    excel: Callable | None = None  # row -> the Excel's typed value (a date, a number) where it is not the text

    def value(self, row):
        """The Excel cell: a date or number cell where the column has one (sortable), else the text."""
        return self.excel(row) if self.excel else self.text(row)

    def cell(self, row, url: str = "") -> str:
        """The page's cell: its HTML (or escaped text), the column's `empty` when there is nothing."""
        value = self.html(row, url) if self.html else conditional_escape(self.text(row))
        return value if value not in (None, "") else self.empty


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def rag_badge(value) -> str:
    if not value:
        return ""
    return format_html('<span class="badge rounded-pill text-bg-{}">{}</span>', RAG_BADGE[value], Rag(value).label)


def due_text(row) -> str:
    return row.due_text or f"{row.schedule_text}（推定）"


def _iso(value):
    return value.isoformat() if value else None


TASK_COLUMNS = [
    TaskColumn(
        "plan",
        "行动计划",
        text=lambda r: r.plan__title,
        json=lambda r: {"plan": r.plan__code},
        fields=("plan__title", "plan__code"),
        # position too: rows within a plan come in the document's order.
        order_by=("plan__issue_date", "plan__code", "position"),
        width=30,
    ),
    TaskColumn(
        "category",
        "工作任务",
        text=lambda r: "—" if r.measure__item__category__name is None else r.measure__item__category__name,
        json=lambda r: {"category": r.measure__item__category__name},
        fields=("measure__item__category__name",),
        order_by=("measure__item__category__name",),
    ),
    TaskColumn(
        "measure",
        "工作举措",
        text=lambda r: r.measure__text,
        html=lambda r, url: conditional_escape(shorten(r.measure__text or "", 60)),
        json=lambda r: {"measure": r.measure__text},
        fields=("measure__text",),
        order_by=("measure__text",),
        attrs={"td": {"class": "small"}},
        width=40,
    ),
    TaskColumn(
        "text",
        "节点计划",
        text=lambda r: r.text,
        html=lambda r, url: r.text and format_html('<a href="{}">{}</a>', url, shorten(r.text, 80)),
        json=lambda r: {"text": r.text},
        fields=("text",),
        order_by=("text",),
        width=60,
    ),
    TaskColumn(
        "due",
        "完成时间",
        text=due_text,
        json=lambda r: {"due_text": r.due_text, "schedule_text": r.schedule_text},
        fields=("due_text", "schedule_text"),
        order_by=("next_due",),  # MilestoneTable.order_due: the nearest deadline first, none last
        attrs=NOWRAP,
    ),
    TaskColumn(
        "lead_units",
        "牵头单位",
        text=lambda r: "、".join(r.lead_names),
        json=lambda r: {"lead_units": list(r.lead_names)},
        width=24,
        empty="",
    ),
    TaskColumn(
        "status",
        "状态",
        text=period_status,  # "2023年度已完成", as the list shows it
        json=lambda r: {"status": r.status, "status_display": period_status(r)},
        fields=("status", "last_done_due", "last_done_late", "deadline_count", "next_due"),
        order_by=("status",),
        attrs=NOWRAP,
    ),
    TaskColumn(
        "rag",
        "灯色",
        text=lambda r: _RAG_LABELS[r.rag] if r.rag else "",
        html=lambda r, url: rag_badge(r.rag),
        json=lambda r: {"rag": r.rag},
        fields=("rag",),
        order_by=("rag",),  # MilestoneTable.order_rag: red first
        attrs=NOWRAP,
    ),
    TaskColumn(
        "last_report_at",
        "最近报送",
        text=lambda r: cn_datetime(r.last_report_at) or "—",  # Asia/Shanghai, in the portal's one date format
        html=lambda r, url: cn_date(r.last_report_at),
        excel=lambda r: r.last_report_at,  # a date cell in Asia/Shanghai (talentplan.lib.xlsx), blank when none
        json=lambda r: {"last_report_at": _iso(r.last_report_at)},
        fields=("last_report_at",),
        order_by=("last_report_at",),
        attrs=NOWRAP,
        width=20,  # a date-time cell
    ),
    TaskColumn(
        "next_due",
        "下一截止日",
        text=lambda r: cn_date(r.next_due) or "—",
        html=lambda r, url: cn_date(r.next_due),
        excel=lambda r: r.next_due,
        json=lambda r: {"next_due": _iso(r.next_due)},
        fields=("next_due",),
        order_by=("next_due",),
        attrs=NOWRAP,
        width=16,
    ),
]
BY_NAME = {column.name: column for column in TASK_COLUMNS}


def export_fields() -> tuple[str, ...]:
    """The values() paths the export reads for every column, once each."""
    return tuple(dict.fromkeys(path for column in TASK_COLUMNS for path in column.fields))


class ModelRow:
    """A node plan instance (task_queryset's: plan, measure, category joined; assignments prefetched) read
    by the columns' flat names: row.plan__title is milestone.plan.title."""

    __slots__ = ("milestone",)

    def __init__(self, milestone):
        self.milestone = milestone

    def __getattr__(self, path):
        value = self.milestone
        for name in path.split("__"):
            if value is None:
                return None
            value = getattr(value, name)
        return value

    @property
    def lead_names(self) -> list[str]:
        return [a.export_name for a in self.milestone.assignments.all() if a.role == UnitRole.LEAD]


def json_of(milestone) -> dict:
    row = ModelRow(milestone)
    data = {}
    for column in TASK_COLUMNS:
        data.update(column.json(row))
    return data
