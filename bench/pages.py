"""In-process page timings: the floor, the peer (admin changelist) and the portal's pages, interleaved."""

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.resolve import find_url

SLOW_QUERY_MS = 50


@dataclass
class Target:
    key: str
    label: str
    role: str  # attribute of BenchContext: staff, leader, liaison, notified
    url_names: list[str]
    kwargs: dict | None = None
    query: str = ""
    goal: float | None = None  # ratio to the peer's median the issue asks for
    url: str | None = None
    before: object = None  # run before each request, untimed (e.g. a change that makes the dashboard recount)
    times: list[float] = field(default_factory=list)
    result: dict = field(default_factory=dict)


def targets(ctx) -> list[Target]:
    plan = ctx.largest_plan
    return [
        Target("floor", "floor: a trivial logged-in view", "staff", ["bench_floor"]),
        Target("peer", "peer: admin changelist of node plans", "staff", ["admin:plans_milestone_changelist"]),
        Target("tasks", "`/tasks/` page 1", "staff", ["plans:task_list"], goal=1.0),
        Target(
            "tasks_search", "`/tasks/` text search", "staff", ["plans:task_list"], query=f"q={ctx.search}", goal=1.0
        ),
        Target(
            "tasks_sort_due",
            "`/tasks/` sorted by due date",
            "staff",
            ["plans:task_list"],
            query="sort=next_due",
            goal=1.0,
        ),
        Target("my", "a liaison's `/my/`", "liaison", ["plans:my_tasks"], goal=1.0),
        Target(
            "detail",
            "`/tasks/<id>/` with the most reports",
            "staff",
            ["plans:milestone"],
            kwargs={"pk": ctx.hot_milestone_id},
            goal=1.0,
        ),
        Target("dashboard", "`/dashboard/` all plans", "leader", ["plans:dashboard"], goal=1.5),
        Target(
            "dashboard_after_change",
            "`/dashboard/` all plans, after a change in the largest plan",
            "leader",
            ["plans:dashboard"],
            before=lambda: _changed(plan),
        ),
        Target(
            "dashboard_plan", "`/dashboard/?plan=` one plan", "leader", ["plans:dashboard"], query=f"plan={plan.pk}"
        ),
        Target("api", "`/api/tasks/`", "staff", ["plans:task_list_json"], goal=1.0),
        Target("reviews", "`/reviews/`", "staff", ["plans:review_queue"], goal=1.0),
        Target("notifications", "notifications", "notified", ["plans:notifications"], goal=1.0),
        Target("plan", "plan page", "staff", ["plans:plan"], kwargs={"code": plan.code}),
        # What users click next (issue 22).
        Target("health", "`/health/` 数据体检", "staff", ["plans:data_health"], goal=1.0),
        Target(
            "tasks_year_open",
            f"`/tasks/` a year's unfinished (`done=false&year={ctx.year}`)",
            "staff",
            ["plans:task_list"],
            query=f"done=false&year={ctx.year}",
            goal=1.0,
        ),
        Target(
            "tasks_year", f"`/tasks/?year={ctx.year}`", "staff", ["plans:task_list"], query=f"year={ctx.year}", goal=1.0
        ),
        Target(
            "tasks_missed",
            "`/tasks/` by outcome 未完成",
            "staff",
            ["plans:task_list"],
            query=f"outcome=missed&year={ctx.year}",
            goal=1.0,
        ),
        Target("tasks_red", "`/tasks/?rag=red`", "staff", ["plans:task_list"], query="rag=red", goal=1.0),
        Target("tasks_sort_rag", "`/tasks/?sort=rag`", "staff", ["plans:task_list"], query="sort=rag", goal=1.0),
        Target(
            "tasks_sort_report",
            "`/tasks/?sort=-last_report_at`",
            "staff",
            ["plans:task_list"],
            query="sort=-last_report_at",
            goal=1.0,
        ),
        Target(
            "tasks_common_word",
            f"`/tasks/?q={COMMON_WORD}` (a word in most texts)",
            "staff",
            ["plans:task_list"],
            query=f"q={COMMON_WORD}",
            goal=1.0,
        ),
        Target(
            "dashboard_year",
            f"`/dashboard/?year={ctx.year}`",
            "leader",
            ["plans:dashboard"],
            query=f"year={ctx.year}",
            goal=1.0,
        ),
        Target(
            "dashboard_busy",
            "`/dashboard/` after one change in each of 50 plans (a busy morning)",
            "leader",
            ["plans:dashboard"],
            before=_busy_morning,
            goal=1.0,
        ),
    ]


