"""The leaders' dashboard: how are we doing, what is late, who is behind — in a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from plans.choices import MilestoneStatus, Outcome
from plans.dashboard.stored_counts import stored_status_rows, stored_unit_figures, tally_rows, unit_figure_rows
from plans.models import (
    Category,
    Chase,
    Milestone,
    MilestoneYear,
    Plan,
)
from plans.tracking import overdue_q
from units.models import Unit

OVERDUE_LISTED = 8  # the dashboard names the longest overdue; the count links to the rest


def task_link(**params) -> str:
    base = reverse("plans:task_list")  # once per link, not per number: a dashboard at scale has thousands
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


@dataclass
class Tally:
    """Counts for a set of node plans, each with the task-list link that shows them."""

    link_params: dict
    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    overdue: int = 0
    due_soon: int = 0
    percent_sum: int = 0
    outcomes: Counter = field(default_factory=Counter)  # node plans with a deadline 按期完成 / 逾期完成 / 未完成
    completed: int = 0  # 已完成 for the chosen year (tracking.is_done_for_year), or over all years

    @property
    def completion_rate(self) -> int:
        return round(self.completed * 100 / self.total) if self.total else 0

    @property
    def average_percent(self) -> int:
        return round(self.percent_sum / self.total) if self.total else 0

    def link(self, **extra) -> str:
        return task_link(**self.link_params, **extra)

    def outcome_rows(self):
        """(label, count, link): the task list filtered by outcome shows exactly the node plans counted."""
        return [(o.label, self.outcomes[o.value], self.link(outcome=o.value)) for o in Outcome]

    def status_rows(self):
        return [(status, self.by_status[status.value], self.link(status=status.value)) for status in MilestoneStatus]


@dataclass
class UnitRow:
    unit: object
    led: int = 0
    overdue: int = 0
    deadlines_passed: int = 0
    met_on_time: int = 0
    awaiting_review: int = 0
    last_report_at: object = None
    chases: int = 0  # 催办次数: about its node plans here, or about its work in general

    @property
    def on_time_rate(self):
        return round(self.met_on_time * 100 / self.deadlines_passed) if self.deadlines_passed else None


@dataclass
class Dashboard:
    today: date
    plans: list
    selected_plan: object
    year: int | None
    per_plan: list = field(default_factory=list)
    per_category: list = field(default_factory=list)
    league: list = field(default_factory=list)
    overdue: list = field(default_factory=list)  # the OVERDUE_LISTED node plans longest overdue
    overdue_count: int = 0


def fold_tallies(rows, key: str, link_key: str, year) -> dict:
    """Rows of tally_rows (or the stored figures) folded into a Tally per key."""
    tallies = {}
    for row in rows:
        if row[key] is None:
            continue
        tally = tallies.setdefault(row[key], Tally({link_key: row[key], "year": year}))
        tally.total += row["n"]
        tally.by_status[row["status"]] += row["n"]
        tally.percent_sum += row["percent_sum"] or 0
        tally.overdue += row["overdue"]
        tally.due_soon += row["due_soon"]
        tally.completed += row["completed"]
        for o in Outcome if year else ():
            tally.outcomes[o.value] += row[f"outcome_{o.value}"]
    return tallies


def _tallies(milestones, key: str, today: date, link_key: str, year) -> dict:
    return fold_tallies(tally_rows(milestones, (key,), today, year), key, link_key, year)


def _scope(plan, year, visible_plans, prefix: str = "") -> Q:
    """The counted node plans as a condition on `prefix` (e.g. "milestone__"): rows joined to their node plan
    are filtered on its plan, not matched against a subquery of 100k node plan ids (one scan fewer)."""
    # An explicitly chosen plan is counted even when archived (its plan page and bulletin stay readable).
    scope = Q(**{f"{prefix}plan": plan}) if plan else Q(**{f"{prefix}plan__in": visible_plans})
    if year:
        scope &= Q(**{f"{prefix}pk__in": MilestoneYear.objects.filter(year=year).values("milestone_id")})
    return scope


def _milestones(plan, year, visible_plans):
    return Milestone.objects.filter(_scope(plan, year, visible_plans))


def plan_tally(plan: Plan, year: int | None, today: date) -> Tally | None:
    """The one plan's figures (the plan page): its stored figures, or one grouped query for a year."""
    if year is None:
        return stored_tallies([plan], today).get(plan.pk)
    return _tallies(_milestones(plan, year, None), "plan_id", today, "plan", year).get(plan.pk)


def build_dashboard(
    plan: Plan | None,
    year: int | None,
    today: date,
    visible_plans=None,
    categories: bool = True,
    stored=True,
    recount_budget: int | None = None,
) -> Dashboard:
    """Figures over the plans a reader sees (plans.access; operators' commands see all), or one of them.
    A fixed number of queries, whatever the number of plans, categories or node plans. Over all years the
    plan and unit figures are the stored ones (plans.dashboard.stored_counts, counted again for the plans
    changed since);
    for one year, or with `stored=False`, grouped queries over the node plans. Without `categories` the
    per-category figures are not counted (the all-plans page of a province lists none)."""
    visible_plans = Plan.objects.active() if visible_plans is None else visible_plans
    plans = list(visible_plans.order_by("-issue_date", "code"))
    counted = [plan] if plan else plans
    milestones = _milestones(plan, year, visible_plans)
    board = Dashboard(today=today, plans=plans, selected_plan=plan, year=year)

    def scope(prefix):
        return _scope(plan, year, visible_plans, prefix)

    if stored and year is None:
        plan_tallies = stored_tallies(counted, today, recount_budget)
        units = stored_unit_figures([p.pk for p in counted])
    else:
        plan_tallies = _tallies(milestones, "plan_id", today, "plan", year)
        units = {unit_id: row for (_plan, unit_id), row in unit_figure_rows(scope, today, by_plan=False).items()}
    board.per_plan = [(p, plan_tallies[p.pk]) for p in counted if p.pk in plan_tallies]
    if categories:
        category_tallies = _tallies(milestones, "measure__item__category_id", today, "category", year)
        in_order = Category.objects.filter(pk__in=category_tallies).select_related("plan").order_by("plan", "position")
        board.per_category = [(c, category_tallies[c.pk]) for c in in_order]
    board.league = _league(units, scope)
    board.overdue_count = sum(tally.overdue for tally in plan_tallies.values())
    board.overdue = list(
        milestones.filter(overdue_q("next_due_date", today)).order_by("next_due_date", "plan_id", "position")[
            :OVERDUE_LISTED
        ]
    )
    return board


def stored_tallies(plans, today: date, budget: int | None = None) -> dict:
    """Plan → Tally from the stored figures (counted again first for the plans changed since, within the
    reader's `budget`: stored_counts.ensure_fresh)."""
    return fold_tallies(stored_status_rows(plans, today, budget), "plan_id", "plan", None)


def _league(figures: dict, scope) -> list[UnitRow]:
    """The lead units' rows from their figures (unit id → figures), with their 催办 counted here."""
    units = Unit.objects.filter(pk__in=[pk for pk, row in figures.items() if row["led"]]).select_related("region")
    rows = {unit.pk: UnitRow(unit, **figures[unit.pk]) for unit in units}
    about_these = scope("milestone__") | Q(milestone__isnull=True)
    chases = Chase.objects.filter(unit_id__in=list(rows)).filter(about_these)
    for unit_id, count in chases.values_list("unit_id").annotate(Count("pk")).order_by():
        rows[unit_id].chases = count
    return sorted(
        rows.values(), key=lambda r: (-r.overdue, r.on_time_rate if r.on_time_rate is not None else 101, r.unit.name)
    )
