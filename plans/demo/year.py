"""A demo year: every lead unit's past deadlines (through its demo liaison) and the indicators' actual figures,
played through the real services at the dates they happened.

Deterministic: each deadline's fate comes from its node plan's position and the deadline's order, so every
`make run` on a fresh database shows the same portal. Of every ten past deadlines, six are met on time, two
late, one left overdue with a progress report, and one overdue with a completion report returned by staff.
Indicators get their figures as seed_demo_indicators says. Then the daily loop: an open 批示 and a 催办
(seed_demo_loop).
"""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from plans import access
from plans.choices import MilestoneStatus, UnitRole
from plans.demo.accounts import liaison_by_unit
from plans.models import Instruction, Milestone, ProgressReport
from plans.workflow import chasing, indicator_entries, instructions, reporting
from targets.choices import Cadence, IndicatorKind
from targets.models import Indicator, IndicatorEntry
from targets.trajectory import IndicatorSpec, required_value, spec_of

DEMO_LIAISONS = ("hr", "health", "science", "lile", "np-hr")
ON_TIME, LATE, OVERDUE, RETURNED = "on_time", "late", "overdue", "returned"
FATES = [ON_TIME] * 6 + [LATE] * 2 + [OVERDUE, RETURNED]


def fate_of(milestone_position: int, occurrence_index: int) -> str:
    return FATES[(milestone_position * 3 + occurrence_index) % len(FATES)]


@contextmanager
def demo_clock(day, hour=10):
    """Runs the real services as if on `day` (demo data only): every service and the change history read
    django.utils.timezone.now."""
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


DEMO_STAFF = ("staff", "np-staff")  # 江海区 and 南平市: each region's reports are reviewed by its own staff


def _submit_and_review(liaison, reviewers, milestone, occurrence, fate):
    due = occurrence.due_date
    if fate in (ON_TIME, LATE):
        submitted = due - timedelta(days=10) if fate == ON_TIME else due + timedelta(days=20)
        data = reporting.ReportInput(MilestoneStatus.COMPLETED, 100, "已完成，佐证材料已上传。", occurrence)
        approved = True
    elif fate == OVERDUE:
        submitted = due - timedelta(days=5)
        data = reporting.ReportInput(MilestoneStatus.IN_PROGRESS, 50, "正在推进，部分工作尚未完成。", occurrence)
        approved = True
    else:
        submitted = due - timedelta(days=3)
        data = reporting.ReportInput(MilestoneStatus.COMPLETED, 100, "已完成。", occurrence)
        approved = False
    with demo_clock(submitted):
        report = reporting.submit_report(liaison, milestone, data)
    with demo_clock(submitted + timedelta(days=3), hour=15):
        comment = "" if approved else "请补充完成情况的佐证材料（文件或照片）后重新报送。"
        staff = next((user for user in reviewers if access.can(user, "review", report)), None)
        if staff is not None:  # a region without demo staff keeps its reports waiting for review
            reporting.review_report(staff, report, approved, comment, report.version)


@transaction.atomic
def seed_demo_year(today=None) -> dict:
    """Plays every past deadline nobody has reported on yet, through the demo liaison of the node plan's first
    lead unit that has one. Returns counts per fate."""
    today = today or timezone.localdate()
    staff = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_STAFF)}
    reviewers = [staff[name] for name in DEMO_STAFF if name in staff]
    counts = dict.fromkeys(FATES, 0)
    liaisons = liaison_by_unit(DEMO_LIAISONS)
    if not reviewers or not liaisons:
        return counts
    reported = set(ProgressReport.objects.exclude(occurrence=None).values_list("occurrence_id", flat=True))
    milestones = (
        Milestone.objects.filter(assignments__role=UnitRole.LEAD, occurrences__is_deadline=True)
        .distinct()
        .select_related("plan")
        .prefetch_related("assignments")
        .order_by("plan__code", "position")
    )
    for milestone in milestones:
        leads = sorted((a for a in milestone.assignments.all() if a.role == UnitRole.LEAD), key=lambda a: a.position)
        liaison = next((liaisons[a.unit_id] for a in leads if a.unit_id in liaisons), None)
        if liaison is None or not access.can(liaison, "report", milestone):
            continue
        deadlines = milestone.occurrences.filter(is_deadline=True, due_date__lt=today).order_by("due_date")
        for index, occurrence in enumerate(deadlines):
            if occurrence.pk in reported:  # seed_demo_progress's report: its deadline keeps that report
                continue
            fate = fate_of(milestone.position, index)
            if fate == LATE and occurrence.due_date + timedelta(days=23) >= today:
                fate = OVERDUE  # a late completion cannot be dated in the future
            _submit_and_review(liaison, reviewers, milestone, occurrence, fate)
            counts[fate] += 1
    return counts


