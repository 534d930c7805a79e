"""Leaders' and staff's pages over whole plans: the dashboard and the plan page with its downloads."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from talentplan.lib.params import id_param, year_param
from targets.charts import trajectory_svg
from targets.trajectory import trajectory_of

from .. import access
from ..chasing import new_request_key
from ..dashboard import build_dashboard
from ..instructions import open_instructions

DASHBOARD_INDICATOR_CARDS = 60  # charts drawn on one page; the rest are counted and linked, not drawn


def indicator_cards(user, plan, today):
    """The first DASHBOARD_INDICATOR_CARDS indicators as chart cards, and how many more there are."""
    indicators = (
        access.indicators(user).select_related("plan", "unit").prefetch_related("years").order_by("plan", "position")
    )
    indicators = indicators.filter(plan=plan) if plan else indicators.filter(plan__archived_at__isnull=True)
    total = indicators.count()
    cards = []
    for indicator in indicators[:DASHBOARD_INDICATOR_CARDS]:
        trajectory = trajectory_of(indicator, today)
        cards.append(
            {"indicator": indicator, "t": trajectory, "svg": trajectory_svg(trajectory.points, indicator.name)}
        )
    return cards, total - len(cards)


def dashboard(request):
    access.require_page(request.user, "overview")
    today = timezone.localdate()
    plans = access.plans(request.user).active()
    plan_id, year = id_param(request.GET, "plan"), year_param(request.GET)
    plan = plans.filter(pk=plan_id).first() if plan_id else None
    if request.GET.get("plan") and plan is None or request.GET.get("year") and year is None:
        messages.warning(request, "筛选条件无效（计划不存在，或年度不是 1900—2100 之间的年份），已显示全部。")
    board = build_dashboard(plan, year, today, visible_plans=plans)
    years = sorted({y for p in board.plans for y in p.years})
    cards, more_cards = indicator_cards(request.user, plan, today)
    context = {
        "board": board,
        "years": years,
        "cards": cards,
        "more_cards": more_cards,
        "open_instructions": open_instructions(request.user),
        "may_chase": access.can(request.user, "chase_unit"),
        "chase_key": new_request_key(),  # one per page view: a double click on 催办 sends once
    }
    return render(request, "plans/dashboard.html", context)


def plan_detail(request, code):
    plan = get_object_or_404(access.plans(request.user).select_related("region", "archived_by"), code=code)
    today = timezone.localdate()
    board = build_dashboard(plan, None, today, visible_plans=access.plans(request.user))
    closures = list(plan.closures.select_related("closed_by"))
    closed_years = {closure.year for closure in closures}
    context = {
        "plan": plan,
        "tally": board.per_plan[0][1] if board.per_plan else None,
        "closures": closures,
        "closable_years": [year for year in plan.years if year not in closed_years],
    }
    return render(request, "plans/plan_detail.html", context)
