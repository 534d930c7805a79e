"""The audit log as a file for the superuser: Excel (through the shared writer, so no cell is a formula) or CSV
(UTF-8 with a BOM, so Excel opens the Chinese correctly)."""

import csv
import io

from django.utils import timezone

from talentplan.lib.xlsx import stream_xlsx

HEADER = ["时间", "用户名", "操作", "结果", "来源地址", "对象", "对象类型", "对象编号", "详情", "请求地址", "途径"]
WIDTHS = {"时间": 20, "用户名": 16, "操作": 14, "对象": 40, "详情": 50, "请求地址": 40}


def rows(events):
    for event in events.iterator(chunk_size=2000):
        yield [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor_name,
            event.get_action_display(),
            event.get_outcome_display(),
            event.address or "",
            event.target,
            event.object_type,
            event.object_id,
            event.detail,
            event.path,
            event.source,
        ]


def write_xlsx(events, output) -> None:
    stream_xlsx(output, [("安全审计日志", HEADER, rows(events))], widths=WIDTHS)


def csv_bytes(events) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for row in rows(events):
        # A cell that a spreadsheet would read as a formula is quoted with a leading apostrophe.
        writer.writerow([f"'{cell}" if str(cell)[:1] in ("=", "+", "-", "@") else cell for cell in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")
