"""The node plans of a plan year as they stood at a cut-off date (the bulletin's “截至”): statuses, percents,
deadlines and approvals are read from history, so nothing decided after the cut-off counts."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from plans.choices import MilestoneStatus, Outcome
from plans.models import Milestone, Occurrence
from plans.tracking import DONE, deadline_outcome, is_done_for_year, is_due_soon, is_overdue
from talentplan.lib.dates import cn_date


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def as_they_were(model, objects, moment: datetime) -> dict:
    """Each object as it was at `moment`: its last history row by then; an object loaded from its document
    later is taken as loaded (its creation row); one with no history at all is taken as it is."""
    objects = list(objects)
    before, first = {}, {}
    rows = model.history.filter(id__in=[o.pk for o in objects]).order_by("id", "history_date", "history_id")
    for row in rows:
        first.setdefault(row.id, row)
        if row.history_date <= moment:
            before[row.id] = row
    result = {}
    for obj in objects:
        row = before.get(obj.pk) or (first[obj.pk] if obj.pk in first and first[obj.pk].history_type == "+" else None)
        result[obj.pk] = row.instance if row is not None else obj
    return result


@dataclass
class NodeAtCutoff:
    milestone: Milestone  # today's row: its text, units and category
    status: str
    percent: int
    outcomes: list  # the year's deadlines: 按期完成 / 逾期完成 / 未完成 / "" (not yet due)
    first_missed: date | None  # the earliest deadline still open at the cut-off and passed by then
    next_open: date | None  # the earliest deadline still open at the cut-off and not yet passed
    # The league's figures, as the dashboard counts them (plans.dashboard.stored_counts.unit_figure_rows): every
    # deadline of the node plan (any year) whose effective date had passed by the cut-off, and of those the
    # ones done by their effective date.
    deadlines_passed: int = 0
    met_on_time: int = 0

    @property
    def completed(self) -> bool:
        return is_done_for_year(self.status, self.milestone.deadline_total, self.outcomes)

    @property
    def overdue(self) -> bool:
        return not self.completed and self.first_missed is not None

    @property
    def outcome(self) -> str:
        """The year's deadlines together, as the dashboard's outcome filter counts them."""
        if self.completed and self.outcomes and all(o in DONE for o in self.outcomes):
            return Outcome.LATE if Outcome.LATE in self.outcomes else Outcome.MET
        return Outcome.MISSED if not self.completed and Outcome.MISSED in self.outcomes else ""

    @property
    def behind(self) -> bool:
        """A deadline still open and passed at the cut-off, done for the year or not: the dashboard's 逾期
        (overdue_q on the next open deadline). A yearly task done for this year may still owe an earlier year;
        a one-off confirmed done without naming its deadline still has that deadline open."""
        return self.first_missed is not None

    def status_text(self) -> str:
        if self.completed and self.behind:
            return f"已完成，{cn_date(self.first_missed)}的期次未办结"
        if self.overdue and self.status == MilestoneStatus.COMPLETED:
            return "本期尚未报完成"  # the 已完成 was an earlier year's
        return f"{MilestoneStatus(self.status).label}，完成进度{self.percent}%"


@dataclass
class CutoffTally:
    total: int = 0
    completed: int = 0
    in_progress: int = 0
    overdue: int = 0  # the dashboard's 逾期: every node plan behind (NodeAtCutoff.behind)
    overdue_undone: int = 0  # of those, not done for the year: 逾期未完成
    due_soon: int = 0
    percent_sum: int = 0
    outcomes: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, node: NodeAtCutoff, as_of: date) -> None:
        self.total += 1
        self.completed += node.completed
        self.in_progress += node.status == MilestoneStatus.IN_PROGRESS and not node.completed
        self.overdue += node.behind
        self.overdue_undone += node.overdue
        self.due_soon += not node.completed and not node.overdue and is_due_soon(node.next_open, as_of)
        self.percent_sum += node.percent
        if node.outcome:
            self.outcomes[node.outcome] += 1

    @property
    def completion_rate(self) -> int:
        return round(self.completed * 100 / self.total) if self.total else 0

    @property
    def average_percent(self) -> int:
        return round(self.percent_sum / self.total) if self.total else 0


def _open_at(occurrence, as_of: date, later_deadline: bool) -> bool:
    """OccurrenceQuerySet.open as it stood at the cut-off (the occurrence is its state then)."""
    if occurrence.completed_on is not None and occurrence.completed_on <= as_of:
        return False
    return not occurrence.outcome or (occurrence.outcome == Outcome.MISSED and not later_deadline)


def year_at_cutoff(plan, year: int, as_of: date) -> list[NodeAtCutoff]:
    moment = end_of(as_of)
    in_year = Occurrence.objects.filter(due_date__year=year).values("milestone_id")
    milestones = list(
        Milestone.objects.filter(plan=plan, pk__in=in_year)
        .select_related("measure__item__category")
        .order_by("position")
    )
    then = as_they_were(Milestone, milestones, moment)
    occurrences = list(Occurrence.objects.filter(milestone__in=milestones, is_deadline=True).order_by("due_date"))
    occurrences_then = as_they_were(Occurrence, occurrences, moment)
    deadlines = defaultdict(list)
    for occurrence in occurrences:
        deadlines[occurrence.milestone_id].append(occurrences_then[occurrence.pk])
    nodes = []
    for milestone in milestones:
        own = deadlines[milestone.pk]
        milestone.deadline_total = len(own)
        outcomes = [deadline_outcome(o, as_of) for o in own if o.due_date.year == year]
        still_open = [
            o.effective_due_date for i, o in enumerate(own) if _open_at(o, as_of, later_deadline=i < len(own) - 1)
        ]
        state = then[milestone.pk]
        passed = [o for o in own if is_overdue(o.effective_due_date, as_of)]
        nodes.append(
            NodeAtCutoff(
                milestone,
                state.status,
                state.percent,
                outcomes,
                first_missed=min((d for d in still_open if is_overdue(d, as_of)), default=None),
                next_open=min((d for d in still_open if not is_overdue(d, as_of)), default=None),
                deadlines_passed=len(passed),
                met_on_time=sum(1 for o in passed if o.completed_on and o.completed_on <= o.effective_due_date),
            )
        )
    return nodes
