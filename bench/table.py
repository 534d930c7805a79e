"""docs/benchmark.md's table from the newest result of each scale: `python bench/table.py [--write]`.

Each cell is the ratio (or figure) against the issue's goal: ✓ met, ✗ missed.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PAGE = ROOT / "docs" / "benchmark.md"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
SCALES = ["10k", "100k"]


SECTIONS = ("pages", "exports", "reminders", "load", "load_stress")


def newest(scale: str) -> dict | None:
    """The newest result of a scale; a section it skipped comes from the newest file that measured it."""
    results = [json.loads(path.read_text()) for path in sorted(RESULTS.glob(f"{scale}-*.json"))]
    if not results:
        return None
    merged = dict(results[-1])
    merged["from"] = {}
    for section in SECTIONS:
        source = next((r for r in reversed(results) if r.get(section)), None)
        if source is not None:
            merged[section] = source[section]
            merged["from"][section] = source["started_at"]
            if section == "pages":
                merged["runs"] = source["runs"]
    return merged


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def _kb(size) -> str:
    return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def page_cell(row: dict | None) -> str:
    if row is None:
        return "—"
    if "median_ms" not in row:
        return f"跳过：{row.get('skipped') or row.get('error')}"
    goal = row.get("goal")
    ratio = row.get("ratio")
    head = f"**{ratio}×**{_mark(ratio <= goal if goal and ratio is not None else None)}" if ratio is not None else ""
    return f"{head} {row['median_ms']:,.0f} ms (p95 {row['p95_ms']:,.0f}) · {row['queries']} q · {_kb(row['bytes'])}"


def export_cell(entry: dict | None) -> str:
    if not entry:
        return "—"
    ours, raw = entry["export"], entry["raw"]
    if "seconds" not in ours or "seconds" not in raw:
        return f"跳过：{ours.get('error') or ours.get('skipped') or raw.get('error') or raw.get('skipped')}"
    ratio = entry["time_ratio"]
    return (
        f"**{ratio}×**{_mark(ratio <= 1.5)} {ours['seconds']:,.1f} s vs {raw['seconds']:,.1f} s; "
        f"{ours['peak_rss_mb']:,.0f} MB{_mark(ours['peak_rss_mb'] < 150)} vs {raw['peak_rss_mb']:,.0f} MB"
    )


def reminder_cell(run: dict | None, first: bool) -> str:
    if not run or "seconds" not in run:
        return "—" if not run else f"失败：{run.get('error')}"
    time_ok = run["seconds"] < 30 if first else None
    big = run["largest_email_bytes"]
    return (
        (f"{run['date']}：" if run.get("date") else "")
        + f"{run['seconds']:,.1f} s{_mark(time_ok)} · {run['peak_rss_mb']:,.0f} MB{_mark(run['peak_rss_mb'] < 300)} · "
        f"{run['queries']:,} q · {run['emails']} 封，最大 {_kb(big)}{_mark(big <= 1024 * 1024)}"
    )


def load_mode(load: dict) -> str:
    """Results written before think times existed were all stress runs."""
    think = load.get("think_s", 0)
    return f"思考 {think:g} s ±{load.get('think_spread', 0.5):.0%}" if think else "无思考时间（压力）"


def load_cell(load: dict | None) -> str:
    if not load:
        return "—"
    ok = load["p95_s"] is not None and load["p95_s"] < 2 and load["errors"] == 0 and load["lost_writes"] == 0
    return (
        f"{load_mode(load)}：p95 **{load['p95_s']} s**{_mark(ok)} (p50 {load['p50_s']}, p99 {load['p99_s']}) · "
        f"{load['throughput_rps']} req/s · {load['errors']} 错误 · {load['lost_writes']} 丢失写入 "
        f"({load['successful_posts']} 次成功提交)"
    )


def build_table(results: dict[str, dict | None]) -> str:
    scales = [s for s in SCALES if results.get(s)]
    lines = [
        "| 测量 | 目标 | " + " | ".join(f"{s} 节点计划" for s in scales) + " |",
        "|---|---|" + "---|" * len(scales),
    ]
    pages = {s: {row["key"]: row for row in results[s].get("pages", [])} for s in scales}
    labels = next((results[s]["pages"] for s in scales if results[s].get("pages")), [])
    for row in labels:
        goal = {None: "—"}.get(row.get("goal"), f"≤ {row.get('goal')}×")
        if row["key"] == "peer":
            goal = "基准 1.0×"
        lines.append(
            f"| {row['label']} | {goal} | " + " | ".join(page_cell(pages[s].get(row["key"])) for s in scales) + " |"
        )
    exports = {s: results[s].get("exports", {}) for s in scales}
    reminders = {s: results[s].get("reminders", {}) for s in scales}
    lines.append(
        "| `/tasks/?_export=xlsx` vs openpyxl write-only | ≤ 1.5×, < 150 MB | "
        + " | ".join(export_cell(exports[s].get("tasks")) for s in scales)
        + " |"
    )
    lines.append(
        "| 最大计划的工作清单 (`export_worklist`) vs write-only | ≤ 1.5×, < 150 MB | "
        + " | ".join(export_cell(exports[s].get("worklist")) for s in scales)
        + " |"
    )
    lines.append(
        "| 每日提醒任务（首次） | < 30 s, < 300 MB, 邮件 ≤ 1 MB | "
        + " | ".join(reminder_cell(reminders[s].get("first_run"), True) for s in scales)
        + " |"
    )
    lines.append(
        "| 每日提醒任务（同日第二次） | 代价很小 | "
        + " | ".join(reminder_cell(reminders[s].get("second_run"), False) for s in scales)
        + " |"
    )
    lines.append(
        "| 50 用户 60 s，gunicorn 2 sync workers | p95 < 2 s, 0 错误, 0 丢失 | "
        + " | ".join(load_cell(results[s].get("load")) for s in scales)
        + " |"
    )
    if any(results[s].get("load_stress") for s in scales):
        lines.append(
            "| 同上，压力测试（无思考时间） | 仅供参考 | "
            + " | ".join(load_cell(results[s].get("load_stress")) for s in scales)
            + " |"
        )
    notes = []
    for s in scales:
        r = results[s]
        m = r["machine"]
        sources = "，".join(f"{section} {at}" for section, at in r.get("from", {}).items() if at != r["started_at"])
        notes.append(
            f"- {s}：{r['started_at']}，提交 {m['commit']}，{r['runs']} 轮交错计时，{m['database']}，"
            f"{m['cpus']} 核，负载 {m['loadavg_at_start'][0]:.1f} → {m['loadavg_at_end'][0]:.1f}"
            + (f"；{m['note']}" if m.get("note") else "")
            + (f"；取自较早的运行：{sources}" if sources else "")
        )
    return "\n".join(lines) + "\n\n" + "\n".join(notes)


def main(argv=None):
    parser = argparse.ArgumentParser(description="从 bench/results 生成 docs/benchmark.md 中的基准表格")
    parser.add_argument("--write", action="store_true", help="写入 docs/benchmark.md（两个标记之间）")
    args = parser.parse_args(argv)
    table = build_table({s: newest(s) for s in SCALES})
    if not args.write:
        print(table)
        return
    text = PAGE.read_text()
    if START not in text or END not in text:
        sys.exit(f"docs/benchmark.md 中没有 {START} / {END} 标记")
    PAGE.write_text(
        re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: f"{START}\n{table}\n{END}", text, flags=re.S)
    )
    print("已更新 docs/benchmark.md 中的基准表格")


if __name__ == "__main__":
    main()
