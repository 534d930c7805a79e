"""The plan's 工作清单 as the document lays it out (merged category/item cells), with progress, plus 指标.

Used by `export_worklist` and the plan page's download; the import reads the same layout back.
"""

import re
from decimal import Decimal
from io import BytesIO

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from plans.choices import Rag, ReportKind, ReportState, UnitRole
from plans.excel import columns
from plans.excel.cells import merged_runs
from plans.models import Milestone, MilestoneUnit, Plan, ProgressReport
from plans.tracking import period_status, with_tracking
from talentplan.lib.xlsx import stream_sheet
from targets.models import Indicator, IndicatorYear
from targets.trajectory import trajectory_of


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
        values = {
            "序号": milestone.position,
            "工作任务": item.category.name if item.category else "",
            "项目内容": item.worklist_label or item.title,
            "工作举措": milestone.measure.text,
            "节点计划": milestone.text,
            "完成时间": milestone.due_text,
            "推定完成时间": milestone.schedule_text,
            "牵头单位": "、".join(a.export_name for a in assignments if a.role == UnitRole.LEAD),
            "责任单位": "、".join(a.export_name for a in assignments),
            "状态": period_status(milestone),
            "灯色": Rag(milestone.rag).label,
            "最新审核通过进展": milestone.approved_narrative or "",
            "最近更新": updated,  # a date cell (Asia/Shanghai), sortable
            "备注": milestone.note,
            "来源": milestone.get_origin_display(),
            "原文出处": milestone.source,
        }
        rows.append([values[label] for label in columns.HEADER])  # a column missing here is a KeyError
    return rows


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def figure_cell(value):
    """A figure as a number cell (15, 12.5), so SUM works; printed wording ("800 以上", "不少于2") stays text."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    text = str(value).strip()
    return figure_cell(Decimal(text)) if _PLAIN_NUMBER.fullmatch(text) else text


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
                indicator.position,
                indicator.table,
                indicator.name,
                indicator.measure_unit,
                indicator.get_kind_display(),
                indicator.baseline_year,
                figure_cell(indicator.baseline_text),
                *[figure_cell(years[y].planned_text) if y in years else None for y in plan.years],
                figure_cell(indicator.target_text),
                indicator.target_year,
                *[figure_cell(v) for v in actual],
                figure_cell(trajectory.reached),
                _completion(trajectory),
                trajectory.verdict_text,
                indicator.source,
                indicator.note,
            ]
        )
    return rows


def _completion(trajectory):
    """完成率 as a number of percent (96.5), so it sorts; blank without a figure, the reason when there is none."""
    if trajectory.reached is None and not trajectory.members:
        return None
    return figure_cell(trajectory.completion) if trajectory.completion is not None else trajectory.completion_label


def save_worklist(plan: Plan, output, today=None) -> None:
    """The 工作清单 and 指标 sheets, written to output (a path or a binary file) in write-only mode: the
    merged runs are worked out from the rows, so no sheet of cells is held in memory."""
    rows = worklist_rows(plan, today)
    merged = merged_runs(rows, [columns.HEADER.index(name) + 1 for name in columns.MERGED])
    workbook = Workbook(write_only=True)
    title = f"{plan.title} 工作清单"
    stream_sheet(
        workbook,
        "工作清单",
        columns.HEADER,
        rows,
        columns.WIDTHS,
        merged=merged,
        header_as_text=False,
        print_title=title,
    )
    stream_sheet(
        workbook,
        "指标",
        indicator_header(plan),
        indicator_rows(plan, today),
        {"指标": 30, "出处": 30},
        header_as_text=False,
        print_title=f"{plan.title} 指标",
    )
    workbook.save(output)


def build_worklist_workbook(plan: Plan, today=None) -> Workbook:
    """The saved file, read back: for code that inspects the sheets."""
    buffer = BytesIO()
    save_worklist(plan, buffer, today)
    buffer.seek(0)
    return load_workbook(buffer)
