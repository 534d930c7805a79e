"""The plan's 工作清单 as rows, and its export to Excel (one row per node plan, plus a 指标 sheet)."""

from django.db.models import Prefetch
from openpyxl import Workbook

from targets.models import Indicator, IndicatorYear

from .choices import UnitRole
from .excel import write_sheet
from .models import Milestone, MilestoneUnit, Plan

WORKLIST_HEADER = [
    "序号",
    "工作任务",
    "项目内容",
    "工作举措",
    "节点计划",
    "完成时间",
    "推定完成时间",
    "责任单位",
    "牵头单位",
    "备注",
]


def worklist_milestones(plan: Plan):
    return (
        Milestone.objects.filter(plan=plan)
        .select_related("measure__item__category")
        .prefetch_related(Prefetch("assignments", queryset=MilestoneUnit.objects.select_related("unit")))
        .order_by("position")
    )


def worklist_rows(plan: Plan) -> list[list[str]]:
    rows = []
    for milestone in worklist_milestones(plan):
        item = milestone.measure.item
        assignments = list(milestone.assignments.all())
        rows.append(
            [
                str(milestone.position),
                item.category.name if item.category else "",
                item.worklist_label or item.title,
                milestone.measure.text,
                milestone.text,
                milestone.due_text,
                milestone.schedule_text,
                "、".join(a.export_name for a in assignments),
                "、".join(a.export_name for a in assignments if a.role == UnitRole.LEAD),
                milestone.note,
            ]
        )
    return rows


def indicator_header(plan: Plan) -> list[str]:
    years = [f"{year}年" for year in plan.years]
    return [
        "序号",
        "所属表格",
        "指标",
        "计量单位",
        "类型",
        "基期年份",
        "基期值",
        *years,
        "目标值",
        "目标年份",
        "出处",
        "备注",
    ]


def indicator_rows(plan: Plan) -> list[list[str]]:
    indicators = Indicator.objects.filter(plan=plan).prefetch_related(
        Prefetch("years", queryset=IndicatorYear.objects.order_by("year"))
    )
    rows = []
    for indicator in indicators:
        planned = {year.year: year.planned_text for year in indicator.years.all()}
        rows.append(
            [
                str(indicator.position),
                indicator.table,
                indicator.name,
                indicator.measure_unit,
                indicator.get_kind_display(),
                str(indicator.baseline_year or ""),
                indicator.baseline_text,
                *[planned.get(year, "") for year in plan.years],
                indicator.target_text,
                str(indicator.target_year or ""),
                indicator.source,
                indicator.note,
            ]
        )
    return rows


def build_worklist_workbook(plan: Plan) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工作清单"
    widths = {"工作举措": 40, "节点计划": 60, "责任单位": 36, "牵头单位": 20, "项目内容": 24, "备注": 30}
    write_sheet(sheet, WORKLIST_HEADER, worklist_rows(plan), widths)
    write_sheet(workbook.create_sheet("指标"), indicator_header(plan), indicator_rows(plan), {"指标": 30, "出处": 30})
    return workbook
