"""Every benchmarked page costs the same number of queries at 10× the plans, units, node plans and reports.

The pages are the benchmark's own list (bench.pages.targets), measured as the benchmark signs in (staff,
leader, the busiest liaison, the most-notified user). Runs on SQLite and, in the PostgreSQL round, on
PostgreSQL.
"""

from dataclasses import replace
from datetime import date

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.context import find_context
from bench.pages import targets
from bench.resolve import find_url
from bench.synthetic import generate, size_for

TODAY = date(2026, 6, 15)
SMALL = replace(size_for(100), plans=2, units=20, reports=300, indicators=4)
LARGE = replace(SMALL, milestones=1000, plans=20, units=200, reports=3000, indicators=40)  # 10× each


class Rollback(Exception):
    pass


def _page_query_counts(size) -> dict[str, int]:
    """Generate `size` in a savepoint, count each page's queries, roll back."""
    counts = {}
    try:
        with transaction.atomic():
            generate(size, seed=7, today=TODAY, force=True)
            ctx = find_context()
            clients = {}
            for role in ("staff", "leader", "liaison", "notified"):
                clients[role] = Client()
                clients[role].force_login(getattr(ctx, role))
            for target in targets(ctx):
                url = find_url(target.url_names, target.kwargs)
                if url is None:
                    continue  # the floor view exists only under bench/urls.py
                url += f"?{target.query}" if target.query else ""
                clients[target.role].get(url)  # warm caches (sessions, content types) outside the count
                with CaptureQueriesContext(connection) as captured:
                    response = clients[target.role].get(url)
                assert response.status_code == 200, (target.key, response.status_code)
                counts[target.key] = len(captured)
            raise Rollback
    except Rollback:
        return counts


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_every_page_costs_the_same_queries_at_ten_times_the_data():
    small = _page_query_counts(SMALL)
    large = _page_query_counts(LARGE)
    assert set(small) >= {"tasks", "tasks_search", "tasks_sort_due", "my", "detail", "dashboard", "api", "reviews"}
    assert large == small
