"""The 督办单 as a Word document in 公文 layout (GB/T 9704-2012): 版头 (the issuing office's mark in red, the
发文字号, the red separator), 主体 (title, 主送机关, body, the items, the requirement and reply date, the
署名 and 成文日期) and 版记 (印发机关 and 印发日期 between lines), with the page number "— 1 —" at the foot.
The A4 page, margins and fonts are the bulletin's (plans.bulletin.document), so both documents look alike."""

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from plans.bulletin.document import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    TITLE_FONT,
    TITLE_SIZE,
    _a4_gongwen,
    _font,
    _para,
    _table,
)
from plans.supervision.numbering import office_of
from talentplan.lib.dates import cn_date

RED = RGBColor(0xE6, 0x00, 0x12)
MARK_SIZE = 30  # the 发文机关标志: larger than the title, in red, shrunk to fit one line of the text area
TEXT_WIDTH_PT = 156 * 72 / 25.4  # A4 less the 28 mm and 26 mm margins
COLUMN_WIDTHS_MM = (14, 108, 34)  # 序号, 节点计划, 完成时间
NOTE_SIZE = 14  # 版记 in 四号


def _border(paragraph, edge: str, colour: str, size: int = 12) -> None:
    """A line above or below a paragraph: the red separator of the 版头, the lines of the 版记."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    line = OxmlElement(f"w:{edge}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", colour)):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)


def _page_number(doc) -> None:
    """— 1 — centred at the foot of every page (a PAGE field), in 宋体 四号."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), "宋体", NOTE_SIZE)
    run = paragraph.add_run()
    _font(run, "宋体", NOTE_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(paragraph.add_run(" —"), "宋体", NOTE_SIZE)


def _centred(doc, text, size, font, colour=None, space_after=0):
    paragraph = _para(doc, text, size, False, font, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    paragraph.paragraph_format.space_after = Pt(space_after)
    if colour is not None:
        for run in paragraph.runs:
            run.font.color.rgb = colour
    return paragraph


def build_notice_document(notice, milestones) -> Document:
    """The 督办单 `notice` (with region and unit) about `milestones` (each with plan and its proposal basis
    on the notice), as staff print and file it."""
    doc = Document()
    _a4_gongwen(doc)
    _page_number(doc)
    office = office_of(notice.region)
    level = _para(doc, notice.get_colour_display(), BODY_SIZE, True, HEADING_FONT, indent=False)
    level.paragraph_format.space_after = Pt(12)
    mark_size = min(MARK_SIZE, int(TEXT_WIDTH_PT / max(len(office), 1)) - 1)
    _centred(doc, office, mark_size, TITLE_FONT, RED, space_after=12)
    number = _centred(doc, notice.number, BODY_SIZE, BODY_FONT, space_after=4)
    _border(number, "bottom", "E60012", size=18)  # the red separator under the 发文字号
    _para(doc, "", BODY_SIZE, indent=False)
    _centred(doc, "督 办 单", TITLE_SIZE, TITLE_FONT, space_after=12)
    _para(doc, f"{notice.unit.name}：", indent=False)
    plans = "、".join(dict.fromkeys(f"《{m.plan.title}》" for m in milestones))
    _para(
        doc,
        f"根据{plans}推进情况，现将贵单位牵头的以下{len(milestones)}项节点计划列入"
        f"{notice.get_colour_display()}，请认真研究，抓紧办理。督办原因：{notice.proposal_basis or '组织部确定'}。",
    )
    if notice.colour_reason:
        _para(doc, f"督办等级说明：{notice.colour_reason}")
    table = _table(
        doc,
        ["序号", "节点计划", "完成时间"],
        [[str(n), m.text, m.schedule_phrase or "—"] for n, m in enumerate(milestones, start=1)],
    )
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, COLUMN_WIDTHS_MM, strict=True):
        column.width = Mm(width)  # the grid LibreOffice reads; the cells' widths are Word's
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMN_WIDTHS_MM, strict=True):
            cell.width = Mm(width)
    _para(doc, f"督办要求：{notice.requirement}")
    _para(
        doc,
        f"请于收到本督办单后及时在平台签收，并于{cn_date(notice.reply_by)}前报送回执"
        "（办理进展、整改措施及佐证材料），直至办结为止。",
    )
    _para(doc, "", indent=False)
    signature = _para(doc, office, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(BODY_SIZE * 2)
    dated = _para(doc, cn_date(notice.issued_at), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.right_indent = Pt(BODY_SIZE * 4)
    _para(doc, "", indent=False)
    copy = _para(doc, f"抄送：{notice.region.name}委人才工作领导小组各成员单位。", NOTE_SIZE, indent=False)
    _border(copy, "top", "000000", size=8)
    printed = _para(doc, f"{office}　　　　{cn_date(notice.issued_at)}印发", NOTE_SIZE, indent=False)
    _border(printed, "top", "000000", size=4)
    _border(printed, "bottom", "000000", size=8)
    return doc
