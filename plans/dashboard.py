"""The leaders' dashboard: how are we doing, what is late, who is behind — in a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, DateField, F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from units.models import Unit

from .choices import MilestoneStatus, Outcome, ReportState, UnitRole
from .models import Category, Chase, Milestone, MilestoneUnit, Occurrence, Plan, ProgressReport
from .tracking import DUE_SOON_DAYS, done_q, due_within_q, occurrences_with_outcome, overdue_q, with_tracking

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


def _tallies(milestones, key: str, today: date, link_key: str, year) -> dict:
    """One grouped query: (key, status) → counts, folded into a Tally per key. Deadline outcomes
    (按期完成 / 逾期完成 / 未完成) are counted for a chosen year only, as before."""
    done = with_tracking(milestones, today).filter(done_q(year or None))
    outcome_rows = {}
    if year:
        outcome_rows = {o: occurrences_with_outcome(o.value, today).filter(due_date__year=year) for o in Outcome}
    rows = (
        milestones.order_by()
        .values(key, "status")
        .annotate(
            n=Count("pk"),
            percent_sum=Sum("percent"),
            # On the denormalised next due date (tracking.refresh_next_due), as the task list filters.
            overdue=Count("pk", filter=overdue_q("next_due_date", today)),
            due_soon=Count("pk", filter=due_within_q("next_due_date", today, DUE_SOON_DAYS)),
            # 已完成 and 期限完成情况 by the same SQL as the task list's `done` / `outcome` filters, so a
            # count and the list its link opens agree.
            completed=Count("pk", filter=Q(pk__in=done.values("pk"))),
            **{
                f"outcome_{o.value}": Count("pk", filter=Q(pk__in=occurrences.values("milestone_id")))
                for o, occurrences in outcome_rows.items()
            },
        )
    )
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
        for o in outcome_rows:
            tally.outcomes[o.value] += row[f"outcome_{o.value}"]
    return tallies


def _scope(plan, year, visible_plans, prefix: str = "") -> Q:
    """The counted node plans as a condition on `prefix` (e.g. "milestone__"): rows joined to their node plan
    are filtered on its plan, not matched against a subquery of 100k node plan ids (one scan fewer)."""
    # An explicitly chosen plan is counted even when archived (its plan page and bulletin stay readable).
    scope = Q(**{f"{prefix}plan": plan}) if plan else Q(**{f"{prefix}plan__in": visible_plans})
    if year:
        scope &= Q(**{f"{prefix}pk__in": Occurrence.objects.filter(due_date__year=year).values("milestone_id")})
    return scope


def _milestones(plan, year, visible_plans):
    return Milestone.objects.filter(_scope(plan, year, visible_plans))


def plan_tally(plan: Plan, year: int | None, today: date) -> Tally | None:
    """The one plan's figures (the plan page): one grouped query, not the whole dashboard."""
    return _tallies(_milestones(plan, year, None), "plan_id", today, "plan", year).get(plan.pk)


def build_dashboard(
    plan: Plan | None, year: int | None, today: date, visible_plans=None, categories: bool = True
) -> Dashboard:
    """Figures over the plans a reader sees (plans.access; operators' commands see all), or one of them.
    A fixed number of grouped queries, whatever the number of plans, categories or node plans. Without
    `categories` the per-category figures are not counted (the all-plans page of a province lists none)."""
    visible_plans = Plan.objects.active() if visible_plans is None else visible_plans
    plans = list(visible_plans.order_by("-issue_date", "code"))
    milestones = _milestones(plan, year, visible_plans)
    board = Dashboard(today=today, plans=plans, selected_plan=plan, year=year)

    plan_tallies = _tallies(milestones, "plan_id", today, "plan", year)
    plan_objects = Plan.objects.filter(pk__in=plan_tallies)  # Plan's own ordering, as the old per-row loop
    board.per_plan = [(p, plan_tallies[p.pk]) for p in plan_objects]
    if categories:
        category_tallies = _tallies(milestones, "measure__item__category_id", today, "category", year)
        in_order = Category.objects.filter(pk__in=category_tallies).select_related("plan").order_by("plan", "position")
        board.per_category = [(c, category_tallies[c.pk]) for c in in_order]
    board.league = _league(lambda prefix: _scope(plan, year, visible_plans, prefix), today)
    board.overdue_count = sum(tally.overdue for tally in plan_tallies.values())
    board.overdue = list(
        milestones.filter(overdue_q("next_due_date", today)).order_by("next_due_date", "plan_id", "position")[
            :OVERDUE_LISTED
        ]
    )
    return board


def _league(scope, today) -> list[UnitRow]:
    """Lead units: grouped queries over the node plans they lead, a fixed number whatever the rows.
    `scope(prefix)` is the counted node plans as a condition through the relation `prefix`."""
    leads = MilestoneUnit.objects.filter(scope("milestone__"), role=UnitRole.LEAD)
    rows: dict[int, UnitRow] = {}
    counted = leads.order_by().values("unit_id")
    counted = counted.annotate(
        led=Count("pk"), overdue_count=Count("pk", filter=overdue_q("milestone__next_due_date", today))
    )
    counted = list(counted)
    # The ids just counted, not the lead units' subquery run again over every node plan.
    units = Unit.objects.filter(pk__in=[row["unit_id"] for row in counted]).select_related("region")
    units = {u.pk: u for u in units}
    for row in counted:
        rows[row["unit_id"]] = UnitRow(units[row["unit_id"]], led=row["led"], overdue=row["overdue_count"])
    # Deadlines whose effective date (extension included) has passed, and how many were met on time: one scan
    # of the deadlines joined to their lead units (not the lead units joined back to a subquery of deadlines).
    passed = (
        Occurrence.objects.filter(scope("milestone__"), is_deadline=True, due_date__lt=today)
        .annotate(effective=Coalesce("extended_due_date", "due_date", output_field=DateField()))
        .filter(effective__lt=today)
    )
    per_unit = (
        passed.filter(milestone__assignments__role=UnitRole.LEAD)
        .order_by()
        .values(unit_id=F("milestone__assignments__unit_id"))
        .annotate(
            passed=Count("pk"),
            met=Count("pk", filter=Q(completed_on__isnull=False, completed_on__lte=F("effective"))),
        )
    )
    for row in per_unit:
        rows[row["unit_id"]].deadlines_passed = row["passed"]
        rows[row["unit_id"]].met_on_time = row["met"]
    reports = ProgressReport.objects.filter(scope("milestone__")).order_by()
    # One scan of the reports for both figures.
    per_reporter = reports.values_list("unit_id").annotate(
        waiting=Count("pk", filter=Q(state=ReportState.SUBMITTED)), last=Max("submitted_at")
    )
    for unit_id, waiting, last in per_reporter:
        if unit_id in rows:
            rows[unit_id].awaiting_review = waiting
            rows[unit_id].last_report_at = last
    about_these = scope("milestone__") | Q(milestone__isnull=True)
    chases = Chase.objects.filter(unit_id__in=list(rows)).filter(about_these)
    for unit_id, count in chases.values_list("unit_id").annotate(Count("pk")).order_by():
        rows[unit_id].chases = count
    return sorted(
        rows.values(), key=lambda r: (-r.overdue, r.on_time_rate if r.on_time_rate is not None else 101, r.unit.name)
    )
