"""The deadline rules, each defined once: overdue, due soon, the yellow window and the light (红黄绿灯).
The date rules the light is built from (overdue, the yellow window) are shared with indicators and live in
talentplan/lib/light.py; what a node plan's light is made of is here.

Node plans get them as SQL annotations (`with_tracking`), so lists stay at a fixed number of queries;
indicators (targets.trajectory), the dashboard, the bulletin and the detail page use the Python
predicates below; templates show the rule's text from here (`{% light_rule %}`), never a number.
What an open deadline is and its effective due date are defined on the Occurrence model
(`Occurrence.objects.open_deadlines()`, `occurrence.effective_due_date`).

The light:
  - a staff override, when set, wins (its reason is recorded in history);
  - 暂缓 (paused) is grey;
  - red when the next open deadline has passed (overdue), or the status is 滞后;
  - yellow when the next open deadline is within the yellow window and no report for it has been approved;
  - green otherwise (on track, completed, ongoing work with nothing due).
"""

from datetime import date
from functools import lru_cache

from django.db.models import Case, CharField, Count, DateField, Exists, F, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from plans.choices import MilestoneStatus, Outcome, ReportKind, ReportState
from plans.models import Milestone, MilestoneYear, Occurrence, ProgressReport, figures_changed
from talentplan.lib.dates import cn_date
from talentplan.lib.light import (
    YELLOW_WITHIN_DAYS,
    Rag,
    due_within_q,
    in_yellow_window,
    is_due_within,
    is_overdue,
    overdue_q,
)

DUE_SOON_DAYS = 30  # "due soon" on the dashboard, the plan page and the bulletin

LIGHT_RULE = (
    f"逾期或状态为“滞后”为红灯；{YELLOW_WITHIN_DAYS} 天内到期且该期进展尚未审核通过为黄灯；“暂缓”为灰灯；其余为绿灯。"
)
INDICATOR_LIGHT_RULE = (
    f"上一个考核年度末未达计划为红灯；{YELLOW_WITHIN_DAYS} 天内到考核时点且当年实际值未审核为黄灯；其余为绿灯。"
)
DUE_SOON_LABEL = f"{DUE_SOON_DAYS}天内到期"


# --- Python: for one date ----------------------------------------------------------------------------


def is_due_soon(due: date | None, today: date) -> bool:
    return is_due_within(due, today, DUE_SOON_DAYS)


# --- SQL: the same rules over a date column ----------------------------------------------------------


def next_open_deadline(milestone_ref="pk"):
    """The rule: a node plan's next open deadline is its open deadline with the earliest effective date."""
    return Occurrence.objects.open_deadlines().filter(milestone=OuterRef(milestone_ref)).order_by("effective_due", "pk")


def refresh_next_due(milestone_ids=None) -> int:
    """THE writer of Milestone.next_due_date / next_deadline_id: one UPDATE from the rule above. Called on
    every occurrence save or delete (plans.signals), so inside the transaction that changed it; bulk
    writers (gen_synthetic) and `manage.py rebuild_next_due` call it for everything."""
    milestone_ids = None if milestone_ids is None else list(milestone_ids)
    milestones = Milestone.objects.all() if milestone_ids is None else Milestone.objects.filter(pk__in=milestone_ids)
    next_open = next_open_deadline()
    figures_changed(milestone_ids=milestone_ids)  # a deadline moved: the dashboard counts these plans again
    deadlines = Occurrence.objects.filter(milestone=OuterRef("pk"), is_deadline=True).values("milestone")
    refresh_year_states(milestone_ids)
    count = milestones.update(
        next_due_date=Subquery(next_open.values("effective_due")[:1], output_field=DateField()),
        next_deadline_id=Subquery(next_open.values("pk")[:1]),
        deadline_total=Coalesce(Subquery(deadlines.annotate(n=Count("pk")).values("n")[:1]), Value(0)),
    )
    refresh_report_columns(milestone_ids)  # whether the (new) next deadline is approved
    return count


