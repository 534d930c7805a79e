"""The task list, the liaison home and the detail page cost a fixed number of queries, whatever the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import instructions, reporting
from tests.helpers import milestone_led_by, pdf_upload, submit

pytestmark = pytest.mark.django_db

# The nav counts add up to three (待审核 for staff, unread 通知); the detail page reads 批示 with their units
# and two more timeline sources (批示, 催办); 我的任务 reads the open 批示 of the unit.
MAX_QUERIES = {"task_list": 19, "my_tasks": 15, "detail": 29}


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _add_activity(user_named, milestones, rounds):
    for milestone in milestones:
        occurrence = milestone.occurrences.filter(is_deadline=True).first()
        for _ in range(rounds):
            report = submit(user_named("liaison_hr"), milestone, occurrence=occurrence, files=[(pdf_upload(), "pdf")])
            reporting.review_report(user_named("staff"), report, False, "请补充", report.version)
        instructions.give_instruction(user_named("leader"), milestone, "请加快进度")


@pytest.mark.parametrize(
    "page, user, url",
    [
        ("task_list", "staff", "/tasks/"),
        ("task_list", "liaison_hr", "/tasks/?per_page=100"),
        ("my_tasks", "liaison_hr", "/my/"),
        ("detail", "staff", None),
        ("detail", "liaison_hr", None),
        ("detail", "leader", None),
    ],
)
def test_fixed_number_of_queries(client_as, user_named, page, user, url, django_assert_max_num_queries):
    milestone = milestone_led_by("区人力资源和社会保障局")
    url = url or reverse("plans:milestone", args=[milestone.pk])
    client = client_as(user)
    _add_activity(user_named, [milestone], rounds=1)
    few = _count(client, url)
    others = [
        m
        for m in type(milestone)
        .objects.filter(assignments__unit__name="区人力资源和社会保障局", assignments__role="lead")
        .filter(occurrences__is_deadline=True)
        .distinct()[:6]
    ]
    _add_activity(user_named, others, rounds=3)
    many = _count(client, url)
    assert many == few, f"{page}: {few} queries with little data, {many} with more"
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        client.get(url)
