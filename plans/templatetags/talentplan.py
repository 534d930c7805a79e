from django import template
from django.utils.html import format_html, format_html_join

from plans import access, tracking
from plans.tables import lead_unit_names
from plans.task_columns import rag_badge as _rag_badge
from talentplan.lib import dates
from targets.trajectory import VERDICT_RULE, Verdict
from targets.trajectory import figure_text as _figure_text

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def indicator_badge(trajectory):
    """An indicator's light; 未报送 in its own colour, not a light (nothing reported, nothing to light)."""
    if trajectory.verdict == Verdict.UNREPORTED:
        return format_html('<span class="badge rounded-pill badge-unreported">{}</span>', Verdict.UNREPORTED)
    return _rag_badge(trajectory.rag)


@register.filter
def rag_badge(value):
    return _rag_badge(value)


@register.filter
def cn_date(value):
    """{{ d|cn_date }} → 2022年4月30日 (Asia/Shanghai); blank for None."""
    return dates.cn_date(value)


@register.filter
def cn_datetime(value):
    """{{ moment|cn_datetime }} → 2022年4月30日 14:05 in Asia/Shanghai."""
    return dates.cn_datetime(value)


@register.filter
def lead_units(milestone):
    return lead_unit_names(milestone)


@register.filter
def period_status(milestone):
    """ "2023年度已完成" beside the 2024 deadline, 逾期完成 when late: see plans.tracking.period_status."""
    return tracking.period_status(milestone)


@register.filter
def figure(value):
    """A figure as the document prints it (15, 12.5); "—" where there is none."""
    return _figure_text(value) if value is not None else "—"


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """{% can "review" report as may_review %}: templates ask plans.access, never the role or is_staff."""
    return access.can(context["request"].user, action, obj)


@register.simple_tag
def light_rule():
    """The node-plan light rule's text, from plans.tracking (templates never restate its numbers)."""
    return tracking.LIGHT_RULE


@register.simple_tag
def indicator_light_rule():
    return tracking.INDICATOR_LIGHT_RULE


@register.simple_tag
def indicator_verdict_rule():
    return VERDICT_RULE


@register.simple_tag
def due_soon_label():
    return tracking.DUE_SOON_LABEL


@register.simple_tag
def due_soon_days():
    return tracking.DUE_SOON_DAYS


@register.simple_tag(takes_context=True)
def unit_label(context, unit):
    """A unit's name as the reader reads it: plain in their own region, with the region's name elsewhere."""
    return access.unit_label(context["request"].user, unit)


@register.simple_tag(takes_context=True)
def page_url(context, number, param="page"):
    """The current URL's query with one page parameter replaced, so pagers keep the filters."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()


PLAN_ROW = (
    '<tr><td><a href="?plan={}{}">{}</a></td><td class="text-end"><a href="{}">{}</a></td>'
    '<td class="text-end"><a href="{}&amp;done=true">{}%</a></td>'
    '<td class="text-end"><a class="{}" href="{}&amp;overdue=true">{}</a></td>'
    '<td class="text-end"><a href="{}&amp;due_within={}">{}</a></td><td class="text-end">{}%</td></tr>'
)


@register.simple_tag
def plan_rows(board):
    """The all-plans table of a province (hundreds of rows): one format string per row, not a template loop."""
    year = f"&year={board.year}" if board.year else ""
    rows = (
        (
            plan.pk,
            year,
            plan.title,
            link := tally.link(),
            tally.total,
            link,
            tally.completion_rate,
            "text-danger fw-bold" if tally.overdue else "",
            link,
            tally.overdue,
            link,
            tracking.DUE_SOON_DAYS,
            tally.due_soon,
            tally.average_percent,
        )
        for plan, tally in board.per_plan
    )
    if not board.per_plan:
        return format_html('<tr><td colspan="6" class="text-muted">{}</td></tr>', "所选范围内没有节点计划。")
    return format_html_join("\n", PLAN_ROW, rows)
