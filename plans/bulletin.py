"""进展通报: the Word bulletin staff send to leaders, per plan and year (register of document 004)."""

from collections import defaultdict
from datetime import date

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from talentplan.lib.dates import cn_date, cn_datetime
from targets.models import Indicator
from targets.trajectory import figure_text, trajectory_of

from .choices import MilestoneStatus, Rag, ReportKind, ReportState, UnitRole
from .dashboard import build_dashboard
from .models import Milestone, MilestoneUnit, Plan, ProgressReport
from .tracking import DUE_SOON_LABEL, is_overdue, with_tracking

BODY_FONT, HEADING_FONT = "宋体", "黑体"
HIGHLIGHTS = 8


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text: str, size=12, bold=False, font=BODY_FONT, align=None, indent=True):
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _table(doc, header: list[str], rows: list[list[str]]):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 10.5)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, 10.5)
    return table


def build_bulletin(plan: Plan, year: int, today: date | None = None) -> Document:
    today = today or timezone.localdate()
    as_of = min(today, date(year, 12, 31))
    board = build_dashboard(plan, year, as_of)
    tally = board.per_plan[0][1] if board.per_plan else None
    doc = Document()
    _para(doc, f"{plan.title}", 16, True, HEADING_FONT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, f"{year}年度推进情况通报", 16, True, HEADING_FONT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, f"（截至{as_of.year}年{as_of.month}月{as_of.day}日）", 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    _para(doc, "一、总体情况", 14, True, HEADING_FONT, indent=False)
    if tally:
        doing = tally.by_status[MilestoneStatus.IN_PROGRESS]
        _para(
            doc,
            (
                f"{year}年度涉及节点计划{tally.total}个，已完成{tally.completed}个，完成率{tally.completion_rate}%；"
                f"推进中{doing}个，平均完成进度{tally.average_percent}%。"
                f"截至通报日，逾期未完成{tally.overdue}个，{DUE_SOON_LABEL}{tally.due_soon}个。"
            ),
        )
    else:
        _para(doc, f"{year}年度没有需要推进的节点计划。")

    _para(doc, "二、分类推进情况", 14, True, HEADING_FONT, indent=False)
    _table(
        doc,
        ["工作任务", "节点计划", "已完成", "逾期", "平均进度"],
        [[c.name, t.total, t.completed, t.overdue, f"{t.average_percent}%"] for c, t in board.per_category]
        or [["—", 0, 0, 0, "—"]],
    )

    _para(doc, "三、逾期事项（按牵头单位）", 14, True, HEADING_FONT, indent=False)
    _overdue_by_unit(doc, plan, year, as_of)

    _para(doc, "四、指标完成情况", 14, True, HEADING_FONT, indent=False)
    _indicators(doc, plan, year, as_of)

    _para(doc, "五、工作亮点", 14, True, HEADING_FONT, indent=False)
    reports = (
        ProgressReport.objects.filter(
            milestone__plan=plan, kind=ReportKind.CONSOLIDATED, state=ReportState.APPROVED, reviewed_at__year=year
        )
        .select_related("unit", "milestone")
        .order_by("-percent", "-reviewed_at")[:HIGHLIGHTS]
    )
    for number, report in enumerate(reports, start=1):
        _para(doc, f"{number}. {report.unit.name}：{report.narrative}")
    if not reports:
        _para(doc, "本年度尚无审核通过的进展报告。")
    _para(doc, "", indent=False)
    _para(doc, f"生成时间：{cn_datetime(timezone.now())}（人才工作行动计划督办平台）", 10.5, indent=False)
    return doc


def _overdue_by_unit(doc, plan, year, as_of):
    milestones = [
        m
        for m in with_tracking(
            Milestone.objects.filter(plan=plan, occurrences__due_date__year=year).distinct(), as_of
        ).select_related("measure")
        if is_overdue(m.next_due, as_of)
    ]
    leads = defaultdict(list)
    assignments = MilestoneUnit.objects.filter(milestone__in=[m.pk for m in milestones], role=UnitRole.LEAD)
    unit_names = {}
    for a in assignments.select_related("unit"):
        leads[a.milestone_id].append(a.unit_id)
        unit_names[a.unit_id] = a.unit.name
    by_unit = defaultdict(list)
    for milestone in milestones:
        for unit_id in leads[milestone.pk]:
            by_unit[unit_names[unit_id]].append(milestone)
    if not by_unit:
        _para(doc, "无逾期事项。")
    for unit_name in sorted(by_unit, key=lambda n: -len(by_unit[n])):
        _para(doc, f"{unit_name}（{len(by_unit[unit_name])}项）", 12, True, indent=False)
        for milestone in by_unit[unit_name]:
            _para(
                doc,
                f"· {milestone.text[:80]}（应于{cn_date(milestone.next_due)}前完成，"
                f"现状：{milestone.get_status_display()}）",
            )


def _indicators(doc, plan, year, as_of):
    rows = []
    for indicator in Indicator.objects.filter(plan=plan).select_related("plan").prefetch_related("years"):
        t = trajectory_of(indicator, as_of)
        point = next((p for p in t.points if p.year == year), None)
        rows.append(
            [
                indicator.name,
                indicator.target_display,
                "—" if point is None or point.planned is None else figure_text(point.planned),
                "—" if point is None or point.actual is None else figure_text(point.actual),
                t.completion_label,
                Rag(t.rag).label,
            ]
        )
    _table(doc, ["指标", "目标", f"{year}年计划", f"{year}年实际", "完成率", "灯色"], rows or [["—"] * 6])
