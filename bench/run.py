"""The benchmark: `python bench/run.py --scale 10k` (see docs/benchmark.md).

Creates the PostgreSQL database talentplan_bench_<scale> if needed (migrate + gen_synthetic), then
measures, with DEBUG off: the daily reminder job (twice, same day), the pages in process (median and
p95 of interleaved runs, ratio to the admin changelist), the two Excel exports against openpyxl
write-only, and 50 users against gunicorn. Results: bench/results/<scale>-<timestamp>.json.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
# A 督办 user reads a list or a task page before the next click; 5 s is a brisk reader (see docs/benchmark.md).
DEFAULT_THINK_S = 5.0
sys.path.insert(0, str(ROOT))


def log(message):
    print(message, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="talentplan 性能基准")
    parser.add_argument("--scale", default="10k", help="节点计划数：1k、10k、100k（默认 10k）")
    parser.add_argument("--runs", type=int, default=15, help="每个页面的计时轮数（交错进行），默认 15")
    parser.add_argument("--warmup", type=int, default=2, help="预热轮数，默认 2（最后一轮统计查询数）")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load-seconds", type=int, default=60, help="并发压测时长（秒），默认 60")
    parser.add_argument(
        "--think",
        type=float,
        default=DEFAULT_THINK_S,
        help=f"压测中每个用户两次请求之间的平均思考时间（秒，±50%%，固定种子），默认 {DEFAULT_THINK_S:g}；0 即压力测试",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["reminders", "pages", "exports", "load", "stress"],
        help="跳过某一项；stress 是无思考时间的压力测试（在 --think 大于 0 时另外运行）",
    )
    parser.add_argument("--smoke", action="store_true", help="冒烟：临时 SQLite、200 个节点计划、每页 1 轮、只测页面")
    parser.add_argument("--output", help="结果文件（默认 bench/results/<scale>-<时间>.json）")
    parser.add_argument("--note", default="", help="写进结果的说明（如机器负载）")
    return parser.parse_args(argv)


def _database_url(args, scale_name) -> str:
    if args.smoke:
        return f"sqlite:///{tempfile.mkdtemp(prefix='talentplan-bench-')}/smoke.sqlite3"
    return f"{PG_SERVER}/talentplan_bench_{scale_name}"


def _ensure_database(url: str, log=log) -> bool:
    """Create the PostgreSQL database if missing; True when it was created."""
    if not url.startswith("postgres"):
        return True
    import psycopg2

    name = url.rsplit("/", 1)[1]
    if not name.startswith("talentplan_bench"):
        raise SystemExit(f"基准只使用以 talentplan_bench 开头的数据库，拒绝使用 {name}")
    admin = psycopg2.connect(f"{PG_SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if not exists:
            log(f"创建数据库 {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return not exists


def _job(name, output, arg=None):
    command = [sys.executable, "-m", "bench.jobs", name, str(output)] + ([str(arg)] if arg else [])
    done = subprocess.run(command, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1][:300] if done.stderr.strip() else "失败"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sheet_cells(path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    return sum(sheet.max_row * sheet.max_column for sheet in workbook.worksheets if sheet.max_row)


def measure_exports(ctx, workdir) -> dict:
    results = {}
    pairs = [
        ("tasks", "export_tasks", "raw_tasks", None),
        ("worklist", "export_worklist", "raw_worklist", ctx.largest_plan.code),
    ]
    for key, job, raw, arg in pairs:
        log(f"  导出 {key}：项目代码 …")
        ours = _job(job, workdir / f"{key}.xlsx", arg)
        log(f"  导出 {key}：openpyxl write-only 参照 …")
        reference = _job(raw, workdir / f"{key}-raw.xlsx", arg)
        entry = {"export": ours, "raw": reference}
        if (workdir / f"{key}.xlsx").exists() and "error" not in ours:
            entry["export"]["cells"] = _sheet_cells(workdir / f"{key}.xlsx")
        if ours.get("seconds") and reference.get("seconds"):
            entry["time_ratio"] = round(ours["seconds"] / reference["seconds"], 2)
            entry["memory_ratio"] = round(ours["peak_rss_mb"] / reference["peak_rss_mb"], 2)
        if key == "worklist":
            entry["plan"], entry["rows"] = ctx.largest_plan.code, ctx.largest_plan.milestones.count()
        results[key] = entry
    return results


def measure_reminders() -> dict:
    """Fresh reminder tables (bench database only), then the daily job twice on the same day."""
    from django.db import connection

    from plans.models import Escalation, Notification, Outbox, ReminderRun

    with connection.cursor() as cursor:  # ReminderRun too: else the first run would catch up earlier days
        tables = ", ".join(model._meta.db_table for model in (Notification, Escalation, Outbox, ReminderRun))
        cursor.execute(f"TRUNCATE {tables}" if connection.vendor == "postgresql" else "SELECT 1")
    return {"first_run": _job("reminders", "-"), "second_run": _job("reminders", "-")}


def _machine(note: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        database = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    return {
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "database": database.split(" on ")[0],
        "commit": commit.strip(),
        "note": note,
    }


def main(argv=None) -> dict:
    args = parse_args(argv)
    scale_name = "smoke" if args.smoke else args.scale.lower()
    url = _database_url(args, scale_name)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.settings")
    if args.smoke:
        os.environ["BENCH_PLAIN_STATIC"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    from bench.synthetic import parse_scale, size_for

    milestones = 200 if args.smoke else parse_scale(args.scale)
    created = _ensure_database(url)

    from plans.models import Milestone

    call_command("migrate", verbosity=0)
    if not args.smoke:
        call_command("collectstatic", "--noinput", verbosity=0)
    if created or not Milestone.objects.exists():
        log(f"生成合成数据：{milestones:,} 个节点计划 …")
        call_command("gen_synthetic", scale=str(milestones), seed=args.seed, stdout=open(os.devnull, "w"))
    elif Milestone.objects.count() != milestones and not args.smoke:
        log(f"注意：数据库中有 {Milestone.objects.count():,} 个节点计划，与规模 {milestones:,} 不同")

    from django.contrib.auth import get_user_model

    from bench.context import find_context
    from bench.pages import measure_pages

    started_at = datetime.now()
    result = {
        "scale": scale_name,
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": _machine(args.note),
        "size": size_for(milestones).as_dict(),
        "runs": 1 if args.smoke else args.runs,
        "rows": {"milestones": Milestone.objects.count()},
    }
    skip = set(args.skip) | ({"reminders", "exports", "load"} if args.smoke else set())
    if "reminders" not in skip:
        log("每日提醒任务（同一天运行两次）…")
        result["reminders"] = measure_reminders()
    ctx = find_context()
    if "pages" not in skip:
        log("页面（进程内）…")
        result["pages"] = measure_pages(ctx, 1 if args.smoke else args.runs, 0 if args.smoke else args.warmup, log)
    if "exports" not in skip:
        log("Excel 导出（各自独立进程，峰值内存为 VmHWM）…")
        with tempfile.TemporaryDirectory() as workdir:
            result["exports"] = measure_exports(ctx, Path(workdir))
    if "load" not in skip:
        from bench.load import run_load

        log("并发压测（gunicorn，2 个 sync worker）…")
        User = get_user_model()
        users = {
            role: list(User.objects.filter(username__startswith=f"syn-{role}-").order_by("pk"))
            for role in ("staff", "leader", "liaison")
        }
        result["load"] = run_load(ctx, users, url, args.load_seconds, log, think=args.think, seed=args.seed)
        if args.think > 0 and "stress" not in skip:
            log("压力测试（同样 50 个用户，无思考时间）…")
            result["load_stress"] = run_load(ctx, users, url, args.load_seconds, log, think=0, seed=args.seed)
    result["machine"]["loadavg_at_end"] = os.getloadavg()
    result["seconds"] = round((datetime.now() - started_at).total_seconds(), 1)
    output = Path(args.output) if args.output else RESULTS / f"{scale_name}-{started_at:%Y%m%d-%H%M%S}.json"
    if not args.smoke or args.output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
        log(f"结果已写入 {output}")
    _print_summary(result)
    if args.smoke:
        from django.db import connection

        connection.close()
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
    return result


def _print_summary(result):
    for row in result.get("pages", []):
        if "median_ms" in row:
            log(
                f"{row['key']:<16} 中位 {row['median_ms']:>9} ms  p95 {row['p95_ms']:>9} ms  "
                f"{row.get('ratio', '—')}×  查询 {row['queries']:>4}  {row['bytes']:>9} B"
            )
        else:
            log(f"{row['key']:<16} {row.get('skipped') or row.get('error')}")


if __name__ == "__main__":
    time.tzset()
    main()