def refresh_report_columns(milestone_ids=None) -> int:
    """THE writer of Milestone.latest_report_at and next_deadline_approved: one UPDATE. Called on every report
    save or delete (plans.signals) and by refresh_next_due, so the bulk writers that call it keep them too."""
    milestones = (
        Milestone.objects.all() if milestone_ids is None else Milestone.objects.filter(pk__in=list(milestone_ids))
    )
    latest = ProgressReport.objects.filter(milestone=OuterRef("pk")).order_by("-submitted_at").values("submitted_at")
    approved = ProgressReport.objects.filter(occurrence_id=OuterRef("next_deadline_id"), state=ReportState.APPROVED)
    return milestones.update(latest_report_at=Subquery(latest[:1]), next_deadline_approved=Exists(approved))


def rag_q(rag: str, today: date) -> Q:
    """Node plans whose light (with_tracking's `rag`) is `rag` today, on the stored columns only (rag_override,
    status, next_due_date, next_deadline_approved), so PostgreSQL can use their indexes."""
    paused, lagging = Q(status=MilestoneStatus.PAUSED), Q(status=MilestoneStatus.LAGGING)
    near = due_within_q("next_due_date", today, YELLOW_WITHIN_DAYS)
    computed = {
        Rag.GREY: paused,
        Rag.RED: ~paused & (overdue_q("next_due_date", today) | lagging),
        Rag.YELLOW: ~paused & ~lagging & near & Q(next_deadline_approved=False),
    }
    computed[Rag.GREEN] = (
        ~paused
        & ~lagging
        & (Q(next_due_date__isnull=True) | Q(next_due_date__gte=today) & (~near | Q(next_deadline_approved=True)))
    )
    return Q(rag_override=rag) | Q(rag_override="") & computed[rag]


YEAR_STATE_BATCH = 5000


def year_state_rows(occurrences):
    """(milestone, year) → the MilestoneYear figures of these occurrences, one grouped query."""
    effective = Coalesce("extended_due_date", "due_date", output_field=DateField())
    deadline, undone = Q(is_deadline=True), Q(is_deadline=True, completed_on__isnull=True)
    return (
        occurrences.annotate(year=ExtractYear("due_date"), effective=effective)
        .order_by()
        .values("milestone_id", "year")
        .annotate(
            deadlines=Count("pk", filter=deadline),
            undone=Count("pk", filter=undone),
            open_due=Min("effective", filter=undone),
            met_on=Min("completed_on", filter=deadline & Q(completed_on__lte=F("effective"))),
            late_on=Min("completed_on", filter=deadline & Q(completed_on__gt=F("effective"))),
            last_done_on=Max("completed_on", filter=deadline),
        )
    )


def refresh_year_states(milestone_ids=None) -> None:
    """THE writer of MilestoneYear: the node plans' rows again from their occurrences (every node plan's when
    `milestone_ids` is None). Called by refresh_next_due, so in the same transaction as the change."""
    rows = Occurrence.objects.all()
    stored = MilestoneYear.objects.all()
    if milestone_ids is not None:
        ids = list(milestone_ids)
        if not ids:
            return
        rows, stored = rows.filter(milestone_id__in=ids), stored.filter(milestone_id__in=ids)
    stored.delete()
    batch = []
    for row in year_state_rows(rows).iterator(chunk_size=YEAR_STATE_BATCH):
        batch.append(MilestoneYear(**row))
        if len(batch) >= YEAR_STATE_BATCH:
            MilestoneYear.objects.bulk_create(batch)
            batch = []
    MilestoneYear.objects.bulk_create(batch)


def in_year_q(year: int) -> Q:
    """Node plans with a deadline or report period in `year` (the stored year rows)."""
    return Q(pk__in=MilestoneYear.objects.filter(year=year).values("milestone_id"))


