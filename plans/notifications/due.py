"""What is due: one digest per unit per day, a staff summary, escalations; plans.audience says who hears.

A unit is reminded on a day when one of its items hits a trigger: 30, 7 or 1 days before the deadline
(configurable), every 7 days while overdue, or 7 days before the end of a quarter in which ongoing
(长期推进) work has no report. The digest then lists all the unit's open items that are overdue or due
within the longest offset, most urgent first. Met, approved, closed, paused and on-demand work is
never reminded. Group lead units (各街道) are reminded through their member units.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from plans import audience
from plans.choices import InstructionState, MilestoneStatus, ReportState, ScheduleKind, SupervisionState
from plans.models import Escalation, Instruction, Occurrence, ProgressReport, SupervisionNotice
from units.models import Unit


@dataclass
class DueItem:
    """One deadline or report request a unit hears about (not to be confused with the plan's 项目内容, Item)."""

    occurrence_id: int
    milestone_id: int
    plan_id: int
    plan: str
    measure: str
    milestone: str
    due: date
    days_left: int  # negative when overdue
    kind: str  # "deadline" or "report_request"
    triggered: bool
    link: str
    lead_unit_ids: list[int] = field(default_factory=list)
    co_unit_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "occurrence_id": self.occurrence_id,
            "milestone_id": self.milestone_id,
            "plan": self.plan,
            "measure": self.measure,
            "milestone": self.milestone,
            "due": self.due.isoformat(),
            "days_left": self.days_left,
            "kind": self.kind,
            "link": self.link,
        }


@dataclass
class Digest:
    kind: str
    items: list[DueItem]
    unit: Unit | None = None
    user: object = None

    @property
    def recipient_key(self) -> str:
        return f"unit:{self.unit.pk}" if self.unit else f"user:{self.user.pk}"


def _triggered_within(days_left: int, missed_days: int, rule=None) -> bool:
    """Triggered today or on one of the missed_days before (when days_left was larger by that many days)."""
    rule = rule or _triggered
    return any(rule(days_left + back) for back in range(missed_days + 1))


def _triggered(days_left: int) -> bool:
    if days_left >= 0:
        return days_left in settings.REMINDER_OFFSETS
    return (-days_left) % settings.REMINDER_OVERDUE_EVERY_DAYS == 0


def open_items(today: date, plan_codes=None, missed_days: int = 0) -> list[DueItem]:
    """Every deadline overdue or due within the longest offset, and today's ongoing-report requests. With
    missed_days (a catch-up), an item counts as triggered if it was on any of those earlier days or today, and
    the report requests of those days are included: one message then says what the missed days would have.

    Plain values of the needed columns (never model instances), and the units in two more queries
    whatever the number of rows: at 100k node plans this is a few thousand tuples, not object graphs."""
    horizon = today + timedelta(days=max(settings.REMINDER_OFFSETS, default=0))
    approved = ProgressReport.objects.filter(occurrence=OuterRef("pk"), state=ReportState.APPROVED)
    other_deadlines = Occurrence.objects.filter(milestone=OuterRef("milestone"), is_deadline=True).exclude(
        pk=OuterRef("pk")
    )
    occurrences = (
        Occurrence.objects.open()
        .filter(milestone__plan__archived_at__isnull=True)
        .exclude(milestone__status=MilestoneStatus.PAUSED)
        # 已完成 silences a one-off; recurring work done for one year still owes the next (status is per year).
        .exclude(Q(milestone__status=MilestoneStatus.COMPLETED) & ~Exists(other_deadlines))
        .exclude(milestone__schedule_kind=ScheduleKind.ON_DEMAND)
        .order_by()
    )
    if plan_codes:
        occurrences = occurrences.filter(milestone__plan__code__in=plan_codes)
    deadlines = occurrences.filter(is_deadline=True, effective_due__lte=horizon).exclude(Exists(approved))
    notice = today + timedelta(days=settings.REMINDER_ONGOING_NOTICE_DAYS)
    reported = ProgressReport.objects.filter(
        milestone=OuterRef("milestone"),
        submitted_at__date__gte=OuterRef("start_date"),
        submitted_at__date__lte=OuterRef("due_date"),
    )
    first_notice = notice - timedelta(days=missed_days)
    requests = occurrences.filter(is_deadline=False, due_date__range=(first_notice, notice)).exclude(Exists(reported))
    columns = (
        "pk",
        "milestone_id",
        "milestone__plan_id",
        "milestone__plan__title",
        "milestone__plan__notify_co_units",
        "milestone__measure__text",
        "milestone__text",
        "effective_due",
        "is_deadline",
    )
    rows = list(deadlines.values_list(*columns)) + list(requests.values_list(*columns))
    receivers = audience.reminded_units({row[1] for row in rows})
    # One reverse() for the address pattern, not one per row.
    link = settings.SITE_URL.rstrip("/") + reverse("plans:milestone", args=[0]).replace("/0/", "/{}/")
    items = []
    for (
        pk,
        milestone_id,
        plan_id,
        plan,
        notify_co,
        measure,
        text,
        due,
        is_deadline,
    ) in rows:
        days_left = (due - today).days
        lead, co = receivers.get(milestone_id, ([], []))
        items.append(
            DueItem(
                occurrence_id=pk,
                milestone_id=milestone_id,
                plan_id=plan_id,
                plan=plan,
                measure=measure,
                milestone=text,
                due=due,
                days_left=days_left,
                kind="deadline" if is_deadline else "report_request",
                triggered=_triggered_within(days_left, missed_days) if is_deadline else True,
                link=link.format(milestone_id),
                lead_unit_ids=lead,
                co_unit_ids=co if notify_co else [],
            )
        )
    return sorted(items, key=lambda i: (i.days_left, i.plan, i.milestone_id))  # most overdue first, then soonest