COMMON_WORD = "人才"


def _busy_morning():
    """One change in each of 50 plans (a report or a review in each) before the request, untimed."""
    from plans.models import Plan, figures_changed

    figures_changed(plan_ids=list(Plan.objects.order_by("pk").values_list("pk", flat=True)[:50]))


def _changed(plan):
    """What a report or a review does to the dashboard's stored figures: that plan is counted again."""
    from plans.models import figures_changed

    figures_changed(plan_ids=[plan.pk])


def _get(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, len(body)


def _slow_queries(captured) -> list[dict]:
    slow = [q for q in captured if float(q["time"]) * 1000 >= SLOW_QUERY_MS]
    slow.sort(key=lambda q: -float(q["time"]))
    return [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in slow[:3]]


def measure_pages(ctx, runs: int, warmup: int = 1, log=print) -> list[dict]:
    clients = {}
    for role in ("staff", "leader", "liaison", "notified"):
        clients[role] = Client()
        clients[role].force_login(getattr(ctx, role))
    active = []
    rows = []
    for target in targets(ctx):
        target.url = find_url(target.url_names, target.kwargs)
        if target.url is None:
            target.result = {"skipped": f"URL 名称 {target.url_names} 不存在"}
        else:
            target.url += f"?{target.query}" if target.query else ""
            active.append(target)
        rows.append(target)
    # Warm-up: caches, connections, the dashboard's stored figures; the last round counts the queries.
    for round_ in range(max(1, warmup)):
        for target in list(active):
            try:
                if target.before:
                    target.before()
                with CaptureQueriesContext(connection) as captured:
                    status, size = _get(clients[target.role], target.url)
            except Exception as exc:  # a crashing page is a result, not the end of the benchmark
                target.result = {"error": f"{type(exc).__name__}: {exc}"[:300]}
                active.remove(target)
                continue
            if round_ == max(1, warmup) - 1:  # the steady state the timed runs see (stored figures counted)
                target.result = {
                    "status": status,
                    "bytes": size,
                    "queries": len(captured),
                    "slow_queries": _slow_queries(captured.captured_queries),
                }
        log(f"  预热第 {round_ + 1} 轮完成")
    for run in range(runs):
        shift = run % max(1, len(active))
        for target in active[shift:] + active[:shift]:  # rotate, so no page always follows the same one
            if target.before:
                target.before()
            started = time.perf_counter()
            _get(clients[target.role], target.url)
            target.times.append(time.perf_counter() - started)
        log(f"  第 {run + 1}/{runs} 轮完成")
    peer = next((t for t in rows if t.key == "peer" and t.times), None)
    peer_median = statistics.median(peer.times) if peer else None
    for target in rows:
        row = {"key": target.key, "label": target.label, "role": target.role, "url": target.url, "goal": target.goal}
        row.update(target.result)
        if target.times:
            ordered = sorted(target.times)
            row["median_ms"] = round(statistics.median(ordered) * 1000, 1)
            row["p95_ms"] = round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000, 1)
            row["runs"] = len(ordered)
            if peer_median:
                row["ratio"] = round(statistics.median(ordered) / peer_median, 2)
        rows[rows.index(target)] = row
    return rows