def year_outcome_q(outcome: str, year: int | None, as_of: date) -> Q:
    """Node plans with a deadline (of `year`, or of any year) whose deadline_outcome on `as_of` is `outcome`:
    `occurrences_with_outcome` read from the stored year rows. A deadline approved after `as_of` (a cut-off in
    the past) was still open then: those few node plans are judged from their occurrences."""
    states = MilestoneYear.objects.all() if year is None else MilestoneYear.objects.filter(year=year)
    if outcome == Outcome.MET:
        return Q(pk__in=states.filter(met_on__lte=as_of).values("milestone_id"))
    if outcome == Outcome.LATE:
        return Q(pk__in=states.filter(late_on__lte=as_of).values("milestone_id"))
    later = states.filter(last_done_on__gt=as_of).values("milestone_id")
    live = occurrences_with_outcome(outcome, as_of).filter(milestone_id__in=later)
    if year is not None:
        live = live.filter(due_date__year=year)
    return Q(pk__in=states.filter(overdue_q("open_due", as_of)).values("milestone_id")) | Q(
        pk__in=live.values("milestone_id")
    )


def deadline_outcome(occurrence, as_of: date) -> str:
    """How a deadline stands on `as_of`: 按期完成, 逾期完成, 未完成 (passed, not done), or "" (not yet due).
    Only what was approved by `as_of` counts, so a cut-off date sees the past as it was."""
    done = occurrence.completed_on is not None and occurrence.completed_on <= as_of
    if done:
        return Outcome.LATE if occurrence.completed_on > occurrence.effective_due_date else Outcome.MET
    return Outcome.MISSED if is_overdue(occurrence.effective_due_date, as_of) else ""


DONE = (Outcome.MET, Outcome.LATE)


def is_done_for_year(status: str, deadline_count: int, year_outcomes) -> bool:
    """已完成 for one year: every deadline of that year done; with none in the year, or for a one-off reported
    done without naming its deadline (staff confirmed it), the status says it. A yearly task done for 2022
    is not done for 2023 (dashboard and bulletin count the same)."""
    if year_outcomes and all(o in DONE for o in year_outcomes):
        return True
    return (not year_outcomes or deadline_count <= 1) and status == MilestoneStatus.COMPLETED


def is_done(milestone) -> bool:
    """已完成 over all years: the status, and no deadline left open (a one-off is taken at its status)."""
    return milestone.status == MilestoneStatus.COMPLETED and (
        milestone.next_due is None or milestone.deadline_count <= 1
    )


def done_q(year: int | None) -> Q:
    """`is_done_for_year` / `is_done` over `with_tracking` rows (the task list behind the dashboard's 已完成)."""
    completed = Q(status=MilestoneStatus.COMPLETED)
    if year is None:
        return completed & (Q(next_due_date__isnull=True) | Q(deadline_total__lte=1))
    # The stored year rows (refresh_year_states) and deadline count (refresh_next_due), indexed.
    in_year = MilestoneYear.objects.filter(year=year, deadlines__gt=0)
    all_done = Q(pk__in=in_year.filter(undone=0).values("milestone_id"))
    return all_done | (completed & (~Q(pk__in=in_year.values("milestone_id")) | Q(deadline_total__lte=1)))


def occurrences_with_outcome(outcome: str, as_of: date):
    """The same rule over Occurrence rows (the task list's filter behind the dashboard's counts)."""
    occurrences = Occurrence.objects.annotate(
        effective_due=Coalesce("extended_due_date", "due_date", output_field=DateField())
    )
    return occurrences.filter(deadline_outcome_q(outcome, as_of))


def deadline_outcome_q(outcome: str, as_of: date) -> Q:
    """`deadline_outcome` over rows annotated with `effective_due`."""
    done_by = Q(is_deadline=True, completed_on__lte=as_of)
    if outcome == Outcome.MET:
        return done_by & Q(completed_on__lte=F("effective_due"))
    if outcome == Outcome.LATE:
        return done_by & Q(completed_on__gt=F("effective_due"))
    not_done = Q(completed_on__isnull=True) | Q(completed_on__gt=as_of)
    return Q(is_deadline=True) & not_done & overdue_q("effective_due", as_of)


def with_tracking(queryset, today: date):
    first, then = _tracking_annotations(today)
    return queryset.annotate(**first).annotate(**then)


