"""The plan's 工作清单 as the document lays it out (merged category/item cells), with progress, plus 指标.

Used by `export_worklist` and the plan page's download; the import reads the same layout back.
"""

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from openpyxl import Workbook

from targets.models import Indicator, IndicatorYear
from targets.trajectory import figure_text, trajectory_of

from ..choices import Rag, ReportKind, ReportState, UnitRole
from ..models import Milestone, MilestoneUnit, Plan, ProgressReport
from ..tracking import with_tracking
from .cells import merge_runs, write_sheet

WORKLIST_HEADER = [
    "序号",
    "工作任务",
    "项目内容",
    "工作举措",
    "节点计划",
    "完成时间",
    "推定完成时间",
    "牵头单位",
    "责任单位",
    "状态",
    "灯色",
    "最新审核通过进展",
    "最近更新",
    "备注",
    "来源",
    "原文出处",
]
MERGED_COLUMNS = ["工作任务", "项目内容"]


def worklist_milestones(plan: Plan, today=None):
    latest_approved = ProgressReport.objects.filter(
        milestone=OuterRef("pk"), kind=ReportKind.CONSOLIDATED, state=ReportState.APPROVED
    ).order_by("-reviewed_at")
    milestones = (
        Milestone.objects.filter(plan=plan)
        .select_related("measure__item__category")
        .prefetch_related(Prefetch("assignments", queryset=MilestoneUnit.objects.select_related("unit")))
        .annotate(
            approved_narrative=Subquery(latest_approved.values("narrative")[:1]),
            approved_at=Subquery(latest_approved.values("reviewed_at")[:1]),
        )
        .order_by("position")
    )
    return with_tracking(milestones, today or timezone.localdate())


def worklist_rows(plan: Plan, today=None) -> list[list[str]]:
    rows = []
    for milestone in worklist_milestones(plan, today):
        item = milestone.measure.item
        assignments = list(milestone.assignments.all())
        updated = max(filter(None, [milestone.last_report_at, milestone.approved_at]), default=None)
        rows.append(
            [
                str(milestone.position),
                item.category.name if item.category else "",
                item.worklist_label or item.title,
                milestone.measure.text,
                milestone.text,
                milestone.due_text,
                milestone.schedule_text,
                "、".join(a.export_name for a in assignments if a.role == UnitRole.LEAD),
                "、".join(a.export_name for a in assignments),
                milestone.get_status_display(),
                Rag(milestone.rag).label,
                milestone.approved_narrative or "",
                timezone.localtime(updated).strftime("%Y-%m-%d %H:%M") if updated else "",
                milestone.note,
                milestone.get_origin_display(),
                milestone.source,
            ]
        )
    return rows


def indicator_header(plan: Plan) -> list[str]:
    planned = [f"{year}年" for year in plan.years]
    actual = [f"{year}年实际" for year in plan.years]
    return [
        "序号",
        "所属表格",
        "指标",
        "计量单位",
        "类型",
        "基期年份",
        "基期值",
        *planned,
        "目标值",
        "目标年份",
        *actual,
        "实际累计",
        "完成率",
        "判定",
        "出处",
        "备注",
    ]


def indicator_rows(plan: Plan, today=None) -> list[list[str]]:
    indicators = (
        Indicator.objects.filter(plan=plan)
        .select_related("plan")
        .prefetch_related(Prefetch("years", queryset=IndicatorYear.objects.order_by("year")))
    )
    rows = []
    for indicator in indicators:
        years = {year.year: year for year in indicator.years.all()}
        trajectory = trajectory_of(indicator, today or timezone.localdate())
        actual = [years[y].actual_value if y in years else None for y in plan.years]
        rows.append(
            [
                str(indicator.position),
                indicator.table,
                indicator.name,
                indicator.measure_unit,
                indicator.get_kind_display(),
                str(indicator.baseline_year or ""),
                indicator.baseline_text,
                *[years[y].planned_text if y in years else "" for y in plan.years],
                indicator.target_text,
                str(indicator.target_year or ""),
                *[figure_text(v) for v in actual],
                figure_text(trajectory.reached),
                trajectory.completion_label if trajectory.reached is not None else "",
                trajectory.verdict_text,
                indicator.source,
                indicator.note,
            ]
        )
    return rows


def build_worklist_workbook(plan: Plan, today=None) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工作清单"
    widths = {
        "工作举措": 40,
        "节点计划": 60,
        "责任单位": 36,
        "牵头单位": 20,
        "项目内容": 24,
        "最新审核通过进展": 40,
        "备注": 30,
    }
    write_sheet(sheet, WORKLIST_HEADER, worklist_rows(plan, today), widths)
    merge_runs(sheet, [WORKLIST_HEADER.index(name) + 1 for name in MERGED_COLUMNS])
    write_sheet(
        workbook.create_sheet("指标"), indicator_header(plan), indicator_rows(plan, today), {"指标": 30, "出处": 30}
    )
    return workbook
