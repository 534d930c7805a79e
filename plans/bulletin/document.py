"""进展通报: the Word bulletin staff send to leaders, per plan and year (register of document 004)."""

from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from plans.bulletin.as_at import CutoffTally, end_of, year_at_cutoff
from plans.bulletin.periods import Period, year_period
from plans.choices import Outcome, ReportKind, ReportState, UnitRole
from plans.models import MilestoneUnit, Plan, ProgressReport
from plans.tracking import DUE_SOON_LABEL
from talentplan.lib.dates import cn_date, cn_datetime
from targets.models import Indicator
from targets.trajectory import figure_text, trajectory_of

# 公文 layout (GB/T 9704): title in 方正小标宋 二号, body 仿宋 三号, level-1 headings 黑体, level-2 楷体.
TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
TITLE_SIZE, BODY_SIZE, TABLE_SIZE = 22, 16, 12
# Where the 公文 fonts are not installed, Word and LibreOffice take these (the CJK fonts `make browsers` installs).
FALLBACKS = {
    TITLE_FONT: "Noto Serif CJK SC",
    BODY_FONT: "仿宋",
    HEADING_FONT: "Noto Sans CJK SC",
    SUBHEADING_FONT: "楷体",
}
HIGHLIGHTS = 8


def _a4_gongwen(doc) -> None:
    """A4 with GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    _add_font_fallbacks(doc)


def _add_font_fallbacks(doc) -> None:
    """Name each 公文 font in the font table with an w:altName (GB2312 charset) to use where it is missing.
    python-docx keeps fontTable.xml as plain bytes, so it is edited as XML and written back."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    table = parse_xml(part.blob)
    for name, alternative in FALLBACKS.items():
        font = OxmlElement("w:font", {qn("w:name"): name})
        font.append(OxmlElement("w:altName", {qn("w:val"): alternative}))
        font.append(OxmlElement("w:charset", {qn("w:val"): "86"}))
        table.append(font)
    part._blob = serialize_part_xml(table)


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)  # Word picks Chinese glyphs from w:eastAsia, not from w:ascii
    fonts.set(qn("w:hint"), "eastAsia")
    language = run._element.rPr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run._element.rPr.append(language)
    language.set(qn("w:eastAsia"), "zh-CN")  # a substitute font is then chosen for Simplified Chinese


def _heading(doc, text: str) -> None:
    _para(doc, text, BODY_SIZE, False, HEADING_FONT, indent=False)


def _subheading(doc, text: str) -> None:
    _para(doc, text, BODY_SIZE, False, SUBHEADING_FONT, indent=False)


def _para(doc, text: str, size=BODY_SIZE, bold=False, font=BODY_FONT, align=None, indent=True):
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
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, TABLE_SIZE)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, TABLE_SIZE)
    return table


