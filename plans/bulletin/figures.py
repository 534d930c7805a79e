"""The figures of a 进展通报, counted once as at its cut-off and reconciled: every total is the sum of its
parts, and the document states each sum (issue 21). The node plans as they stood then come from
plans.bulletin.as_at; the indicators' verdicts from targets.trajectory (the one verdict) through
targets.standing, as the dashboard counts them; nothing here judges a figure again.

    节点计划 total = 已完成 + 未完成
    已完成        = 按期完成 + 逾期完成 + 其他已完成 (done by the report staff approved, no deadline of the year done)
    未完成        = 逾期未完成 + 尚未逾期
    逾期 (the dashboard's) = 逾期未完成 + 本年度已完成但以往年度期次未完成
    total        = 本年度已到期 (按期完成 + 逾期完成 + 到期未完成) + 本年度期次未到期
    指标 total    = the sum over every standing (达标, 正常, 落后, 未达标, …: whatever targets.standing lists)
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from plans.bulletin.as_at import CutoffTally, NodeAtCutoff, end_of, year_at_cutoff
from plans.bulletin.periods import Period
from plans.choices import Outcome, ReportState, UnitRole
from plans.models import MilestoneUnit, Plan, ProgressReport
from targets.models import Indicator
from targets.standing import Standing, standing_of
from targets.trajectory import figure_text, trajectory_of

UNCATEGORISED = "未分类"


@dataclass
class NodeFigures:
    """The node plans' counts, each part named so the sums can be written out."""

    total: int
    completed: int
    met: int  # 按期完成
    late: int  # 逾期完成
    completed_other: int  # 已完成, without a deadline of the year done (one-off confirmed by its report)
    not_completed: int
    overdue: int  # 逾期未完成
    not_overdue: int
    behind: int  # the dashboard's 逾期: overdue + behind_done
    behind_done: int  # done for the year, an earlier year's deadline still open
    due_soon: int  # of not_overdue
    missed: int  # 到期未完成: a deadline of the year passed and not done (part of not_completed)
    due: int  # 本年度已到期 = met + late + missed
    not_due: int  # total − due
    completion_rate: int
    average_percent: int

    @classmethod
    def of(cls, tally: CutoffTally) -> "NodeFigures":
        met, late, missed = (tally.outcomes[o] for o in (Outcome.MET, Outcome.LATE, Outcome.MISSED))
        not_completed = tally.total - tally.completed
        return cls(
            total=tally.total,
            completed=tally.completed,
            met=met,
            late=late,
            completed_other=tally.completed - met - late,
            not_completed=not_completed,
            overdue=tally.overdue_undone,
            not_overdue=not_completed - tally.overdue_undone,
            behind=tally.overdue,
            behind_done=tally.overdue - tally.overdue_undone,
            due_soon=tally.due_soon,
            missed=missed,
            due=met + late + missed,
            not_due=tally.total - met - late - missed,
            completion_rate=tally.completion_rate,
            average_percent=tally.average_percent,
        )


@dataclass
class IndicatorRow:
    name: str
    target: str
    planned: str
    actual: str
    completion: str
    verdict: str
    standing: Standing


@dataclass
class BulletinFigures:
    plan: Plan
    period: Period
    as_of: date
    nodes: NodeFigures
    per_category: list  # (name, CutoffTally), the uncategorised last; their totals add up to nodes.total
    overdue_by_unit: list  # (unit name, [NodeAtCutoff]) of the node plans behind, most first
    indicators: list[IndicatorRow]
    standings: list  # (Standing, count) for every standing, in targets.standing's order
    league: list  # [unit, led, on-time rate, overdue, awaiting review]

    @property
    def indicator_total(self) -> int:
        return len(self.indicators)


