"""gen_synthetic's service: guards, the generation in one transaction, sequences, ANALYZE, and a digest."""

import hashlib
import random
import time
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from bench.synthetic.ids import IdAllocator
from bench.synthetic.indicators import build_indicators
from bench.synthetic.people import build_people
from bench.synthetic.plans import Buffer, PlanBuilder
from bench.synthetic.sizing import Size, plan_sizes
from plans.models import Milestone, MilestoneUnit, Occurrence, Plan, ProgressReport
from targets.models import Indicator, IndicatorYear

PREFIX = "syn-"
SQLITE_LIMIT = 10_000


class SyntheticError(Exception):
    """A refusal, in Chinese, before anything is written."""


def check_database(size: Size, force: bool) -> None:
    if Plan.objects.filter(code__startswith=PREFIX).exists():
        raise SyntheticError(
            "数据库中已有合成数据（代码以 syn- 开头的计划），未作任何修改。请换一个空数据库后重新生成。"
        )
    real = Plan.objects.exclude(code__startswith=PREFIX).count()
    if real and not force:
        raise SyntheticError(
            f"数据库中已有 {real} 个非合成的行动计划，未作任何修改：合成数据只应写入专用的基准测试数据库。"
            "如确需混入，请加 --force。"
        )
    if connection.vendor == "sqlite" and size.milestones > SQLITE_LIMIT:
        raise SyntheticError(
            f"SQLite 上最多生成 {SQLITE_LIMIT:,} 个节点计划（本次 {size.milestones:,} 个），"
            "请改用 PostgreSQL（设置 DATABASE_URL）。"
        )


def generate(size: Size, seed: int = 1, today: date | None = None, force: bool = False, log=None) -> dict:
    """Write a synthetic province. Same size, seed and date: the same rows (see synthetic_digest)."""
    log = log or (lambda message: None)
    today = today or timezone.localdate()
    check_database(size, force)
    rng = random.Random(seed)
    started = time.monotonic()
    ids = IdAllocator()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # check foreign keys per statement, not in one queue at commit
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        people = build_people(size, ids)
        log(f"地区 2 个、单位 {sum(len(u) + 1 for u in people.units.values())} 个、用户已生成")
        buffer = Buffer()
        builder = PlanBuilder(people, ids, rng, today, buffer)
        plans = []
        for index, rows in enumerate(plan_sizes(size, rng)):
            plans.append(builder.build(index, rows))
            if (index + 1) % 20 == 0:
                log(f"已生成 {index + 1}/{size.plans} 个计划（{time.monotonic() - started:.0f} 秒）")
        buffer.flush()
        indicators = build_indicators(plans, size.indicators, people, ids, rng, today)
        ids.reset_sequences()
        from plans.search_text import refresh_search_text
        from plans.tracking import refresh_next_due

        refresh_next_due()  # bulk_create sends no signals: fill the denormalised next-due columns once
        refresh_search_text()  # and the search text (plans.search_text)
    analyze()
    summary = {
        "seed": seed,
        "today": today.isoformat(),
        "size": size.as_dict(),
        "rows": {**buffer.counts, "Indicator": indicators},
        "deadlines_met": builder.stats["deadlines_met"],
        "deadlines_open_past": builder.stats["deadlines_open_past"],
        "seconds": round(time.monotonic() - started, 1),
    }
    log(f"完成：{summary['rows']}，用时 {summary['seconds']} 秒")
    return summary


def analyze() -> None:
    """Fresh planner statistics; VACUUM needs autocommit, so inside a transaction (tests) only ANALYZE."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def synthetic_digest() -> str:
    """A SHA-256 over the synthetic rows by natural keys (no ids, no auto_now timestamps)."""
    plans = Plan.objects.filter(code__startswith=PREFIX)
    queries = [
        plans.order_by("code").values_list("code", "title", "start_year", "end_year", "region__code"),
        Milestone.objects.filter(plan__in=plans)
        .order_by("plan__code", "position")
        .values_list(
            "plan__code", "position", "text", "due_text", "schedule_text", "status", "percent", "rag_override"
        ),
        MilestoneUnit.objects.filter(milestone__plan__in=plans)
        .order_by("milestone__plan__code", "milestone__position", "position")
        .values_list("milestone__plan__code", "milestone__position", "unit__name", "role"),
        Occurrence.objects.filter(milestone__plan__in=plans)
        .order_by("milestone__plan__code", "milestone__position", "label")
        .values_list("milestone__position", "label", "due_date", "completed_on", "outcome", "extended_due_date"),
        ProgressReport.objects.filter(milestone__plan__in=plans)
        .order_by("milestone__plan__code", "milestone__position", "submitted_at", "unit__name", "narrative")
        .values_list(
            "milestone__plan__code",
            "milestone__position",
            "occurrence__label",
            "unit__name",
            "kind",
            "state",
            "status",
            "percent",
            "narrative",
            "author__username",
            "submitted_at",
            "reviewed_at",
        ),
        Indicator.objects.filter(plan__in=plans)
        .order_by("plan__code", "position")
        .values_list("name", "target_text", "unit__name"),
        IndicatorYear.objects.filter(indicator__plan__in=plans)
        .order_by("indicator__plan__code", "indicator__position", "year")
        .values_list("year", "planned_text", "actual_value"),
        get_user_model()
        .objects.filter(username__startswith=PREFIX)
        .order_by("username")
        .values_list("username", "groups__name", "memberships__unit__name"),
    ]
    digest = hashlib.sha256()
    for query in queries:
        for row in query.iterator(chunk_size=5000):
            digest.update(repr(row).encode())
    return digest.hexdigest()