def build_bulletin(plan: Plan, period: Period | int, today: date | None = None) -> Document:
    """The period (plans.bulletin.periods; a year given as a number is that plan year) as it stood on its
    cut-off date (its last day, or today within it): what was approved after it does not count, and an
    item done by then is never listed as overdue (plans.bulletin.as_at)."""
    period = year_period(period) if isinstance(period, int) else period
    year, as_of = period.year, period.cut_off(today or timezone.localdate())
    nodes = year_at_cutoff(plan, year, as_of)
    tally, per_category = CutoffTally(), {}
    for node in nodes:
        tally.add(node, as_of)
        category = node.milestone.measure.item.category
        if category:
            per_category.setdefault(category.pk, (category, CutoffTally()))[1].add(node, as_of)
    doc = Document()
    _a4_gongwen(doc)
    _para(doc, f"{plan.title}", TITLE_SIZE, False, TITLE_FONT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, f"{period.label}推进情况通报", TITLE_SIZE, False, TITLE_FONT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, f"（截至{cn_date(as_of)}）", BODY_SIZE, False, SUBHEADING_FONT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    _heading(doc, "一、总体情况")
    if tally.total:
        outcomes = tally.outcomes
        _para(
            doc,
            (
                f"{year}年度涉及节点计划{tally.total}个，已完成{tally.completed}个，完成率{tally.completion_rate}%；"
                f"推进中{tally.in_progress}个，平均完成进度{tally.average_percent}%。"
                f"截至通报日，逾期未完成{tally.overdue}个，{DUE_SOON_LABEL}{tally.due_soon}个。"
                f"到期节点中，{Outcome.MET.label}{outcomes[Outcome.MET]}个，{Outcome.LATE.label}{outcomes[Outcome.LATE]}个，"
                f"到期{Outcome.MISSED.label}{outcomes[Outcome.MISSED]}个。"
            ),
        )
    else:
        _para(doc, f"{year}年度没有需要推进的节点计划。")

    _heading(doc, "二、分类推进情况")
    _table(
        doc,
        ["工作任务", "节点计划", "已完成", "逾期", "平均进度"],
        [[c.name, t.total, t.completed, t.overdue, f"{t.average_percent}%"] for c, t in per_category.values()]
        or [["—", 0, 0, 0, "—"]],
    )

    _heading(doc, "三、逾期事项（按牵头单位）")
    _overdue_by_unit(doc, [node for node in nodes if node.overdue])

    _heading(doc, "四、指标完成情况")
    _indicators(doc, plan, year, as_of)

    _heading(doc, "五、牵头单位推进情况")
    _table(
        doc,
        ["牵头单位", "牵头节点", "按期完成率", "逾期", "待审核"],
        _league_at_cutoff(nodes, as_of) or [["—", 0, "—", 0, 0]],
    )

    _heading(doc, "六、工作亮点")
    reports = (
        ProgressReport.objects.filter(
            milestone__plan=plan,
            kind=ReportKind.CONSOLIDATED,
            state=ReportState.APPROVED,
            reviewed_at__year=year,
            reviewed_at__lte=end_of(as_of),
        )
        .select_related("unit", "milestone")
        .order_by("-percent", "-reviewed_at")[:HIGHLIGHTS]
    )
    for number, report in enumerate(reports, start=1):
        _para(doc, f"{number}. {report.unit.name}：{report.narrative}")
    if not reports:
        _para(doc, "本年度尚无审核通过的进展报告。")
    _para(doc, "", indent=False)
    _para(doc, f"生成时间：{cn_datetime(timezone.now())}（人才工作行动计划督办平台）", TABLE_SIZE, indent=False)
    return doc


def _league_at_cutoff(nodes, as_of: date) -> list[list]:
    """Lead units as the dashboard ranks them (most overdue, then lowest on-time rate), counted at the cut-off:
    the year's deadlines passed by then, and reports submitted by then but not reviewed by then."""
    ids = [node.milestone.pk for node in nodes]
    leads = defaultdict(list)
    rows = {}
    for a in MilestoneUnit.objects.filter(milestone__in=ids, role=UnitRole.LEAD).select_related("unit"):
        leads[a.milestone_id].append(a.unit_id)
        rows.setdefault(a.unit_id, {"unit": a.unit, "led": 0, "due": 0, "met": 0, "overdue": 0, "waiting": 0})
    for node in nodes:
        for unit_id in leads[node.milestone.pk]:
            row = rows[unit_id]
            row["led"] += 1
            row["overdue"] += node.overdue
            row["due"] += sum(1 for o in node.outcomes if o)
            row["met"] += sum(1 for o in node.outcomes if o == Outcome.MET)
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


def _overdue_by_unit(doc, overdue_nodes):
    ids = [node.milestone.pk for node in overdue_nodes]
    leads, unit_names = defaultdict(list), {}
    for a in MilestoneUnit.objects.filter(milestone__in=ids, role=UnitRole.LEAD).select_related("unit"):
        leads[a.milestone_id].append(a.unit_id)
        unit_names[a.unit_id] = a.unit.name
    by_unit = defaultdict(list)
    for node in overdue_nodes:
        for unit_id in leads[node.milestone.pk]:
            by_unit[unit_names[unit_id]].append(node)
    if not by_unit:
        _para(doc, "无逾期事项。")
    for unit_name in sorted(by_unit, key=lambda n: -len(by_unit[n])):
        _subheading(doc, f"{unit_name}（{len(by_unit[unit_name])}项）")
        for node in by_unit[unit_name]:
            _para(
                doc,
                f"· {node.milestone.text[:80]}（应于{cn_date(node.first_missed)}前完成，现状：{node.status_text()}）",
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
                t.verdict_text,
            ]
        )
    _table(doc, ["指标", "目标", f"{year}年计划", f"{year}年实际", "完成率", "判定"], rows or [["—"] * 6])
