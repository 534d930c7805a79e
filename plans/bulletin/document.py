"""进展通报 as a 公文 (GB/T 9704): 发文机关标志 in red, 文号, red line, 标题, 主送, 正文 (the figures, counted
and reconciled by plans.bulletin.figures, then the sections staff write), 附件说明, 落款 and 成文日期, 版记, and
page numbers "— 1 —" on the outer edge; the tables follow as 附件1—4."""

from datetime import date

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from plans.bulletin.figures import BulletinFigures, count_figures
from plans.bulletin.masthead import masthead_of
from plans.bulletin.narrative import SECTIONS, Narrative, seed_narrative
from plans.bulletin.periods import Period, year_period
from plans.models import Plan
from plans.tracking import DUE_SOON_LABEL
from talentplan.lib.dates import cn_date

# 公文 layout (GB/T 9704): title in 方正小标宋 二号, body 仿宋 三号, level-1 headings 黑体, level-2 楷体.
TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, MASTHEAD_SIZE, PAGE_NUMBER_SIZE = 22, 16, 12, 22, 14
LINE = Pt(28.95)  # 22 lines a page in the 225 mm type area
RED = RGBColor(0xFF, 0x00, 0x00)
# Where the 公文 fonts are not installed, Word and LibreOffice take these (the CJK fonts `make browsers` installs).
FALLBACKS = {
    TITLE_FONT: "Noto Serif CJK SC",
    BODY_FONT: "Noto Serif CJK SC",
    HEADING_FONT: "Noto Sans CJK SC",
    SUBHEADING_FONT: "Noto Serif CJK SC",
    PAGE_NUMBER_FONT: "Noto Serif CJK SC",
}
ATTACHMENTS = ("分类推进情况", "逾期事项清单", "指标完成情况", "牵头单位推进情况")
DRAFT_NUMBER = "（草稿，印发时编号）"
CHINESE_NUMBERS = "一二三四五六七八九十"


def _a4_gongwen(doc) -> None:
    """A4 with GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after = Pt(0), Pt(0)
    normal.line_spacing_rule, normal.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
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


def _font(run, name: str, size: float, bold: bool = False, color=None) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)  # Word picks Chinese glyphs from w:eastAsia, not from w:ascii
    fonts.set(qn("w:hint"), "eastAsia")
    language = run._element.rPr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run._element.rPr.append(language)
    language.set(qn("w:eastAsia"), "zh-CN")  # a substitute font is then chosen for Simplified Chinese


def _para(doc, text: str, size=BODY_SIZE, bold=False, font=BODY_FONT, align=None, indent=True, color=None):
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold, color)
    return paragraph


def _heading(doc, text: str) -> None:
    _para(doc, text, font=HEADING_FONT)


def _border(paragraph, side: str, color: str, size: int) -> None:
    """A rule under (or over) the paragraph: the 红色分隔线 below the 文号, the lines of the 版记."""
    borders = paragraph._p.get_or_add_pPr().find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        paragraph._p.get_or_add_pPr().append(borders)
    borders.append(
        OxmlElement(
            f"w:{side}", {qn("w:val"): "single", qn("w:sz"): str(size), qn("w:space"): "1", qn("w:color"): color}
        )
    )


def _page_numbers(doc) -> None:
    """页码 "— 1 —" in 宋体 四号: right on odd pages, left on even ones (GB/T 9704 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        _font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        run = paragraph.add_run()
        _font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                run._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
            else:
                element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
                element.text = text
                run._r.append(element)
        _font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _table(doc, header: list[str], rows: list[list]):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, TABLE_SIZE)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, TABLE_SIZE)
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    return table


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def summary_paragraphs(figures: BulletinFigures) -> list[str]:
    """一、总体情况: every figure with its parts, each sum written out (plans.bulletin.figures)."""
    n, year, as_of = figures.nodes, figures.period.year, cn_date(figures.as_of)
    if not n.total:
        paragraphs = [f"截至{as_of}，{year}年度没有需要推进的节点计划。"]
    else:
        paragraphs = [
            f"截至{as_of}，{year}年度涉及节点计划{n.total}个，其中已完成{n.completed}个、未完成{n.not_completed}个"
            f"（{n.completed}+{n.not_completed}={n.total}），完成率{n.completion_rate}%，平均完成进度{n.average_percent}%。",
            f"已完成的{n.completed}个中，按期完成{n.met}个、逾期完成{n.late}个、其他已完成{n.completed_other}个"
            f"（经审核确认完成、未对应本年度到期期次）（{n.met}+{n.late}+{n.completed_other}={n.completed}）。"
            f"未完成的{n.not_completed}个中，逾期未完成{n.overdue}个、尚未逾期{n.not_overdue}个"
            f"（{n.overdue}+{n.not_overdue}={n.not_completed}），尚未逾期的{n.not_overdue}个中{DUE_SOON_LABEL}{n.due_soon}个。"
            f"逾期的节点计划共{n.behind}个，其中逾期未完成{n.overdue}个、已完成但仍有过期期次未办结{n.behind_done}个"
            f"（{n.overdue}+{n.behind_done}={n.behind}）。",
            f"按本年度期次计，已到期的节点计划{n.due}个，其中按期完成{n.met}个、逾期完成{n.late}个、到期未完成{n.missed}个"
            f"（{n.met}+{n.late}+{n.missed}={n.due}）；其余{n.not_due}个本年度期次尚未到期（{n.due}+{n.not_due}={n.total}）。",
        ]
    standings = [(s, c) for s, c in figures.standings]
    if figures.indicator_total:
        parts = "、".join(f"{s.label}{c}项" for s, c in standings)
        sums = "+".join(str(c) for _s, c in standings)
        paragraphs.append(
            f"纳入监测的指标{figures.indicator_total}项，其中{parts}（{sums}={figures.indicator_total}）。"
        )
    return paragraphs


