"""数据管理's sidebars and add pages (issue 21, item 8): a 江海 staff member sees no 南平 name in any list
filter of any changelist, and no add page answers 500."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Instruction, Milestone, Outbox, Plan

pytestmark = pytest.mark.django_db

NANPING_USERS = ["staff_np", "leader_np", "liaison_np"]  # tests/conftest.py: users of 南平市 only


def _sidebar(response) -> str:
    html = response.content.decode()
    found = re.search(r'<nav id="changelist-filter".*?</nav>', html, re.S)
    return found.group(0) if found else ""


def _changelists():
    return [
        (model, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        for model, model_admin in admin.site._registry.items()
    ]


def test_jianghai_staff_see_no_nanping_name_in_any_filter(client_as):
    nanping_names = ["南平", *Plan.objects.filter(region__code="nanping").values_list("title", flat=True)]
    nanping_names += NANPING_USERS
    staff = client_as("staff_jh")
    checked, with_filters = 0, 0
    for _model, url in _changelists():
        response = staff.get(url)
        if response.status_code != 200:
            continue  # no view permission for this model (users, groups): nothing listed at all
        checked += 1
        sidebar = _sidebar(response)
        if response.context["cl"].has_filters:
            with_filters += 1
            assert sidebar, url  # the pattern above found the sidebar: the check below is not vacuous
        for name in nanping_names:
            assert name not in sidebar, (url, name)
    assert checked > 20 and with_filters > 20, (checked, with_filters)


def test_the_filters_still_offer_the_own_regions_rows(client_as):
    own_plan = Plan.objects.filter(region__code="jianghai").order_by("pk").first()
    sidebar = _sidebar(client_as("staff_jh").get("/admin/plans/milestone/"))
    assert own_plan.title in sidebar
    # The superuser is not limited: both regions' plans are offered.
    everything = _sidebar(client_as("superuser").get("/admin/plans/milestone/"))
    assert own_plan.title in everything and "南平" in everything


def test_the_instruction_author_filter_lists_only_users_of_the_region(client_as):
    users = get_user_model().objects
    np_milestone = Milestone.objects.filter(plan__region__code="nanping").first()
    jh_milestone = Milestone.objects.filter(plan__region__code="jianghai").first()
    Instruction.objects.create(milestone=np_milestone, author=users.get(username="leader_np"), text="南平的批示")
    for author in ["leader_jh", "staff_jh"]:  # two authors: a filter with one choice is not shown at all
        Instruction.objects.create(milestone=jh_milestone, author=users.get(username=author), text="江海的批示")
    sidebar = _sidebar(client_as("staff_jh").get("/admin/plans/instruction/"))
    assert "leader_jh" in sidebar and "staff_jh" in sidebar and "leader_np" not in sidebar
    assert "liaison_hr" not in sidebar  # a user who wrote no 批示 is no choice either


def test_no_add_page_answers_500_and_outbox_rows_are_never_added_by_hand(client_as):
    staff = client_as("staff_jh")
    staff.raise_request_exception = False
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        assert staff.get(url).status_code < 500, url
    assert staff.get("/admin/plans/outbox/add/").status_code == 403
    assert staff.post("/admin/plans/outbox/add/", {"recipient_key": "x"}).status_code == 403
    assert not Outbox.objects.filter(recipient_key="x").exists()
    assert client_as("superuser").get("/admin/plans/outbox/add/").status_code == 403  # nobody adds one