DEMO_INSTRUCTION = "请区人社局加快推进，两周内报送落实情况和下一步措施。"
DEMO_CHASE_MESSAGE = "该节点计划已逾期，请本周内报送进展。"
DEMO_CHASE_KEY = "demo-loop"  # the one 催办 of the demo: chasing.py records a key once per unit
DEMO_LOOP_UNIT = "区人力资源和社会保障局"  # the unit of demo liaison hr


def _overdue_hr_milestones(staff, today):
    return list(
        access.milestones(staff)
        .active()
        .filter(
            assignments__unit__name=DEMO_LOOP_UNIT,
            assignments__role=UnitRole.LEAD,
            next_due_date__lt=today,
            plan__region__code="jianghai",
        )
        .order_by("next_due_date", "plan__code", "position")[:2]
    )


@transaction.atomic
def seed_demo_loop(today=None) -> dict:
    """An open 批示 by the demo leader to 区人社局 (reply date two weeks ahead) and one 催办 of an overdue node plan
    that 区人社局 leads, by demo staff: through instructions.py and chasing.py, so both notify 区人社局's liaison.
    Idempotent: a second run finds them and adds nothing. Returns what it added."""
    today = today or timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["leader", "staff"])}
    added = {"instructions": 0, "chases": 0}
    if len(users) < 2:
        return added
    leader, staff = users["leader"], users["staff"]
    overdue = _overdue_hr_milestones(staff, today)
    if not overdue:
        return added
    if not Instruction.objects.filter(author=leader, text=DEMO_INSTRUCTION).exists():
        target = overdue[-1]  # the second longest overdue when there are two: the 催办 goes to the first
        unit = target.assignments.get(unit__name=DEMO_LOOP_UNIT).unit
        instructions.give_instruction(leader, target, DEMO_INSTRUCTION, [unit], today + timedelta(days=14))
        added["instructions"] = 1
    added["chases"] = len(chasing.chase_milestone(staff, overdue[0], DEMO_CHASE_MESSAGE, DEMO_CHASE_KEY))
    return added


# Indicators: every printed figure gets actuals for each plan year that has ended, entered in the January after
# by the indicator unit's demo liaison (else the region's demo staff) and approved by that region's staff.
# By position: most reach 100–125 % of the year's planned figure, one in six falls short (70–85 %; a yearly
# target in its last year only), and the 8th indicator of each plan lacks its latest year (its liaison's figure
# awaits review, or nobody reported it).
ABOVE = [Decimal(f) for f in ("1.00", "1.10", "1.20", "1.05", "1.25", "1.15")]
SHORT = [Decimal(f) for f in ("0.80", "0.70", "0.85")]
MISSING_LATEST_POSITION = 8
DEMO_SOURCE = "统计年报"


def factor_of(position: int) -> Decimal:
    return SHORT[position % len(SHORT)] if position % 6 == 5 else ABOVE[position % len(ABOVE)]


def planned_figures(spec: IndicatorSpec) -> tuple[str, dict[int, Decimal], Decimal | None]:
    """(value kind, the figure each year's entry carries at 100 % of plan, the increment the end target needs).
    An annual target is that year's own figure; a printed yearly path its increments; any other target a year-end
    total growing evenly to its deadline year (held level for a standard without deadline)."""
    years, comparator = list(spec.years), spec.comparator
    if spec.kind == IndicatorKind.ANNUAL:
        figures = {y: required_value(spec.yearly.get(y) or spec.target, comparator) for y in sorted(spec.due_years())}
        return IndicatorEntry.ValueKind.INCREMENT, {y: v for y, v in figures.items() if v is not None}, None
    base, target = spec.baseline or Decimal(0), required_value(spec.target, comparator)
    if spec.kind == IndicatorKind.CUMULATIVE and any(spec.yearly.get(y) for y in years):
        figures = {y: spec.yearly[y].value if spec.yearly.get(y) else Decimal(0) for y in years}
        return IndicatorEntry.ValueKind.INCREMENT, figures, None if target is None else target - base
    if target is None:
        return IndicatorEntry.ValueKind.TOTAL, {}, None
    if spec.effective_cadence == Cadence.ONGOING:
        return IndicatorEntry.ValueKind.TOTAL, dict.fromkeys(years, target), None
    deadline = spec.target_year if spec.target_year in spec.years else spec.end_year
    span = deadline - spec.start_year + 1
    figures = {y: base + (target - base) * min(y - spec.start_year + 1, span) / span for y in years}
    return IndicatorEntry.ValueKind.TOTAL, figures, None