def _body_text(doc, text: str) -> None:
    for line in [line.strip() for line in (text or "").splitlines() if line.strip()] or ["（无）"]:
        _para(doc, line)


def build_bulletin(
    plan: Plan,
    period: Period | int,
    today: date | None = None,
    *,
    narrative: Narrative | None = None,
    number: str = DRAFT_NUMBER,
    issued_on: date | None = None,
    recipients: str | None = None,
    figures: BulletinFigures | None = None,
) -> Document:
    """The period (plans.bulletin.periods; a year given as a number is that plan year) as it stood on its
    cut-off date (its last day, or today within it). Without `narrative` the sections are seeded from the
    period's approved reports (plans.bulletin.narrative): the command's and the plan page's quick download."""
    period = year_period(period) if isinstance(period, int) else period
    today = today or timezone.localdate()
    figures = figures or count_figures(plan, period, period.cut_off(today))
    masthead = masthead_of(plan.region)
    narrative = narrative or seed_narrative(plan, period, figures.as_of, figures.nodes.behind)
    doc = Document()
    _a4_gongwen(doc)
    _page_numbers(doc)
    # 版头: 发文机关标志 (red, centred), a blank line, 文号, the red separator.
    _para(doc, masthead.office, MASTHEAD_SIZE, False, TITLE_FONT, WD_ALIGN_PARAGRAPH.CENTER, indent=False, color=RED)
    _para(doc, "", indent=False)
    number_line = _para(doc, number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _border(number_line, "bottom", "FF0000", 18)
    _para(doc, "", indent=False)
    # 主体
    title = f"关于{plan.title}{period.label}推进情况的通报"
    _para(doc, title, TITLE_SIZE, False, TITLE_FONT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "", indent=False)
    _para(doc, f"{recipients or masthead.recipients}：", indent=False)
    _para(doc, f"现将{plan.title}{period.label}推进情况通报如下（截至{cn_date(figures.as_of)}）。")
    _heading(doc, "一、总体情况")
    for text in summary_paragraphs(figures):
        _para(doc, text)
    for number_, (field, heading) in enumerate(SECTIONS, start=2):
        _heading(doc, f"{CHINESE_NUMBERS[number_ - 1]}、{heading}")
        _body_text(doc, getattr(narrative, field))
    _para(doc, "", indent=False)
    _attachment_note(doc)
    # 落款 and 成文日期: 右空四字 (four characters from the right edge).
    _para(doc, "", indent=False)
    _para(doc, "", indent=False)
    signature = _para(doc, masthead.office, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    signature.paragraph_format.right_indent = Pt(BODY_SIZE * 2)
    dated = _para(
        doc, cn_date(issued_on) if issued_on else "（成文日期）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
    )
    dated.paragraph_format.right_indent = Pt(BODY_SIZE * 4)
    _attachments(doc, figures)
    _colophon(doc, masthead.office, issued_on)
    return doc


def _attachment_note(doc) -> None:
    """附件说明: 附件 then each attachment's number and name, the later ones aligned under the first name."""
    for number, name in enumerate(ATTACHMENTS, start=1):
        lead = "附件：" if number == 1 else "　　　"
        _para(doc, f"{lead}{number}．{name}")


def _attachment_title(doc, number: int) -> None:
    _page_break(doc)
    _para(doc, f"附件{number}", font=HEADING_FONT, indent=False)
    _para(doc, ATTACHMENTS[number - 1], 18, False, TITLE_FONT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def _attachments(doc, figures: BulletinFigures) -> None:
    year = figures.period.year
    _attachment_title(doc, 1)
    rows = [
        [name, t.total, t.completed, t.total - t.completed, t.overdue, f"{t.average_percent}%"]
        for name, t in figures.per_category
    ]
    n = figures.nodes
    rows.append(["合计", n.total, n.completed, n.not_completed, n.behind, f"{n.average_percent}%"])
    _table(doc, ["工作任务", "节点计划", "已完成", "未完成", "逾期", "平均进度"], rows)
    _para(
        doc,
        "注：各工作任务的各列相加等于合计；已完成+未完成=节点计划；逾期含已完成但仍有过期期次未办结的。",
        TABLE_SIZE,
        indent=False,
    )

    _attachment_title(doc, 2)
    overdue_rows = [
        [unit, node.milestone.text[:80], cn_date(node.first_missed), node.status_text()]
        for unit, nodes in figures.overdue_by_unit
        for node in nodes
    ]
    _table(doc, ["牵头单位", "节点计划", "应完成时间", "现状"], overdue_rows or [["—", "无逾期事项", "—", "—"]])
    _para(
        doc,
        f"注：逾期的节点计划共{n.behind}个（逾期未完成{n.overdue}个，已完成但仍有过期期次未办结{n.behind_done}个）；"
        "有多个牵头单位的，在每个牵头单位下各列一次。",
        TABLE_SIZE,
        indent=False,
    )

    _attachment_title(doc, 3)
    indicator_rows = [[r.name, r.target, r.planned, r.actual, r.completion, r.verdict] for r in figures.indicators]
    _table(doc, ["指标", "目标", f"{year}年计划", f"{year}年实际", "完成率", "判定"], indicator_rows or [["—"] * 6])
    counted = "、".join(f"{s.label}{c}项" for s, c in figures.standings)
    _para(doc, f"注：指标共{figures.indicator_total}项，{counted}。", TABLE_SIZE, indent=False)

    _attachment_title(doc, 4)
    _table(doc, ["牵头单位", "牵头节点", "按期完成率", "逾期", "待审核"], figures.league or [["—", 0, "—", 0, 0]])
    _para(
        doc,
        "注：一个节点计划有多个牵头单位的，分别计入各牵头单位，故牵头节点之和可大于节点计划总数。",
        TABLE_SIZE,
        indent=False,
    )


def _colophon(doc, office: str, issued_on: date | None) -> None:
    """版记: 印发机关 and 印发日期 between two rules, at the end of the document."""
    _para(doc, "", indent=False)
    line = _para(doc, f"{office}　　{cn_date(issued_on) if issued_on else '（印发日期）'}印发", 14, indent=False)
    _border(line, "top", "000000", 8)
    _border(line, "bottom", "000000", 8)
