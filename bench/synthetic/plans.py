"""Synthetic plans: structure, node plans with their units and deadlines, and the reports on them.

Reports get the history rows the portal would have written (submitted, reviewed); other models get
none. Every row keeps the invariants the portal relies on: each node plan has exactly one lead unit, its
deadlines are what the schedule parser derives from its completion time (as plans/loading/load.py does),
reports come from units of the node plan and authors who act for them, and a deadline is met only
by an approved "已完成" report for it.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bench.synthetic import text
from bench.synthetic.ids import IdAllocator, bulk
from plans.choices import ExtensionState, MilestoneStatus, Outcome, ReportKind, ReportState, UnitRole
from plans.models import (
    Category,
    ExtensionRequest,
    Instruction,
    Item,
    ItemUnit,
    Measure,
    Milestone,
    MilestoneUnit,
    Occurrence,
    Plan,
    PlanYearClosure,
    ProgressReport,
)
from plans.schedule import parse_schedule
from plans.workflow.year_close import closing_outcome

# Insert order: parents before children (foreign keys are checked at once on PostgreSQL).
ORDER = [
    Plan,
    Category,
    Item,
    ItemUnit,
    Measure,
    Milestone,
    MilestoneUnit,
    Occurrence,
    ProgressReport,
    ExtensionRequest,
    Instruction,
    Instruction.units.through,  # the units a 批示 names (its lead unit here, as the portal defaults)
    PlanYearClosure,
]
MET_SHARE = 0.85  # past deadlines met by an approved "已完成" report
ONGOING_REPORTED_SHARE = 0.3  # past report periods of ongoing work with an approved report
REPORTS_PER_MILESTONE = 3


def _pk(obj_or_id) -> int:
    return getattr(obj_or_id, "pk", obj_or_id)


def report_budgets(rows: int, total: int, rng) -> list[int]:
    """Reports per node plan, skewed: the first node plans of a plan get many, most get a handful."""
    counts = [0] * rows
    for _ in range(total):
        counts[int(rows * rng.random() ** 3)] += 1
    return counts


class Buffer:
    """Rows waiting for bulk_create, flushed in foreign-key order when large."""

    def __init__(self, limit=60_000):
        self.rows = {model: [] for model in ORDER}
        self.limit = limit
        self.counts = {model.__name__: 0 for model in ORDER}

    def add(self, obj):
        self.rows[type(obj)].append(obj)

    def maybe_flush(self):
        if sum(len(rows) for rows in self.rows.values()) >= self.limit:
            self.flush()

    def flush(self):
        for model in ORDER:
            if self.rows[model]:
                bulk(model, self.rows[model])
                self.counts[model.__name__] += len(self.rows[model])
                if model is ProgressReport:
                    history = [row for report in self.rows[model] for row in report_history(report)]
                    bulk(ProgressReport.history.model, history)
                    self.counts["HistoricalProgressReport"] = self.counts.get("HistoricalProgressReport", 0) + len(
                        history
                    )
                self.rows[model] = []


def report_history(report: ProgressReport) -> list:
    """The history rows a report made through the portal leaves: submitted by its author ("+"), then
    reviewed by staff ("~"). The detail page's timeline reads them, so the benchmark page is realistic."""
    History = ProgressReport.history.model
    values = {field.attname: getattr(report, field.attname) for field in ProgressReport._meta.concrete_fields}
    reviewed = report.state in (ReportState.APPROVED, ReportState.RETURNED)
    submitted = {**values, "state": ReportState.SUBMITTED, "reviewer_id": None, "reviewed_at": None}
    submitted["review_comment"] = ""
    rows = [
        History(
            **(submitted if reviewed else values),
            history_date=report.submitted_at,
            history_type="+",
            history_user_id=report.author_id,
        )
    ]
    if reviewed:
        reason = "审核通过" if report.state == ReportState.APPROVED else "退回"
        rows.append(
            History(
                **values,
                history_date=report.reviewed_at,
                history_type="~",
                history_user_id=report.reviewer_id,
                history_change_reason=reason,
            )
        )
    return rows


def _at(day: date, rng) -> datetime:
    return datetime.combine(day, time(9 + rng.randrange(9), rng.randrange(60)), tzinfo=timezone.get_current_timezone())


def _phrase(rng, years: range) -> str:
    roll = rng.random()
    if roll < 0.30:
        year, month = rng.choice(years), rng.choice(text.ONCE_MONTHS)
        return f"{year}年底" if month == 12 and rng.random() < 0.5 else f"{year}年{month}月"
    if roll < 0.50:
        return rng.choice(text.YEARLY_PHRASES)
    if roll < 0.53:
        return "每两年"
    if roll < 0.95:
        return "长期推进"
    return "按需开展"