def plan_digests(today: date, plan_codes=None, missed_days: int = 0) -> list[Digest]:
    """The day's digests; with missed_days, one catch-up per recipient for those days and today together."""
    items = open_items(today, plan_codes, missed_days)
    digests = []
    for kind, attribute in (("unit_digest", "lead_unit_ids"), ("co_unit_digest", "co_unit_ids")):
        by_unit = defaultdict(list)
        for item in items:
            for unit_id in getattr(item, attribute):
                by_unit[unit_id].append(item)
        units = Unit.objects.in_bulk(list(by_unit))
        for unit_id, unit_items in by_unit.items():
            # Requests for ongoing work are listed only on the day they are made.
            listed = [i for i in unit_items if i.kind == "deadline" or i.triggered]
            if any(i.triggered for i in listed):
                digests.append(Digest(kind, listed, unit=units[unit_id]))
    digests += instruction_digests(today, plan_codes, missed_days)
    digests += supervision_digests(today, plan_codes)
    digests.sort(key=lambda d: (d.kind, d.unit.name))
    overdue = [i for i in items if i.kind == "deadline" and i.days_left < 0]
    if overdue:
        summaries = audience.overdue_summaries(overdue)
        digests += [Digest("staff_summary", own, user=user) for user, own in summaries.items()]
    digests += _escalations(overdue)
    return digests


INSTRUCTION_OFFSETS = (7, 1)  # days before a 批示's reply date; then weekly once it has passed


def _instruction_triggered(days_left: int) -> bool:
    if days_left >= 0:
        return days_left in INSTRUCTION_OFFSETS
    return (-days_left) % settings.REMINDER_OVERDUE_EVERY_DAYS == 0


def instruction_digests(today: date, plan_codes=None, missed_days: int = 0) -> list[Digest]:
    """Open 批示 whose reply date is 7 or 1 days away or passed (weekly), one digest per addressed unit."""
    instructions = (
        Instruction.objects.active()
        .exclude(state=InstructionState.DONE)
        .filter(reply_by__isnull=False, reply_by__lte=today + timedelta(days=max(INSTRUCTION_OFFSETS)))
        .select_related("milestone__plan")
        .prefetch_related("units__members")
    )
    if plan_codes:
        instructions = instructions.filter(milestone__plan__code__in=plan_codes)
    by_unit = defaultdict(list)
    for instruction in instructions:
        days_left = (instruction.reply_by - today).days
        if not _triggered_within(days_left, missed_days, _instruction_triggered):
            continue
        milestone = instruction.milestone
        item = DueItem(
            occurrence_id=0,
            milestone_id=milestone.pk,
            plan_id=milestone.plan_id,
            plan=milestone.plan.title,
            measure=f"领导批示：{instruction.text}",
            milestone=milestone.text,
            due=instruction.reply_by,
            days_left=days_left,
            kind="instruction",
            triggered=True,
            link=settings.SITE_URL.rstrip("/") + instruction.get_absolute_url(),
        )
        for receiver in audience.instruction_reminded_units(instruction):
            by_unit[receiver].append(item)
    return [Digest("instruction_due", items, unit=unit) for unit, items in by_unit.items()]


def supervision_digests(today: date, plan_codes=None) -> list[Digest]:
    """督办单 the addressed unit must act on: every day while it is not signed (签收), and, once signed, 7 and
    1 days before its reply date and weekly after it while no 回执 is in (or a returned one is not redone)."""
    notices = (
        SupervisionNotice.objects.filter(
            state__in=[SupervisionState.ISSUED, SupervisionState.SIGNED, SupervisionState.RETURNED]
        )
        .select_related("unit")
        .prefetch_related("unit__members", "milestones__plan")
        .order_by("reply_by", "pk")
    )
    if plan_codes:
        notices = notices.filter(milestones__plan__code__in=plan_codes).distinct()
    by_unit = defaultdict(list)
    for notice in notices:
        days_left = (notice.reply_by - today).days
        unsigned = notice.state == SupervisionState.ISSUED
        if not unsigned and not _instruction_triggered(days_left):
            continue
        milestones = sorted(notice.milestones.all(), key=lambda m: m.pk)
        if not milestones:
            continue
        first = milestones[0]
        more = f"等{len(milestones)}项" if len(milestones) > 1 else ""
        item = DueItem(
            occurrence_id=0,
            milestone_id=first.pk,
            plan_id=first.plan_id,
            plan=first.plan.title,
            measure=f"{notice.get_colour_display()}单{notice.number}：{notice.requirement}",
            milestone=first.text + more,
            due=notice.reply_by,
            days_left=days_left,
            kind="supervision_unsigned" if unsigned else "supervision",
            triggered=True,
            link=settings.SITE_URL.rstrip("/") + notice.get_absolute_url(),
        )
        for receiver in audience.supervision_reminded_units(notice):
            by_unit[receiver].append(item)
    return [Digest("supervision_due", items, unit=unit) for unit, items in by_unit.items()]


def _escalations(overdue: list[DueItem]) -> list[Digest]:
    """Items overdue for more than REMINDER_ESCALATE_AFTER_DAYS, each reported to leaders once."""
    limit = settings.REMINDER_ESCALATE_AFTER_DAYS
    already = set(
        Escalation.objects.filter(occurrence_id__in=[i.occurrence_id for i in overdue]).values_list(
            "occurrence_id", flat=True
        )
    )
    due = [i for i in overdue if -i.days_left > limit and i.occurrence_id not in already]
    if not due:
        return []
    return [Digest("escalation", items, user=user) for user, items in audience.escalations(due).items()]