@lru_cache(maxsize=4)
def _tracking_annotations(today: date) -> tuple[dict, dict]:
    """with_tracking's expressions, built once a day: building their subqueries was a few milliseconds of
    every list page (issue 13). Safe to share: annotate() resolves a copy of each, never the expression."""
    last_done = Occurrence.objects.filter(milestone=OuterRef("pk"), is_deadline=True, completed_on__isnull=False)
    effective_due = Coalesce("extended_due_date", "due_date")
    last_done = last_done.annotate(
        late=Case(When(completed_on__gt=effective_due, then=Value(True)), default=Value(False))
    ).order_by("-due_date")
    latest_report = ProgressReport.objects.filter(milestone=OuterRef("pk")).order_by("-submitted_at")
    latest_consolidated = latest_report.filter(kind=ReportKind.CONSOLIDATED)
    first = dict(
        # The denormalised, indexed columns written by refresh_next_due.
        next_due=F("next_due_date"),
        next_occurrence_id=F("next_deadline_id"),
        last_report_at=F("latest_report_at"),  # stored by refresh_report_columns
        last_report_state=Subquery(latest_consolidated.values("state")[:1], output_field=CharField()),
        last_done_due=Subquery(last_done.values("due_date")[:1], output_field=DateField()),
        last_done_late=Subquery(last_done.values("late")[:1]),
        deadline_count=F("deadline_total"),
    )
    then = dict(
        # On stored columns only (rag_q is the same rule as a filter).
        rag=Case(
            When(~Q(rag_override=""), then=F("rag_override")),
            When(status=MilestoneStatus.PAUSED, then=Value(Rag.GREY)),
            When(overdue_q("next_due", today), then=Value(Rag.RED)),
            When(status=MilestoneStatus.LAGGING, then=Value(Rag.RED)),
            When(
                due_within_q("next_due", today, YELLOW_WITHIN_DAYS),
                next_deadline_approved=False,
                then=Value(Rag.YELLOW),
            ),
            default=Value(Rag.GREEN),
            output_field=CharField(),
        ),
    )
    return first, then


def overdue(queryset, today: date):
    return queryset.filter(overdue_q("next_due", today))


def due_within(queryset, today: date, days: int):
    return queryset.filter(due_within_q("next_due", today, days))


_STATUS_LABELS = dict(MilestoneStatus.choices)


def period_status(milestone) -> str:
    """The status as a 组织部 reads it (task list, detail, /my/, exports): recurring work is done per year
    ("2023年度已完成", beside the next year's deadline), and a late completion says 逾期完成.
    Needs `with_tracking`'s annotations; reads attributes only, so the export's plain rows work too."""
    if milestone.status != MilestoneStatus.COMPLETED:
        return _STATUS_LABELS.get(milestone.status, milestone.status)  # get_status_display()'s answer
    if milestone.last_done_due is None:
        if milestone.deadline_count and milestone.next_due is not None:
            return "已报完成（未对应截止期次）"
        return _STATUS_LABELS[milestone.status]
    word = Outcome.LATE.label if milestone.last_done_late else "已完成"
    return f"{milestone.last_done_due.year}年度{word}" if milestone.deadline_count > 1 else word


def occurrence_state(occurrence, today: date, approved_occurrence_ids: set[int]) -> tuple[str, str]:
    """(label, bootstrap colour) for one occurrence on the detail page."""
    if occurrence.completed_on:
        late = occurrence.completed_late
        if occurrence.outcome in DONE:  # closed by 年度销号
            word = f"销号：{Outcome(occurrence.outcome).label}"
        else:
            word = Outcome.LATE.label if late else "已完成"
        return f"{word}（{cn_date(occurrence.completed_on)}）", "warning" if late else "success"
    if occurrence.outcome == Outcome.MISSED:
        if occurrence.is_open:
            return "逾期未完成（销号时未完成）", "danger"
        return "销号：未完成", "danger"
    if not occurrence.is_deadline:
        if occurrence.pk in approved_occurrence_ids:
            return "已报送", "success"
        return ("报送期", "secondary") if occurrence.due_date >= today else ("未报送", "warning")
    due = occurrence.effective_due_date
    if is_overdue(due, today):
        return "已逾期", "danger"
    if occurrence.pk in approved_occurrence_ids:
        return "进展已审核", "success"
    if in_yellow_window(due, today):
        return "即将到期", "warning"
    if occurrence.start_date > today:
        return "未开始", "secondary"
    return "进行中", "primary"
