"""The leaders' dashboard: how are we doing, what is late, who is behind — in a fixed number of queries."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Max, Q
from django.urls import reverse

from .choices import MilestoneStatus, Outcome, ReportState, UnitRole
from .models import Chase, Milestone, MilestoneUnit, Occurrence, Plan, ProgressReport
from .tracking import deadline_outcome, is_done, is_done_for_year, is_due_soon, is_overdue, with_tracking


def task_link(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse('plans:task_list')}?{query}" if query else reverse("plans:task_list")


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

    def add(self, milestone, today: date, outcomes=None) -> None:
        """`outcomes`: the node plan's deadlines of the chosen year (None: no year chosen)."""
        self.total += 1
        self.outcomes.update({o for o in outcomes or () if o})
        if outcomes is None:
            self.completed += is_done(milestone)
        else:
            self.completed += is_done_for_year(milestone.status, milestone.deadline_count, outcomes)
        self.by_status[milestone.status] += 1
        self.percent_sum += milestone.percent
        if is_overdue(milestone.next_due, today):
            self.overdue += 1
        elif is_due_soon(milestone.next_due, today):
            self.due_soon += 1

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
    overdue: list = field(default_factory=list)  # node plans past a deadline, the longest overdue first


def build_dashboard(plan: Plan | None, year: int | None, today: date, visible_plans=None) -> Dashboard:
    """Figures over the plans a reader sees (plans.access; operators' commands see all), or one of them."""
    visible_plans = Plan.objects.active() if visible_plans is None else visible_plans
    plans = list(visible_plans.order_by("-issue_date", "code"))
    # An explicitly chosen plan is counted even when archived (its plan page and bulletin stay readable).
    milestones = Milestone.objects.filter(plan=plan) if plan else Milestone.objects.filter(plan__in=visible_plans)
    if year:
        milestones = milestones.filter(pk__in=Occurrence.objects.filter(due_date__year=year).values("milestone_id"))
    milestones = list(
        with_tracking(milestones, today).select_related("plan", "measure__item__category").order_by("plan", "position")
    )
    ids = [m.pk for m in milestones]
    board = Dashboard(today=today, plans=plans, selected_plan=plan, year=year)

    outcomes = deadline_outcomes(ids, year, today)
    per_year = (lambda m: outcomes[m.pk]) if year else (lambda m: None)
    plan_tallies, category_tallies = {}, {}
    for milestone in milestones:
        key = milestone.plan_id
        if key not in plan_tallies:
            plan_tallies[key] = (milestone.plan, Tally({"plan": key, "year": year}))
        plan_tallies[key][1].add(milestone, today, per_year(milestone))
        category = milestone.measure.item.category
        if category:
            if category.pk not in category_tallies:
                category_tallies[category.pk] = (category, Tally({"category": category.pk, "year": year}))
            category_tallies[category.pk][1].add(milestone, today, per_year(milestone))
    board.per_plan = list(plan_tallies.values())
    board.per_category = list(category_tallies.values())
    board.league = _league(milestones, ids, today)
    board.overdue = sorted(
        (m for m in milestones if is_overdue(m.next_due, today)), key=lambda m: (m.next_due, m.plan_id, m.position)
    )
    return board


def deadline_outcomes(milestone_ids, year: int | None, as_of: date) -> dict[int, list[str]]:
    """Each node plan's deadlines (of `year`, if given) as they stand on `as_of`: 按期完成 / 逾期完成 / 未完成,
    or "" for one not yet due."""
    occurrences = Occurrence.objects.filter(milestone_id__in=milestone_ids, is_deadline=True)
    if year:
        occurrences = occurrences.filter(due_date__year=year)
    result = defaultdict(list)
    for occurrence in occurrences.only("milestone_id", "due_date", "extended_due_date", "completed_on"):
        result[occurrence.milestone_id].append(deadline_outcome(occurrence, as_of))
    return result


def _league(milestones, ids, today) -> list[UnitRow]:
    leads = defaultdict(set)
    rows: dict[int, UnitRow] = {}
    leading = MilestoneUnit.objects.filter(milestone_id__in=ids, role=UnitRole.LEAD).select_related("unit__region")
    for assignment in leading:
        leads[assignment.milestone_id].add(assignment.unit_id)
        rows.setdefault(assignment.unit_id, UnitRow(assignment.unit))
    by_id = {m.pk: m for m in milestones}
    for milestone_id, unit_ids in leads.items():
        milestone = by_id[milestone_id]
        for unit_id in unit_ids:
            rows[unit_id].led += 1
            rows[unit_id].overdue += is_overdue(milestone.next_due, today)
    passed = Occurrence.objects.filter(milestone_id__in=ids, is_deadline=True, due_date__lt=today).only(
        "milestone_id", "due_date", "extended_due_date", "completed_on"
    )
    for occurrence in passed:
        if not is_overdue(occurrence.effective_due_date, today):
            continue  # extended beyond today
        for unit_id in leads.get(occurrence.milestone_id, ()):
            rows[unit_id].deadlines_passed += 1
            rows[unit_id].met_on_time += occurrence.completed_on_time
    reports = ProgressReport.objects.filter(milestone_id__in=ids)
    for unit_id, waiting in reports.filter(state=ReportState.SUBMITTED).values_list("unit_id").annotate(Count("pk")):
        if unit_id in rows:
            rows[unit_id].awaiting_review = waiting
    for unit_id, last in reports.values_list("unit_id").annotate(Max("submitted_at")):
        if unit_id in rows:
            rows[unit_id].last_report_at = last
    chases = Chase.objects.filter(unit_id__in=list(rows)).filter(Q(milestone_id__in=ids) | Q(milestone__isnull=True))
    for unit_id, count in chases.values_list("unit_id").annotate(Count("pk")).order_by():
        rows[unit_id].chases = count
    return sorted(
        rows.values(), key=lambda r: (-r.overdue, r.on_time_rate if r.on_time_rate is not None else 101, r.unit.name)
    )
