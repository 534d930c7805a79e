"""The daily reminder job costs the same number of queries at 10× the units, liaisons and node plans.

Both provinces come from bench.synthetic, generated in a transaction that is rolled back. What is
counted is the day's creation (what is due, the addresses, the outbox rows with their notifications and
escalations), run twice: the second run of the day finds every row and creates nothing. Delivery is
left out: it claims and records each message on its own row, which is what makes it exactly once.
"""

from dataclasses import replace
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.jobs import reminder_day
from bench.synthetic import generate, size_for
from plans.models import Escalation, Notification, Outbox
from plans.notifications import outbox as outbox_service

TODAY = date(2026, 6, 15)
SMALL = replace(size_for(100), plans=2, units=20, reports=300, indicators=4)
LARGE = replace(SMALL, milestones=1000, plans=20, units=200, reports=3000, indicators=40)  # 10× each


class Rollback(Exception):
    pass


def _statements(captured) -> int:
    """Queries, with one bulk insert counted once: SQLite splits it by its parameter limit (999)."""
    count, previous = 0, None
    for query in captured.captured_queries:
        sql = query["sql"]
        table = sql.split("(")[0] if "INSERT" in sql.split("(")[0] else None
        count += table is None or table != previous
        previous = table
    return count


def _job_costs(size) -> dict:
    """Generate `size` in a savepoint, run the day's creation twice counting queries, roll back."""
    day = reminder_day(TODAY)
    try:
        with transaction.atomic():
            generate(size, seed=7, today=TODAY, force=True)
            with CaptureQueriesContext(connection) as first:
                created = outbox_service.record_digests(day)
            rows = {
                "outbox": Outbox.objects.filter(date=day).count(),
                "notifications": Notification.objects.count(),
                "escalations": Escalation.objects.count(),
            }
            with CaptureQueriesContext(connection) as second:
                again = outbox_service.record_digests(day)
            result = {
                "first": _statements(first),
                "second": _statements(second),
                "created": created.created,
                "created_again": again.created,
                "existing_again": again.existing,
                **rows,
            }
            raise Rollback
    except Rollback:
        return result


@pytest.mark.django_db
def test_reminder_job_costs_the_same_queries_at_ten_times_the_recipients(monkeypatch):
    # New rows are written CREATE_BATCH digests per transaction; one batch here so the count is exact.
    monkeypatch.setattr(outbox_service, "CREATE_BATCH", 100_000)
    small, large = _job_costs(SMALL), _job_costs(LARGE)
    # Both days really remind: units, staff and leaders, with more recipients in the larger province.
    assert small["created"] > 0 and large["created"] > 2 * small["created"]
    assert large["notifications"] > small["notifications"] > 0
    assert small["outbox"] == small["created"] and large["outbox"] == large["created"]
    assert large["first"] == small["first"]
    # The second run of the day creates nothing and finds every row in the same few queries.
    assert small["created_again"] == large["created_again"] == 0
    # (Escalated items are not escalated again, so the second run derives only the other digests.)
    assert 0 < small["existing_again"] <= small["created"] and 0 < large["existing_again"] <= large["created"]
    assert large["second"] == small["second"] < small["first"]