def demo_figures(spec: IndicatorSpec, factor: Decimal, measure_unit: str) -> tuple[str, dict[int, Decimal]]:
    """The actual figures at `factor` of plan, whole numbers: at or above plan when factor ≥ 1, else surely short."""
    kind, planned, need = planned_figures(spec)
    above, increments = factor >= 1, kind == IndicatorEntry.ValueKind.INCREMENT
    if increments and need is not None and not above:
        total = sum(planned.values())
        factor = factor * need / total if total else factor  # short of the end target, not only of the path
    figures, previous = {}, Decimal(0)
    for year, plan in planned.items():
        value = (plan * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP if above else ROUND_FLOOR)
        if above:
            value = max(value, plan.quantize(Decimal(1), rounding=ROUND_CEILING))
            if measure_unit == "%":
                value = min(value, max(Decimal(100), plan))  # a rate stops at 100 %
        elif spec.kind == IndicatorKind.ANNUAL:  # held in the earlier years, short in the last one
            value = max(min(value, plan - 1), Decimal(0)) if year == max(planned) else plan
        if not increments:
            value = max(value, previous)  # a year-end total does not shrink
        figures[year], previous = value, value
    if figures:
        last = max(figures)
        reached = sum(figures.values()) if increments else figures[last]
        if increments and need is not None and above and reached < need:
            figures[last] += need - reached  # the path as printed may fall short of the end target
        limit = need if need is not None else (sum(planned.values()) if increments else planned[last])
        if not above and spec.kind != IndicatorKind.ANNUAL and reached >= limit:
            figures[last] = max(figures[last] - (reached - limit) - 1, Decimal(0))
    return kind, figures


def _enter_and_review(author, reviewers, indicator, year, kind, value, review: bool, member="") -> IndicatorEntry:
    day = min(date(year + 1, 1, 8 + indicator.position % 20), timezone.localdate())
    with demo_clock(day):
        entry = indicator_entries.submit_entry(author, indicator, year, kind, value, DEMO_SOURCE, member=member)
    staff = next((user for user in reviewers if access.can(user, "review", entry)), None)
    if review and staff is not None:
        with demo_clock(min(day + timedelta(days=3), timezone.localdate()), hour=15):
            indicator_entries.review_entry(staff, entry, True, "", entry.version)
    return entry


@transaction.atomic
def seed_demo_indicators(today=None) -> int:
    """Actual figures for every ended plan year of indicators nobody has entered a figure for. Idempotent: an
    indicator with any entry is left alone. Returns how many entries it added."""
    today = today or timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[*DEMO_STAFF, *DEMO_LIAISONS])}
    reviewers = [users[name] for name in DEMO_STAFF if name in users]
    liaisons = [users[name] for name in DEMO_LIAISONS if name in users]
    added = 0
    indicators = (
        Indicator.objects.exclude(pk__in=IndicatorEntry.objects.values("indicator_id"))
        .select_related("plan")
        .prefetch_related("years")
        .order_by("plan__code", "position")
    )
    for indicator in indicators:
        plan = indicator.plan
        liaison = next((user for user in liaisons if access.can(user, "enter", indicator)), None)
        author = liaison or next((user for user in reviewers if access.can(user, "enter", indicator)), None)
        if author is None:
            continue
        spec = spec_of(indicator, plan.start_year, plan.end_year)
        kind, figures = demo_figures(spec, factor_of(indicator.position), indicator.measure_unit)
        ended = [year for year in sorted(figures) if year < today.year]
        # A standard each member must meet: every member reports the same figure (none when none are listed).
        members = (indicator.members or []) if indicator.member_label else [""]
        for year in ended:
            latest_missing = indicator.position == MISSING_LATEST_POSITION and year == ended[-1] and len(ended) > 1
            if latest_missing and liaison is None:
                continue  # nobody reported it
            for member in members:
                _enter_and_review(
                    author, reviewers, indicator, year, kind, figures[year], not latest_missing, member=member
                )
                added += 1
    return added
