"""A busy morning (issue 22, item 3): when many plans changed since the dashboard was last read, a reader counts
at most one of them again (stored_counts.READER_RECOUNTS), in the same number of queries however many changed;
the rest are counted by the background task queued when the reader's request ends."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.dashboard.stored_counts import READER_RECOUNTS, recount_all, recount_later, stale_plan_ids
from plans.models import Milestone, Plan
from tests.small_plan import build_small_plan
from tests.test_stored_counts import assert_stored_equals_live

pytestmark = pytest.mark.django_db
TODAY = date(2023, 12, 15)


def change_plans(plans) -> None:
    for plan in plans:
        milestone = Milestone.objects.filter(plan=plan).first()
        milestone.percent = (milestone.percent + 7) % 100
        milestone.save()


def read_dashboard(client, capture_callbacks):
    with capture_callbacks(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("plans:dashboard")).status_code == 200
    return len(queries), callbacks


@time_machine.travel(TODAY, tick=False)
def test_a_reader_counts_one_changed_plan_in_the_same_queries_however_many_changed(
    client_as, django_capture_on_commit_callbacks
):
    for n in range(8):
        build_small_plan(f"morning-{n}")
    leader = client_as("leader")
    plans = list(Plan.objects.active().order_by("pk"))
    assert len(plans) >= 10

    # Counting a plan with indicators reads its members' entries too (targets.members.member_figures_of, one
    # query, none for a plan without indicators): the two reads compare how many plans changed, so each must
    # count a plan of the same kind, a small plan (no indicators) here.
    small = {plan.pk for plan in plans if plan.code.startswith("morning-")}

    def counted_by_reader(changed):
        return set(changed) - set(stale_plan_ids(plans, TODAY))

    recount_all(TODAY)
    few_changed = [plan.pk for plan in plans if plan.pk in small][:2]
    change_plans(Plan.objects.filter(pk__in=few_changed))
    few, callbacks = read_dashboard(leader, django_capture_on_commit_callbacks)
    assert len(stale_plan_ids(plans, TODAY)) == 2 - READER_RECOUNTS
    assert recount_later in callbacks  # the other one goes to the background
    assert len(counted_by_reader(few_changed)) == READER_RECOUNTS and counted_by_reader(few_changed) <= small

    recount_all(TODAY)
    change_plans(plans)
    many, callbacks = read_dashboard(leader, django_capture_on_commit_callbacks)
    assert counted_by_reader(p.pk for p in plans) <= small  # the same kind of plan as above, so comparable
    assert many == few
    assert len(stale_plan_ids(plans, TODAY)) == len(plans) - READER_RECOUNTS
    assert recount_later in callbacks

    recount_all(TODAY)  # what the background task runs: every figure true again
    assert stale_plan_ids(plans, TODAY) == []
    assert_stored_equals_live(TODAY)

    change_plans(plans[:1])  # one changed plan: counted by the reader, nothing queued
    _, callbacks = read_dashboard(leader, django_capture_on_commit_callbacks)
    assert stale_plan_ids(plans, TODAY) == [] and recount_later not in callbacks


@time_machine.travel(TODAY, tick=False)
def test_a_plan_never_counted_is_counted_by_the_reader(client_as, django_capture_on_commit_callbacks):
    recount_all(TODAY)
    build_small_plan("morning-new")
    new = Plan.objects.get(code="morning-new")
    change_plans(list(Plan.objects.active().exclude(pk=new.pk)))
    page = client_as("leader").get(reverse("plans:dashboard")).content.decode()
    assert new.title in page
    assert new.pk not in stale_plan_ids(Plan.objects.all(), TODAY)