class PlanBuilder:
    def __init__(self, people, ids: IdAllocator, rng, today: date, buffer: Buffer):
        self.people, self.ids, self.rng, self.today, self.buffer = people, ids, rng, today, buffer
        # A few units lead much of the work (as 组织部 and 人社局 do): Zipf-like weights.
        self.lead_weights = {
            region_id: [1 / (rank + 1) ** 0.8 for rank in range(len(units))]
            for region_id, units in people.units.items()
        }
        self.stats = {"deadlines_met": 0, "deadlines_open_past": 0}

    def build(self, index: int, rows: int) -> Plan:
        rng, today = self.rng, self.today
        region = self.people.regions[index % len(self.people.regions)]
        start = today.year - 2 + index % 2
        plan = Plan(
            pk=self.ids.next(Plan),
            code=f"syn-{index + 1:04d}",
            title=f"{region.name}人才工作行动计划（合成第{index + 1}号，{start}年—{start + 2}年）",
            document_number=f"合成人才〔{start}〕{index + 1}号",
            issuers=f"中共{region.name}委员会组织部、{region.name}人才工作领导小组办公室",
            issue_date=date(start, 3, 1),
            start_year=start,
            end_year=start + 2,
            region=region,
            source_document="合成数据（gen_synthetic）",
        )
        self.buffer.add(plan)
        closed_year = start if start + 1 < today.year else None
        categories = [
            Category(pk=self.ids.next(Category), plan=plan, position=n + 1, name=name)
            for n, name in enumerate(text.CATEGORIES[: 4 + index % 2])
        ]
        for category in categories:
            self.buffer.add(category)
        items = self._items(plan, categories, max(1, rows // 20), region)
        measures = []
        for n in range((rows + 1) // 2):
            item = items[n * len(items) // ((rows + 1) // 2)]
            measure = Measure(
                pk=self.ids.next(Measure),
                plan=plan,
                item=item,
                position=n + 1,
                text=f"{n + 1}.{rng.choice(text.VERBS)}{rng.choice(text.OBJECTS)}，{rng.choice(text.DETAILS)}",
            )
            measures.append(measure)
            self.buffer.add(measure)
        drafts = [
            self._milestone(plan, measures[(position - 1) // 2], position, region) for position in range(1, rows + 1)
        ]
        # Reports due anyway (met deadlines, reported periods) count first; the rest of 3 per node plan is
        # spread with a skew, so a few node plans carry hundreds of reports.
        required = sum(len(draft[-1]) for draft in drafts)
        budgets = report_budgets(rows, max(0, REPORTS_PER_MILESTONE * rows - required), rng)
        counts = Counter()
        for draft, budget in zip(drafts, budgets, strict=True):
            counts += self._finish(*draft, budget, closed_year)
        if closed_year is not None:
            self.buffer.add(
                PlanYearClosure(
                    pk=self.ids.next(PlanYearClosure),
                    plan=plan,
                    year=closed_year,
                    closed_by_id=self.people.staff_ids[0],
                    met_count=counts[Outcome.MET],
                    late_count=counts[Outcome.LATE],
                    missed_count=counts[Outcome.MISSED],
                )
            )
        self.buffer.maybe_flush()
        return plan

    def _items(self, plan, categories, count, region) -> list[Item]:
        items = []
        units = self.people.units[region.pk]
        for n in range(count):
            category = categories[n * len(categories) // count]  # items grouped by category, as documents are
            topic = text.ITEM_TOPICS[n % len(text.ITEM_TOPICS)]
            item = Item(
                pk=self.ids.next(Item),
                plan=plan,
                category=category,
                number=n + 1,
                title=topic,
                worklist_label=f"({n + 1}){topic}",
            )
            items.append(item)
            self.buffer.add(item)
            for position, unit in enumerate(self.rng.sample(units, min(2, len(units))), start=1):
                role = UnitRole.LEAD if position == 1 else UnitRole.RESPONSIBLE
                self.buffer.add(
                    ItemUnit(
                        pk=self.ids.next(ItemUnit),
                        item=item,
                        unit=unit,
                        role=role,
                        position=position,
                        written_name=unit.name,
                    )
                )
        return items

    def _units(self, region):
        """The lead unit first, then 0–3 co-responsible units; the region's group unit now and then."""
        rng, units, group = self.rng, self.people.units[region.pk], self.people.groups[region.pk]
        lead = group if rng.random() < 0.03 else rng.choices(units, weights=self.lead_weights[region.pk])[0]
        others = [u for u in rng.sample(units, min(len(units), rng.randrange(4))) if u.pk != lead.pk]
        if lead is not group and rng.random() < 0.1:
            others.append(group)
        return lead, others

    def _author(self, unit) -> int:
        if unit.is_group:  # a street's liaison reports for 各街道
            street = next(u for u in self.people.units[unit.region_id] if u.kind == "street")
            return self.people.liaison_of[street.pk]
        return self.people.liaison_of[unit.pk]

    def _milestone(self, plan, measure, position, region):
        rng = self.rng
        phrase = _phrase(rng, plan.years)
        inferred = rng.random() < 0.1
        schedule = parse_schedule(phrase)
        milestone = Milestone(
            pk=self.ids.next(Milestone),
            plan=plan,
            measure=measure,
            position=position,
            text=f"{rng.choice(text.VERBS)}{rng.choice(text.OBJECTS)}，{rng.choice(text.DETAILS)}（第{position}项）",
            due_text="" if inferred else phrase,
            schedule_text=phrase if inferred else "",
            schedule_kind=schedule.kind,
        )
        self.buffer.add(milestone)
        lead, others = self._units(region)
        for n, (unit, role) in enumerate(
            [(lead, UnitRole.LEAD)] + [(u, UnitRole.RESPONSIBLE) for u in others], start=1
        ):
            self.buffer.add(
                MilestoneUnit(
                    pk=self.ids.next(MilestoneUnit),
                    milestone=milestone,
                    unit=unit,
                    role=role,
                    position=n,
                    written_name=unit.name,
                )
            )
        occurrences = []
        for derived in schedule.occurrences(plan.start_year, plan.end_year) + schedule.report_periods(
            plan.start_year, plan.end_year
        ):
            occurrence = Occurrence(
                pk=self.ids.next(Occurrence),
                milestone=milestone,
                label=derived.label,
                start_date=derived.start,
                due_date=derived.due,
                is_deadline=derived.is_deadline,
            )
            occurrences.append(occurrence)
            self.buffer.add(occurrence)
        return milestone, lead, others, occurrences, self._required_reports(milestone, lead, occurrences)

    def _finish(self, milestone, lead, others, occurrences, reports, budget, closed_year) -> tuple[int, int]:
        reports += self._extra_reports(milestone, lead, others, occurrences, budget)
        self._settle(milestone, reports, occurrences)
        counts = Counter()
        for occurrence in occurrences:
            if closed_year and occurrence.is_deadline and occurrence.due_date.year == closed_year:
                # The close's own rule (plans.workflow.year_close); every completion here is on or before the data day.
                occurrence.outcome = closing_outcome(occurrence, date.max)
                counts[occurrence.outcome] += 1
        self._extras(milestone, lead, occurrences)
        return counts

    def _report(self, milestone, unit, kind, state, status, percent, occurrence, submitted: date) -> ProgressReport:
        rng = self.rng
        report = ProgressReport(
            pk=self.ids.next(ProgressReport),
            milestone=milestone,
            occurrence=occurrence,
            unit=unit,
            kind=kind,
            state=state,
            status=status,
            percent=percent,
            narrative=rng.choice(text.NARRATIVES).format(n=rng.randrange(1, 30), m=rng.randrange(20, 900)),
            author_id=self._author(unit),
            submitted_at=_at(submitted, rng),
        )
        if state in (ReportState.APPROVED, ReportState.RETURNED):
            report.reviewer_id = rng.choice(self.people.staff_ids)
            report.reviewed_at = min(
                report.submitted_at + timedelta(days=rng.randrange(1, 6)), _at(self.today, rng) - timedelta(hours=12)
            )
            report.reviewed_at = max(report.reviewed_at, report.submitted_at)
            if state == ReportState.RETURNED:
                report.review_comment = rng.choice(text.RETURN_COMMENTS)
        self.buffer.add(report)
        return report

    def _required_reports(self, milestone, lead, occurrences) -> list[ProgressReport]:
        rng, today = self.rng, self.today
        reports = []
        started = [o for o in occurrences if o.start_date <= today]
        # Deadlines and report periods that have passed: most were met or reported, the rest are overdue.
        for occurrence in started:
            if occurrence.due_date >= today:
                continue
            if occurrence.is_deadline and rng.random() < MET_SHARE:
                day = max(occurrence.start_date, occurrence.due_date - timedelta(days=rng.randrange(25)))
                report = self._report(
                    milestone,
                    lead,
                    ReportKind.CONSOLIDATED,
                    ReportState.APPROVED,
                    MilestoneStatus.COMPLETED,
                    100,
                    occurrence,
                    day,
                )
                occurrence.completed_on = timezone.localtime(report.reviewed_at).date()
                self.stats["deadlines_met"] += 1
                reports.append(report)
            elif not occurrence.is_deadline and rng.random() < ONGOING_REPORTED_SHARE:
                day = max(occurrence.start_date, occurrence.due_date - timedelta(days=rng.randrange(20)))
                percent = rng.randrange(10, 95)
                reports.append(
                    self._report(
                        milestone,
                        lead,
                        ReportKind.CONSOLIDATED,
                        ReportState.APPROVED,
                        MilestoneStatus.IN_PROGRESS,
                        percent,
                        occurrence,
                        day,
                    )
                )
            elif occurrence.is_deadline:
                self.stats["deadlines_open_past"] += 1
        return reports

    def _extra_reports(self, milestone, lead, others, occurrences, budget) -> list[ProgressReport]:
        """Progress reports, returned ones, and co-responsible units' input."""
        rng, today = self.rng, self.today
        plan_start = date(milestone.plan.start_year, 1, 1)
        started = [o for o in occurrences if o.start_date <= today]
        reports = []
        span = max(1, (today - plan_start).days - 1)
        for n in range(budget):
            occurrence = rng.choice(started) if started and rng.random() < 0.7 else None
            day = plan_start + timedelta(days=rng.randrange(span))
            last = n == budget - 1
            if others and rng.random() < 0.2:
                unit = rng.choice(others)
                report = self._report(
                    milestone,
                    unit,
                    ReportKind.INPUT,
                    ReportState.SHARED,
                    MilestoneStatus.IN_PROGRESS,
                    rng.randrange(0, 90),
                    occurrence,
                    day,
                )
            else:
                if last and rng.random() < 0.15:
                    state, day = ReportState.SUBMITTED, today - timedelta(days=rng.randrange(14))
                else:
                    state = ReportState.RETURNED if rng.random() < 0.15 else ReportState.APPROVED
                status = MilestoneStatus.LAGGING if rng.random() < 0.1 else MilestoneStatus.IN_PROGRESS
                report = self._report(
                    milestone, lead, ReportKind.CONSOLIDATED, state, status, rng.randrange(5, 95), occurrence, day
                )
            reports.append(report)
        return reports

    def _settle(self, milestone, reports, occurrences) -> None:
        """The node plan's status is the one of its latest approved consolidated report (as review_report sets it)."""
        approved = [r for r in reports if r.state == ReportState.APPROVED and r.kind == ReportKind.CONSOLIDATED]
        if approved:
            latest = max(approved, key=lambda r: (r.reviewed_at, r.pk))
            milestone.status, milestone.percent = latest.status, latest.percent
            deadlines = [o for o in occurrences if o.is_deadline]
            if milestone.status == MilestoneStatus.COMPLETED and any(o.completed_on is None for o in deadlines):
                milestone.status, milestone.percent = MilestoneStatus.IN_PROGRESS, min(latest.percent, 90)
        roll = self.rng.random()
        if roll < 0.01:
            milestone.status = MilestoneStatus.PAUSED
        elif roll < 0.015:
            milestone.rag_override, milestone.rag_override_reason = "green", "已与牵头单位核实，按新的时间安排推进"

    def _extras(self, milestone, lead, occurrences) -> None:
        """A few extension requests (pending or approved) and leaders' instructions."""
        rng, today = self.rng, self.today
        upcoming = [
            o for o in occurrences if o.is_deadline and o.completed_on is None and not o.outcome and o.due_date >= today
        ]
        roll = rng.random()
        if upcoming and roll < 0.01:
            occurrence = upcoming[0]
            approved = roll < 0.005
            new_date = occurrence.due_date + timedelta(days=30)
            self.buffer.add(
                ExtensionRequest(
                    pk=self.ids.next(ExtensionRequest),
                    milestone=milestone,
                    occurrence=occurrence,
                    unit=lead,
                    requested_due_date=new_date,
                    reason="受客观因素影响，申请顺延一个月。",
                    state=ExtensionState.APPROVED if approved else ExtensionState.PENDING,
                    requested_by_id=self._author(lead),
                    reviewer_id=self.people.staff_ids[0] if approved else None,
                    reviewed_at=_at(today, rng) - timedelta(days=1) if approved else None,
                )
            )
            if approved:
                occurrence.extended_due_date = new_date
        if rng.random() < 0.01:
            instruction_id = self.ids.next(Instruction)
            self.buffer.add(
                Instruction(
                    pk=instruction_id,
                    milestone=milestone,
                    author_id=self.people.leader_ids[0],
                    text="请牵头单位加快推进，确保按期完成。",
                )
            )
            self.buffer.add(Instruction.units.through(instruction_id=instruction_id, unit_id=_pk(lead)))