def count_figures(plan: Plan, period: Period, as_of: date) -> BulletinFigures:
    year = period.year
    nodes = year_at_cutoff(plan, year, as_of)
    tally, per_category = CutoffTally(), {}
    for node in nodes:
        tally.add(node, as_of)
        category = node.milestone.measure.item.category
        key = (category.position, category.name) if category else (10**6, UNCATEGORISED)
        per_category.setdefault(key, CutoffTally()).add(node, as_of)
    indicators = _indicator_rows(plan, year, as_of)
    counted = defaultdict(int)
    for row in indicators:
        counted[row.standing] += 1
    return BulletinFigures(
        plan=plan,
        period=period,
        as_of=as_of,
        nodes=NodeFigures.of(tally),
        per_category=[(name, t) for (_position, name), t in sorted(per_category.items())],
        overdue_by_unit=_overdue_by_unit([node for node in nodes if node.behind]),
        indicators=indicators,
        standings=[(standing, counted[standing]) for standing in Standing],
        league=_league_at_cutoff(nodes, as_of),
    )


def _indicator_rows(plan, year, as_of) -> list[IndicatorRow]:
    rows = []
    for indicator in Indicator.objects.filter(plan=plan).select_related("plan").prefetch_related("years"):
        t = trajectory_of(indicator, as_of)
        point = next((p for p in t.points if p.year == year), None)
        rows.append(
            IndicatorRow(
                indicator.name,
                indicator.target_display,
                "—" if point is None or point.planned is None else figure_text(point.planned),
                "—" if point is None or point.actual is None else figure_text(point.actual),
                t.completion_label,
                t.verdict_text,
                standing_of(t),
            )
        )
    return rows


def _leads_of(milestone_ids) -> tuple[dict, dict]:
    leads, units = defaultdict(list), {}
    for a in MilestoneUnit.objects.filter(milestone__in=milestone_ids, role=UnitRole.LEAD).select_related("unit"):
        leads[a.milestone_id].append(a.unit_id)
        units[a.unit_id] = a.unit
    return leads, units


def _overdue_by_unit(overdue_nodes: list[NodeAtCutoff]) -> list:
    leads, units = _leads_of([node.milestone.pk for node in overdue_nodes])
    by_unit = defaultdict(list)
    for node in overdue_nodes:
        for unit_id in leads[node.milestone.pk]:
            by_unit[units[unit_id].name].append(node)
    return sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0]))


def _league_at_cutoff(nodes, as_of: date) -> list[list]:
    """Lead units as the dashboard ranks them (most overdue, then lowest on-time rate), counted at the cut-off:
    the year's deadlines passed by then, and reports submitted by then but not reviewed by then."""
    ids = [node.milestone.pk for node in nodes]
    leads, units = _leads_of(ids)
    rows = {pk: {"unit": unit, "led": 0, "due": 0, "met": 0, "overdue": 0, "waiting": 0} for pk, unit in units.items()}
    for node in nodes:
        for unit_id in leads[node.milestone.pk]:
            row = rows[unit_id]
            row["led"] += 1
            row["overdue"] += node.behind
            row["due"] += node.deadlines_passed
            row["met"] += node.met_on_time
    cutoff = end_of(as_of)
    waiting = ProgressReport.objects.filter(milestone__in=ids, submitted_at__lte=cutoff).filter(
        Q(state=ReportState.SUBMITTED) | Q(reviewed_at__gt=cutoff)
    )
    for unit_id in waiting.values_list("unit_id", flat=True):
        if unit_id in rows:
            rows[unit_id]["waiting"] += 1
    for row in rows.values():
        row["rate"] = round(row["met"] * 100 / row["due"]) if row["due"] else None
    ranked = sorted(
        rows.values(), key=lambda r: (-r["overdue"], 101 if r["rate"] is None else r["rate"], r["unit"].name)
    )
    return [
        [r["unit"].name, r["led"], "—" if r["rate"] is None else f"{r['rate']}%", r["overdue"], r["waiting"]]
        for r in ranked
    ]
