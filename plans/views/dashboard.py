"""The leaders' dashboard (进度看板): how the plans stand, what is late, which unit is behind."""

from collections import Counter, defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone

from plans import access
from plans.dashboard.board import build_dashboard, task_link
from plans.dashboard.stored_counts import READER_RECOUNTS, ensure_fresh, stored_standings
from plans.models import Plan
from plans.supervision import lists as supervision_lists
from plans.verification import service as verification
from plans.workflow.chasing import new_request_key
from plans.workflow.instructions import open_instructions
from talentplan.lib.params import id_param, year_param
from targets.charts import trajectory_svg
from targets.members import member_figures_of
from targets.models import Indicator, IndicatorYear
from targets.standing import OFF_TRACK, Standing, standing_of
from targets.trajectory import trajectory_of

DRAWN_BY_DEFAULT = 12  # charts drawn before a click: the worst first, so the page stays a few screens long
DRAWN_AT_MOST = 60  # charts drawn on one page whatever is chosen; the rest are listed as links, not drawn
# A province has hundreds of plans, categories and units: past PLAN_CARDS_MAX plans the all-plans page shows one
# row per plan instead of a card; the per-category table is counted and shown for a chosen plan only (the same
# queries whatever the number of plans); the league and the folded indicators show their first rows, with a link
# to the rest (issue 13: a page a leader reads, rendered in time).
PLAN_CARDS_MAX = 12
LEAGUE_SHOWN = 30
FOLDED_LISTED = 100


def indicator_cards(user, plan, today, plans=(), ids=None):
    """Visible indicators judged, with their trajectories: those of `ids` (in that order), or every one.
    `plans`: plan objects already fetched (the dashboard's), attached to their indicators instead of joined
    again into 2,000 rows."""
    indicators = access.indicators(user).order_by("plan", "position")
    indicators = indicators.filter(plan=plan) if plan else indicators.filter(plan__archived_at__isnull=True)
    if ids is not None:
        indicators = indicators.filter(pk__in=list(ids))
    indicators = list(indicators)
    if ids is not None:
        order = {pk: n for n, pk in enumerate(ids)}
        indicators.sort(key=lambda indicator: order[indicator.pk])
    known = {p.pk: p for p in [*plans, *([plan] if plan else [])]}
    missing = {i.plan_id for i in indicators} - known.keys()
    if missing:  # a plan the caller did not pass: one query for all of them
        known |= Plan.objects.in_bulk(missing)
    attach_plan = Indicator.plan.field.set_cached_value  # what prefetching does: not the checked descriptor
    for indicator in indicators:
        attach_plan(indicator, known[indicator.plan_id])
    # One query for every indicator's years, grouped here: prefetch_related builds a queryset per indicator.
    # Plain rows (year, planned_text, actual_value are all trajectory_of reads), not model instances.
    years = defaultdict(list)
    rows = IndicatorYear.objects.filter(indicator__in=[i.pk for i in indicators]).order_by("year")
    for year in rows.values_list("indicator_id", "year", "planned_text", "actual_value", named=True):
        years[year.indicator_id].append(year)
    cards = []
    members = member_figures_of(i.pk for i in indicators)  # one query whichever are shown: a fixed count
    for indicator in indicators:
        trajectory = trajectory_of(indicator, today, years=years[indicator.pk], member_figures=members[indicator.pk])
        cards.append({"indicator": indicator, "t": trajectory, "standing": standing_of(trajectory)})
    return cards


def _draw(cards):
    for card in cards:
        card["svg"] = trajectory_svg(card["t"].points, card["indicator"].name)
    return cards


