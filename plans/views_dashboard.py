"""Leaders' and staff's pages over whole plans: the dashboard and the plan page with its downloads."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from targets.charts import trajectory_svg
from targets.models import Indicator
from targets.trajectory import trajectory_of
from units.roles import sees_everything, user_role

from .dashboard import build_dashboard
from .models import Plan


def require_overview(user):
    """Plan-wide pages show every unit's work: staff and leaders only (a liaison gets 404)."""
    if not sees_everything(user):
        raise Http404


def indicator_cards(plan, today):
    indicators = Indicator.objects.select_related("plan", "unit").prefetch_related("years").order_by("plan", "position")
    indicators = indicators.filter(plan=plan) if plan else indicators.filter(plan__archived_at__isnull=True)
    cards = []
    for indicator in indicators:
        trajectory = trajectory_of(indicator, today)
        cards.append(
            {"indicator": indicator, "t": trajectory, "svg": trajectory_svg(trajectory.points, indicator.name)}
        )
    return cards


@login_required
def dashboard(request):
    require_overview(request.user)
    today = timezone.localdate()
    chosen = request.GET.get("plan", "")
    plan = Plan.objects.active().filter(pk=chosen).first() if chosen.isdigit() else None
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    board = build_dashboard(plan, year, today)
    years = sorted({y for p in board.plans for y in p.years})
    context = {"board": board, "years": years, "cards": indicator_cards(plan, today)}
    return render(request, "plans/dashboard.html", context)


@login_required
def plan_detail(request, code):
    require_overview(request.user)
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("region", "archived_by"), code=code)
    today = timezone.localdate()
    board = build_dashboard(plan, None, today)
    closures = list(plan.closures.select_related("closed_by"))
    closed_years = {closure.year for closure in closures}
    context = {
        "plan": plan,
        "role": user_role(request.user),
        "tally": board.per_plan[0][1] if board.per_plan else None,
        "closures": closures,
        "closable_years": [year for year in plan.years if year not in closed_years],
    }
    return render(request, "plans/plan_detail.html", context)
