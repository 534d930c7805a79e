"""A text search for a word in most texts (issue 22, item 5): the list counts its matches up to
plans.tables.COUNT_CAP and then says "1万+", in the same queries as a rare word; below the cap it counts exactly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import access, tables

pytestmark = pytest.mark.django_db


def matches(user, word) -> int:
    """The node plans the user sees whose texts hold the word (the stored search text, read directly)."""
    return access.milestones(user).active().filter(search_text__icontains=word).count()


def test_a_common_word_is_counted_up_to_the_cap_and_a_rare_one_exactly(client_as, user_named, monkeypatch):
    staff, user = client_as("staff"), user_named("staff")
    common, rare = "人才", "博士后"
    cap = 5
    assert matches(user, common) > cap >= 1 and 0 < matches(user, rare)
    monkeypatch.setattr(tables, "COUNT_CAP", cap)
    monkeypatch.setattr(tables, "COUNT_CAP_LABEL", "超过5")
    url = reverse("plans:task_list")
    with CaptureQueriesContext(connection) as many:
        page = staff.get(url, {"q": common}).content.decode()
    assert "共 超过5 个节点计划" in page
    assert page.count('href="/tasks/') >= cap  # the first page is shown
    monkeypatch.setattr(tables, "COUNT_CAP", 10_000)
    with CaptureQueriesContext(connection) as few:
        page = staff.get(url, {"q": rare}).content.decode()
    assert f"共 {matches(user, rare)} 个节点计划" in page
    assert len(many) == len(few)
    page = staff.get(url, {"q": common}).content.decode()  # under the real cap: the exact count
    assert f"共 {matches(user, common)} 个节点计划" in page