def indicator_summary(standings, chosen: str | None, link_params: dict, cards_of) -> dict:
    """Counts per standing, each linking to the dashboard drawing exactly those charts. Without a choice,
    the off-track ones are drawn (未达标 before 落后, at most DRAWN_BY_DEFAULT; the others in a fold) and the
    on-track ones folded into a list of links. At most DRAWN_AT_MOST charts are drawn in all.
    `standings`: (indicator id, standing) of every counted indicator in page order (the stored judgements,
    plans.dashboard.stored_counts); `cards_of(ids)` judges and draws only the indicators shown."""
    chosen = Standing(chosen) if chosen in Standing.values else None
    counted = Counter(standing for _pk, standing in standings)
    counts = [
        {
            "standing": standing,
            "count": counted[standing.value],
            "link": "?" + urlencode({**link_params, "standing": standing.value}) + "#indicators",
        }
        for standing in Standing
    ]
    if chosen:
        drawn, more = [pk for pk, standing in standings if standing == chosen], []
    else:
        off_track = [pk for wanted in OFF_TRACK for pk, standing in standings if standing == wanted]
        drawn, more = off_track[:DRAWN_BY_DEFAULT], off_track[DRAWN_BY_DEFAULT:]
    drawn, more = drawn[:DRAWN_AT_MOST], more[: max(0, DRAWN_AT_MOST - len(drawn[:DRAWN_AT_MOST]))]
    shown = set(drawn) | set(more)
    folded = [pk for pk, _standing in standings if pk not in shown]
    cards = {card["indicator"].pk: card for card in cards_of(drawn + more + folded[:FOLDED_LISTED])}
    return {
        "counts": [c for c in counts if c["count"] or c["standing"] != Standing.UNJUDGED],
        "shown": _draw([cards[pk] for pk in drawn if pk in cards]),
        "more": _draw([cards[pk] for pk in more if pk in cards]),
        "folded": [cards[pk] for pk in folded[:FOLDED_LISTED] if pk in cards],  # listed as links, not drawn
        "folded_total": len(folded),
        "chosen": chosen,
        "total": len(standings),
    }


def dashboard(request):
    access.require_page(request.user, "overview")
    today = timezone.localdate()
    plans = access.plans(request.user).active()
    plan_id, year = id_param(request.GET, "plan"), year_param(request.GET)
    plan = plans.filter(pk=plan_id).first() if plan_id else None
    if request.GET.get("plan") and plan is None or request.GET.get("year") and year is None:
        messages.warning(request, "筛选条件无效（计划不存在，或年度不是 1900—2100 之间的年份），已显示全部。")
    # A reader counts at most one changed plan again; the rest are counted in the background (busy morning).
    counted = [plan] if plan else list(plans)
    ensure_fresh(counted, today, budget=READER_RECOUNTS)
    board = build_dashboard(plan, year, today, visible_plans=plans, categories=plan is not None, recount_budget=0)
    all_units = request.GET.get("units") == "all"
    years = sorted({y for p in board.plans for y in p.years})
    link_params = {k: v for k, v in (("plan", plan and plan.pk), ("year", year)) if v}
    standings = stored_standings([plan] if plan else board.plans, today, budget=0)

    def cards_of(ids):
        return indicator_cards(request.user, plan, today, plans=board.plans, ids=ids)

    context = {
        "board": board,
        "years": years,
        "indicators": indicator_summary(standings, request.GET.get("standing"), link_params, cards_of),
        "plan_cards": len(board.per_plan) <= PLAN_CARDS_MAX,
        "league": board.league if all_units else board.league[:LEAGUE_SHOWN],
        "all_units_link": "?" + urlencode({**link_params, "units": "all"}) + "#league",
        "folded_listed": FOLDED_LISTED,
        "overdue_link": task_link(**link_params, overdue="true"),
        "open_instructions": open_instructions(request.user),
        "supervision_counts": supervision_lists.counts_for(request.user, today),
        "verification_rates": verification.unit_rates(request.user),
        "may_chase": access.can(request.user, "chase_unit"),
        "chase_key": new_request_key(),  # one per page view: a double click on 催办 sends once
    }
    return render(request, "plans/dashboard.html", context)
