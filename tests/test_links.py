"""Every link to a plan, a node plan or an indicator comes from its get_absolute_url."""

from datetime import date

import pytest
from django.conf import settings

from plans.models import Milestone, Plan
from plans.notifications.due import open_items
from targets.models import Indicator

pytestmark = pytest.mark.django_db


def test_the_three_addresses():
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    milestone = Milestone.objects.filter(plan=plan).first()
    indicator = Indicator.objects.filter(plan=plan).first()
    # The URL scheme as README describes it: "task" in URLs for a node plan (Milestone, 节点计划).
    assert plan.get_absolute_url() == "/plans/jianghai-rcqq-2022/"
    assert milestone.get_absolute_url() == f"/tasks/{milestone.pk}/"
    assert indicator.get_absolute_url() == f"/indicators/{indicator.pk}/"


def test_reminder_links_and_list_links_use_it(client_as):
    item = open_items(date(2022, 12, 1))[0]
    milestone = Milestone.objects.get(pk=item.milestone_id)
    assert item.link == settings.SITE_URL.rstrip("/") + milestone.get_absolute_url()
    plan = Plan.objects.get(code="jianghai-bsh-2022")
    body = client_as("staff").get(f"/tasks/?plan={plan.pk}&per_page=100").content.decode()
    milestones = list(Milestone.objects.filter(plan=plan))
    assert milestones and all(f'href="{m.get_absolute_url()}"' in body for m in milestones)
