"""Leaders' and staff's pages over whole plans: the dashboard and the plan page with its downloads."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from talentplan.lib.params import id_param, year_param
from targets.charts import trajectory_svg
from targets.standing import OFF_TRACK, Standing, standing_of
from targets.trajectory import trajectory_of

from .. import access
from ..chasing import new_request_key
from ..dashboard import build_dashboard, task_link
from ..instructions import open_instructions

DRAWN_BY_DEFAULT = 12  # charts drawn before a click: the worst first, so the page stays a few screens long
DRAWN_AT_MOST = 60  # charts drawn on one page whatever is chosen; the rest are listed as links, not drawn


def indicator_cards(user, plan, today):
    """Every visible indicator judged (the counts must be whole); charts are drawn later, only for shown ones."""
    indicators = (
        access.indicators(user).select_related("plan", "unit").prefetch_related("years").order_by("plan", "position")
    )
    indicators = indicators.filter(plan=plan) if plan else indicators.filter(plan__archived_at__isnull=True)
    cards = []
    for indicator in indicators:
        trajectory = trajectory_of(indicator, today)
        cards.append({"indicator": indicator, "t": trajectory, "standing": standing_of(trajectory)})
    return cards


def _draw(cards):
    for card in cards:
        card["svg"] = trajectory_svg(card["t"].points, card["indicator"].name)
    return cards


def indicator_summary(cards, chosen: str | None, link_params: dict) -> dict:
    """Counts per standing, each linking to the dashboard drawing exactly those charts. Without a choice,
    the off-track ones are drawn (未达标 before 落后, at most DRAWN_BY_DEFAULT; the others in a fold) and the
    on-track ones folded into a list of links. At most DRAWN_AT_MOST charts are drawn in all."""
    chosen = Standing(chosen) if chosen in Standing.values else None
    counts = [
        {
            "standing": standing,
            "count": sum(1 for card in cards if card["standing"] == standing),
            "link": "?" + urlencode({**link_params, "standing": standing.value}) + "#indicators",
        }
        for standing in Standing
    ]
    if chosen:
        drawn, more = [card for card in cards if card["standing"] == chosen], []
    else:
        off_track = [card for standing in OFF_TRACK for card in cards if card["standing"] == standing]
        drawn, more = off_track[:DRAWN_BY_DEFAULT], off_track[DRAWN_BY_DEFAULT:]
    drawn, more = _draw(drawn[:DRAWN_AT_MOST]), _draw(more[: max(0, DRAWN_AT_MOST - len(drawn))])
    shown = {id(card) for card in drawn + more}
    return {
        "counts": [c for c in counts if c["count"] or c["standing"] != Standing.UNJUDGED],
        "shown": drawn,
        "more": more,
        "folded": [card for card in cards if id(card) not in shown],  # listed as links, not drawn
        "chosen": chosen,
        "total": len(cards),
    }


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
    link_params = {k: v for k, v in (("plan", plan and plan.pk), ("year", year)) if v}
    cards = indicator_cards(request.user, plan, today)
    context = {
        "board": board,
        "years": years,
        "indicators": indicator_summary(cards, request.GET.get("standing"), link_params),
        "overdue_link": task_link(**link_params, overdue="true"),
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
