"""The dashboard's figures over all years, stored per plan and day (PlanStatusFigures, PlanUnitFigures).

The all-plans dashboard of a province would otherwise scan every node plan, deadline and report on each
view (issue 13). Every change that moves a figure raises its plan's figures_version in the same
transaction (models.figures_changed: signals, the bulk writers, refresh_next_due). A reader counts again,
with the same grouped queries the live dashboard runs, only the plans whose stored version or day is not
the current one; the others are read from a few hundred stored rows. The nightly task counts every plan
for the new day, so the first leader of the morning does not wait.
"""

import logging
from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Max, Q, Sum
from django.db.models.functions import Coalesce

from plans.choices import Outcome, ReportState, UnitRole
from plans.models import (
    Milestone,
    MilestoneUnit,
    Occurrence,
    Plan,
    PlanFigures,
    PlanStatusFigures,
    PlanUnitFigures,
    ProgressReport,
)
from plans.tracking import (
    DUE_SOON_DAYS,
    done_q,
    due_within_q,
    overdue_q,
    year_outcome_q,
)
from targets.members import member_figures_of
from targets.models import Indicator, IndicatorYear
from targets.standing import standing_of
from targets.trajectory import trajectory_of

# One recount at a time (PostgreSQL advisory lock, held to the end of its transaction): a second reader
# waits, then finds the plans fresh, instead of writing the same rows beside the first one's.
RECOUNT_LOCK = 0x7A1E_F16
log = logging.getLogger(__name__)


def tally_rows(milestones, keys: tuple, today: date, year) -> list[dict]:
    """One grouped query: (keys..., status) → counts. Deadline outcomes (按期完成 / 逾期完成 / 未完成) are
    counted for a chosen year only, as before."""
    outcome_rows = {}
    if year:
        outcome_rows = {o: year_outcome_q(o.value, year, today) for o in Outcome}
    rows = (
        milestones.order_by()
        .values(*keys, "status")
        .annotate(
            n=Count("pk"),
            percent_sum=Sum("percent"),
            # On the denormalised next due date (tracking.refresh_next_due), as the task list filters.
            overdue=Count("pk", filter=overdue_q("next_due_date", today)),
            due_soon=Count("pk", filter=due_within_q("next_due_date", today, DUE_SOON_DAYS)),
            # 已完成 and 期限完成情况 by the same SQL as the task list's `done` / `outcome` filters, so a
            # count and the list its link opens agree.
            completed=Count("pk", filter=done_q(year or None)),
            **{f"outcome_{o.value}": Count("pk", filter=in_outcome) for o, in_outcome in outcome_rows.items()},
        )
    )
    return list(rows)


COUNTED_FIGURES = ("led", "overdue", "deadlines_passed", "met_on_time", "awaiting_review")


