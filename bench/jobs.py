"""One measured job per process, so its peak memory (ru_maxrss) is its own:
`python -m bench.jobs <job> <output> [arg]`, printing one JSON line (peak memory: VmHWM). bench/run.py starts these."""

import json
import os
import resource
import sys
import time

import django


def _rss_mb() -> float:
    """Peak resident memory of this process. VmHWM belongs to the process's own address space; ru_maxrss
    would carry the parent's peak over fork and exec on Linux, so it is only the fallback."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def export_tasks(output, _arg):
    from django.test import Client

    from bench.context import find_context

    client = Client()
    client.force_login(find_context().staff)
    response = client.get("/tasks/?_export=xlsx")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with open(output, "wb") as handle:
        handle.write(body)
    return {"status": response.status_code, "bytes": len(body)}


def _write_only(output, sheets):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    rows = 0
    for title, header, values in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in values:
            sheet.append(row)
            rows += 1
    workbook.save(output)
    return {"rows": rows, "bytes": os.path.getsize(output)}


def raw_tasks(output, _arg):
    """The reference: openpyxl write-only writing the task list's cells, from the same queryset. Where the
    export's own row reader exists (plans.excel.task_export), the reference reads the rows with it, so the
    ratio measures the export's own overhead (view, filters, formula neutralising, styles) and not a
    difference in how the rows are read."""
    from bench.context import find_context
    from bench.resolve import TASK_COLUMNS, TASK_EXPORT_ROWS, TASK_QUERYSET, find_callable

    task_queryset = find_callable(*TASK_QUERYSET)
    if task_queryset is None:
        return {"skipped": "找不到 task_queryset"}
    user = find_context().staff
    ordered = task_queryset(user).order_by("plan__issue_date", "plan__code", "position")
    read_rows = find_callable(*TASK_EXPORT_ROWS)
    values = read_rows(ordered) if read_rows else _model_rows(task_queryset, user)
    columns = find_callable(*TASK_COLUMNS)
    header = [column.header for column in columns] if columns else TASK_HEADER
    return _write_only(output, [("节点计划清单", header, values)])


# The headers for a checkout from before plans.task_columns declared them (the benchmark runs on older code).
TASK_HEADER = [
    "行动计划",
    "工作任务",
    "工作举措",
    "节点计划",
    "完成时间",
    "牵头单位",
    "状态",
    "灯色",
    "最近报送",
    "下一截止日",
]


def _model_rows(task_queryset, user):
    """Before the export had its own row reader: model instances, plan by plan, in the list's order (one
    server-side cursor over all rows lets PostgreSQL pick a first-rows plan that is far slower)."""
    from django.utils import timezone

    from plans.choices import Rag, UnitRole
    from plans.models import Plan

    for plan_id in Plan.objects.order_by("issue_date", "code").values_list("pk", flat=True):
        for m in task_queryset(user).filter(plan_id=plan_id).order_by("position"):
            category = m.measure.item.category
            yield [
                m.plan.title,
                category.name if category else "—",
                m.measure.text,
                m.text,
                m.due_text or f"{m.schedule_text}（推定）",
                "、".join(a.export_name for a in m.assignments.all() if a.role == UnitRole.LEAD),
                m.get_status_display(),
                Rag(m.rag).label if m.rag else "",
                timezone.localtime(m.last_report_at).strftime("%Y-%m-%d") if m.last_report_at else "—",
                m.next_due.strftime("%Y-%m-%d") if m.next_due else "—",
            ]


def export_worklist(output, code):
    from django.core.management import call_command

    call_command("export_worklist", code, "-o", output, stdout=open(os.devnull, "w"))
    return {"bytes": os.path.getsize(output)}


def raw_worklist(output, code):
    from bench.resolve import INDICATOR_HEADER, INDICATOR_ROWS, WORKLIST_HEADER, WORKLIST_ROWS, find_callable
    from plans.models import Plan

    parts = [find_callable(*names) for names in (WORKLIST_HEADER, WORKLIST_ROWS, INDICATOR_HEADER, INDICATOR_ROWS)]
    if None in parts:
        return {"skipped": "找不到 worklist_rows / indicator_rows"}
    header, rows, indicator_header, indicator_rows = parts
    plan = Plan.objects.get(code=code)
    return _write_only(
        output, [("工作清单", header, rows(plan)), ("指标", indicator_header(plan), indicator_rows(plan))]
    )


def reminder_day(today):
    """A heavy day: 30 days before the next quarter end, when every unit with a quarter- or year-end
    deadline is reminded (documents write month ends, so on many days no trigger fires at all)."""
    import calendar
    from datetime import date, timedelta

    for year in (today.year, today.year + 1):
        for month in (3, 6, 9, 12):
            day = date(year, month, calendar.monthrange(year, month)[1]) - timedelta(days=30)
            if day >= today:
                return day
    return today


def reminders(_output, arg):
    """The daily job through its command (the Celery task calls the same service)."""
    from datetime import date

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import mail

    day = date.fromisoformat(arg) if arg else reminder_day(timezone.localdate())

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call_command("send_reminders", date=day.isoformat(), stdout=open(os.devnull, "w"))
    return {
        "date": day.isoformat(),
        "queries": queries,
        "emails": len(mail.SIZES),
        "largest_email_bytes": max(mail.SIZES, default=0),
        "emails_over_1mb": sum(1 for size in mail.SIZES if size > 1024 * 1024),
    }


JOBS = {f.__name__: f for f in (export_tasks, raw_tasks, export_worklist, raw_worklist, reminders)}


def main():
    job, output = sys.argv[1], sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.db import connection

    connection.ensure_connection()
    before = _rss_mb()
    started = time.perf_counter()
    result = JOBS[job](output, arg)
    result.update(seconds=round(time.perf_counter() - started, 2), peak_rss_mb=_rss_mb(), rss_before_mb=before)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
