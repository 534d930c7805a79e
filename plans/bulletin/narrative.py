"""The three sections staff write in a 进展通报 (工作开展情况, 存在问题, 下步打算), and their first draft:
seeded from the reports staff approved in the period (what each lead unit said it did), so staff edit
rather than start from nothing. Seeds 003 and 004 show the register: work done with its figures woven in,
then problems, then next steps."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from plans.bulletin.as_at import end_of
from plans.bulletin.periods import Period
from plans.choices import ReportKind, ReportState
from plans.models import ProgressReport
from talentplan.lib.dates import cn_date

SEEDED_REPORTS = 30  # the approved reports a draft is seeded from, most advanced first
SECTIONS = (("work_done", "工作开展情况"), ("problems", "存在问题"), ("next_steps", "下步打算"))


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Narrative:
    work_done: str = ""
    problems: str = ""
    next_steps: str = ""


def approved_reports(plan, period: Period, as_of: date):
    """The lead units' consolidated reports approved within the period, up to its cut-off."""
    return (
        ProgressReport.objects.filter(
            milestone__plan=plan,
            kind=ReportKind.CONSOLIDATED,
            state=ReportState.APPROVED,
            reviewed_at__gte=start_of(period.start),
            reviewed_at__lte=end_of(as_of),
        )
        .select_related("unit", "milestone__measure__item__category")
        .order_by("milestone__measure__item__category__position", "unit__name", "-percent", "reviewed_at")
    )


def seed_narrative(plan, period: Period, as_of: date, overdue: int) -> Narrative:
    """A first draft: the period's approved reports, grouped by 工作任务, as 工作开展情况; the overdue count
    as 存在问题; a standard 下步打算. Staff rewrite all three before issuing."""
    reports = list(approved_reports(plan, period, as_of)[:SEEDED_REPORTS])
    lines, category = [], None
    for report in reports:
        name = report.milestone.measure.item.category.name if report.milestone.measure.item.category else "其他"
        if name != category:
            category = name
            lines.append(f"（{_ordinal(sum(1 for line in lines if line.startswith('（')) + 1)}）{name}。")
        lines.append(f"{report.unit.name}：{report.narrative.strip()}（完成进度{report.percent}%）")
    work_done = "\n".join(lines) or f"{period.label}内尚无审核通过的进展报告。"
    problems = (
        f"截至{cn_date(as_of)}，仍有{overdue}个节点计划有期次逾期未完成（详见附件2），部分单位报送不及时。"
        if overdue
        else f"截至{cn_date(as_of)}，无逾期的节点计划。"
    )
    next_steps = "督促逾期单位限期完成、及时报送进展，对进度滞后的事项跟踪督办，确保年度任务按期完成。"
    return Narrative(work_done, problems, next_steps)


def _ordinal(n: int) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else f"十{digits[n - 10]}" if n < 20 else str(n)