def stored_unit_figures(plan_ids) -> dict:
    """Unit → its figures summed over the plans, for the units leading node plans there (as the live count)."""
    rows = (
        PlanUnitFigures.objects.filter(plan__in=plan_ids)
        .order_by()
        .values("unit_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTED_FIGURES}, last=Max("last_report_at"))
        .filter(sum_led__gt=0)
    )
    return {
        row["unit_id"]: {**{name: row[f"sum_{name}"] for name in COUNTED_FIGURES}, "last_report_at": row["last"]}
        for row in rows
    }


def unit_figure_rows(scope, today: date, by_plan: bool) -> dict:
    """(plan id or None, unit id) → the league's figures, in three grouped scans: the node plans each unit
    leads, their passed deadlines, and the reports each unit wrote. `scope(prefix)` is the counted node
    plans as a condition through the relation `prefix`. By plan, the stored figures are these rows."""
    figures = defaultdict(lambda: dict.fromkeys(COUNTED_FIGURES, 0) | {"last_report_at": None})
    in_plan = {"in_plan": F("milestone__plan_id")} if by_plan else {}

    def key(row):
        return (row["in_plan"] if by_plan else None, row["unit_id"])

    leads = MilestoneUnit.objects.filter(scope("milestone__"), role=UnitRole.LEAD).order_by()
    leads = leads.values("unit_id", **in_plan).annotate(
        led=Count("pk"), overdue_count=Count("pk", filter=overdue_q("milestone__next_due_date", today))
    )
    for row in leads:
        figures[key(row)].update(led=row["led"], overdue=row["overdue_count"])
    # Deadlines whose effective date (extension included) has passed, and how many were met on time: one scan
    # of the deadlines joined to their lead units (not the lead units joined back to a subquery of deadlines).
    passed = (
        Occurrence.objects.filter(scope("milestone__"), is_deadline=True, due_date__lt=today)
        .annotate(effective=Coalesce("extended_due_date", "due_date", output_field=DateField()))
        .filter(effective__lt=today, milestone__assignments__role=UnitRole.LEAD)
        .order_by()
        .values(unit_id=F("milestone__assignments__unit_id"), **in_plan)
        .annotate(
            passed=Count("pk"),
            met=Count("pk", filter=Q(completed_on__isnull=False, completed_on__lte=F("effective"))),
        )
    )
    for row in passed:
        figures[key(row)].update(deadlines_passed=row["passed"], met_on_time=row["met"])
    # One scan of the reports for both figures.
    reports = ProgressReport.objects.filter(scope("milestone__")).order_by().values("unit_id", **in_plan)
    for row in reports.annotate(waiting=Count("pk", filter=Q(state=ReportState.SUBMITTED)), last=Max("submitted_at")):
        figures[key(row)].update(awaiting_review=row["waiting"], last_report_at=row["last"])
    return figures


def stale_plan_ids(plans, today: date) -> list[int]:
    """Plans whose stored figures are of another version (as the database has it now) or another day."""
    ids = [plan.pk for plan in plans]
    fresh = PlanFigures.objects.filter(plan_id__in=ids, computed_on=today, version=F("plan__figures_version"))
    fresh = set(fresh.values_list("plan_id", flat=True))
    return [pk for pk in ids if pk not in fresh]


# Plans a page's reader counts again itself (issue 22, a busy morning): the others changed since are counted
# by the background task, started when the reader's transaction ends, and shown as stored until then.
READER_RECOUNTS = 1


def ensure_fresh(plans, today: date, budget: int | None = None) -> int:
    """Count again the plans whose figures are stale; how many were counted. With a `budget` (a page's
    reader) at most that many plans counted before are counted here, in a fixed number of queries whatever the
    number of stale plans: plans never counted are counted too (they would be missing), the rest wait for the
    background task (recount_later). A budget of 0 reads what is stored: the caller has just made it fresh."""
    if budget == 0:
        return 0
    stale = stale_plan_ids(plans, today)
    if not stale:
        return 0
    if budget is not None:  # the same queries for one stale plan or fifty
        counted_before = set(PlanFigures.objects.filter(plan_id__in=stale).values_list("plan_id", flat=True))
        before = [pk for pk in stale if pk in counted_before]
        stale = [pk for pk in stale if pk not in counted_before] + before[:budget]
        if len(before) > budget:
            transaction.on_commit(recount_later)
    return recount(stale, today) if stale else 0


def recount_later() -> None:
    """The nightly task's recount of every stale plan, queued now (plans.tasks); with no broker, the next
    readers count one plan each, and the nightly run counts the rest."""
    from plans.tasks import recount_dashboard_figures

    try:
        recount_dashboard_figures.delay()
    except Exception as exc:  # the broker is down: never fail the reader's page for it
        log.warning("消息队列不可用，看板统计留待下一位读者或夜间任务：%s", exc)


def recount(plan_ids, today: date) -> int:
    """Store the figures of these plans for `today`, each stamped with the version read before counting:
    a change committed meanwhile raised the version, so its plan is counted again on the next read."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOUNT_LOCK])
        plans = list(Plan.objects.filter(pk__in=list(plan_ids)))
        stale = stale_plan_ids(plans, today)  # another reader may have counted them while this one waited
        if not stale:
            return 0
        versions = {plan.pk: plan.figures_version for plan in plans}
        status_rows = tally_rows(Milestone.objects.filter(plan__in=stale), ("plan_id",), today, None)
        unit_rows = unit_figure_rows(lambda prefix: Q(**{f"{prefix}plan__in": stale}), today, by_plan=True)
        PlanStatusFigures.objects.filter(plan__in=stale).delete()
        PlanUnitFigures.objects.filter(plan__in=stale).delete()
        PlanStatusFigures.objects.bulk_create(
            [
                PlanStatusFigures(
                    plan_id=row["plan_id"],
                    status=row["status"],
                    total=row["n"],
                    percent_sum=row["percent_sum"] or 0,
                    overdue=row["overdue"],
                    due_soon=row["due_soon"],
                    completed=row["completed"],
                )
                for row in status_rows
            ],
            batch_size=1000,
        )
        PlanUnitFigures.objects.bulk_create(
            [PlanUnitFigures(plan_id=plan_id, unit_id=unit_id, **row) for (plan_id, unit_id), row in unit_rows.items()],
            batch_size=1000,
        )
        standings = judged_indicators([plan for plan in plans if plan.pk in stale], today)
        PlanFigures.objects.bulk_create(
            [
                PlanFigures(plan_id=pk, version=versions[pk], computed_on=today, standings=standings.get(pk, []))
                for pk in stale
            ],
            update_conflicts=True,
            unique_fields=["plan"],
            update_fields=["version", "computed_on", "standings"],
        )
    return len(stale)


def judged_indicators(plans, today: date) -> dict:
    """Plan id → [[indicator id, position, standing], ...] in position order: every indicator judged as the
    dashboard judges it (targets.trajectory, targets.standing), in three queries (the third: the members'
    figures of a standard each county or leader must meet, asked whichever plans are counted)."""
    by_pk = {plan.pk: plan for plan in plans}
    indicators = list(Indicator.objects.filter(plan__in=list(by_pk)).order_by("plan_id", "position"))
    years = defaultdict(list)
    rows = IndicatorYear.objects.filter(indicator__plan__in=list(by_pk)).order_by("year")
    for year in rows.values_list("indicator_id", "year", "planned_text", "actual_value", named=True):
        years[year.indicator_id].append(year)
    attach_plan = Indicator.plan.field.set_cached_value
    judged = defaultdict(list)
    members = member_figures_of(i.pk for i in indicators)
    for indicator in indicators:
        attach_plan(indicator, by_pk[indicator.plan_id])
        trajectory = trajectory_of(indicator, today, years=years[indicator.pk], member_figures=members[indicator.pk])
        standing = standing_of(trajectory)
        judged[indicator.plan_id].append([indicator.pk, indicator.position, standing.value])
    return judged


def stored_standings(plans, today: date, budget: int | None = None) -> list[tuple[int, str]]:
    """(indicator id, standing) of these plans' indicators, fresh for `today` (but for what `budget` leaves to
    the background), in the plans' order and then each plan's indicator order (the dashboard's)."""
    ensure_fresh(plans, today, budget)
    stored = dict(PlanFigures.objects.filter(plan__in=[plan.pk for plan in plans]).values_list("plan_id", "standings"))
    return [(pk, standing) for plan in plans for pk, _position, standing in stored.get(plan.pk, [])]


def recount_all(today: date, force: bool = False) -> int:
    """The nightly run: every stale plan's figures for `today`; `force` (`manage.py recount_figures`)
    counts every plan again, whatever its stamp."""
    if force:
        PlanFigures.objects.all().delete()
    return ensure_fresh(Plan.objects.only("pk", "figures_version"), today)


def stored_status_rows(plans, today: date, budget: int | None = None) -> list[dict]:
    """The stored (plan, status) rows of these plans, in tally_rows' shape, fresh for `today` (but for what
    `budget` leaves to the background)."""
    ensure_fresh(plans, today, budget)
    rows = PlanStatusFigures.objects.filter(plan__in=[plan.pk for plan in plans]).order_by()
    return list(rows.values("plan_id", "status", "percent_sum", "overdue", "due_soon", "completed", n=F("total")))
