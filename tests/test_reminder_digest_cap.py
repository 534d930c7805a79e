"""A digest lists at most REMINDER_DIGEST_MAX_ITEMS items, most urgent first, then the rest's count and link;
a province-wide summary stays under 1 MB."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from plans.reminders.due import Digest, DueItem
from plans.reminders.render import render_digest

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)


def _item(n: int, days_left: int) -> DueItem:
    return DueItem(
        occurrence_id=n,
        milestone_id=n,
        plan_id=1,
        plan="某某行动计划",
        measure="工作举措" * 20,
        milestone=f"节点计划第{n}项" + "内容" * 40,
        due=TODAY + timedelta(days=days_left),
        days_left=days_left,
        kind="deadline",
        triggered=True,
        link=f"https://example.org/tasks/{n}/",
    )


def test_digest_lists_the_most_urgent_fifty_and_counts_the_rest(settings):
    settings.REMINDER_DIGEST_MAX_ITEMS = 50
    # 60 items: days_left 29, 28, …, -30; the 50 most urgent are the most overdue: -30 … 19.
    items = [_item(n, 29 - n) for n in range(60)]
    user = get_user_model().objects.create(username="s1", email="s1@example.org")
    message = render_digest(Digest("staff_summary", items, user=user), TODAY)
    assert [i["days_left"] for i in message["items"]] == list(range(-30, 20))
    assert "另有 10 项未列出" in message["body_text"] and "另有 10 项未列出" in message["body_html"]
    assert "/tasks/?overdue=true&sort=next_due" in message["body_text"]
    assert "已逾期 30 天" in message["body_text"].split("\n2.")[0]  # first listed is the most overdue


def test_a_province_wide_summary_stays_under_one_megabyte():
    items = [_item(n, -15 - n % 400) for n in range(17_548)]  # the size the issue measured at 100k
    user = get_user_model().objects.create(username="s2", email="s2@example.org")
    message = render_digest(Digest("escalation", items, user=user), TODAY)
    size = sum(len(message[part].encode()) for part in ("subject", "body_text", "body_html"))
    assert size < 1_000_000 and "另有 17498 项未列出" in message["body_text"]
