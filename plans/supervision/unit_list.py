"""The printable 督办单 list: one sheet per unit (A4 landscape, the header row repeated on every printed
page), the rows the user's list shows (plans.supervision.lists.listed, so the export follows the screen)."""

from collections import defaultdict
from datetime import date

from openpyxl import Workbook

from plans.supervision.lists import is_overdue
from talentplan.lib.dates import cn_date, cn_datetime
from talentplan.lib.xlsx import write_sheet

HEADER = ["督办单编号", "督办等级", "督办事项", "督办要求", "下发日期", "回执期限", "办理状态", "签收时间", "办结时间"]
WIDTHS = {"督办事项": 48, "督办要求": 36, "督办单编号": 20, "签收时间": 18, "办结时间": 18}
FORBIDDEN_IN_TITLES = str.maketrans({c: "·" for c in "[]:*?/\\"})


def row_of(notice, today: date) -> list[str]:
    items = "；".join(f"{m.plan.title}：{m.text}" for m in notice.milestones.all())
    state = notice.get_state_display() + ("（逾期未回执）" if is_overdue(notice, today) else "")
    return [
        notice.number,
        notice.get_colour_display(),
        items,
        notice.requirement,
        cn_date(notice.issued_at),
        cn_date(notice.reply_by),
        state,
        cn_datetime(notice.signed_at),
        cn_datetime(notice.closed_at),
    ]


def _title(name: str, used: set) -> str:
    title = name.translate(FORBIDDEN_IN_TITLES)[:28] or "单位"
    base, n = title, 2
    while title in used:
        title, n = f"{base}{n}", n + 1
    used.add(title)
    return title


def save_unit_lists(notices, buffer, today: date) -> None:
    by_unit = defaultdict(list)
    for notice in notices:
        by_unit[notice.unit].append(notice)
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for unit in sorted(by_unit, key=lambda u: (u.region_id, u.position, u.name)) or [None]:
        sheet = workbook.create_sheet(_title(unit.name if unit else "督办单", used))
        rows = [row_of(n, today) for n in by_unit.get(unit, [])] if unit else []
        write_sheet(sheet, HEADER, rows, WIDTHS)
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:1"
        sheet.oddHeader.center.text = f"{unit.name if unit else ''}督办单清单（{cn_date(today)}）"
    workbook.save(buffer)
