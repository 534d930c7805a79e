"""plans.access on its own: which rows each role sees and what it may do, asked directly.

The URL-by-role matrix (test_access_matrix.py) checks the same answers through every view; these
tests pin the layer itself, so a new role (issue 11) is a change to plans/access.py and this file.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from plans import access
from plans.models import Milestone, MilestoneUnit, Plan
from targets.models import Indicator
from tests.helpers import milestone_led_by, submit

pytestmark = pytest.mark.django_db


def test_overseers_see_every_plan_and_node_plan_liaisons_only_their_units(user_named):
    total = Milestone.objects.count()
    for name in ("staff", "leader"):
        assert access.plans(user_named(name)).count() == Plan.objects.count() == 3
        assert access.milestones(user_named(name)).count() == total
    hr = user_named("liaison_hr")
    assert access.plans(hr).count() == 0  # plan-wide pages show every unit's work
    hr_ids = set(access.milestones(hr).values_list("pk", flat=True))
    # Worked out independently: the node plans that name 区人社局 among their units.
    named = set(
        MilestoneUnit.objects.filter(unit__name="区人力资源和社会保障局").values_list("milestone_id", flat=True)
    )
    assert hr_ids == named and 0 < len(hr_ids) < total


def test_a_street_liaison_sees_the_tasks_of_its_group_unit(user_named):
    lile = user_named("liaison_lile")
    group_tasks = set(MilestoneUnit.objects.filter(unit__name="各街道").values_list("milestone_id", flat=True))
    assert group_tasks and group_tasks <= set(access.milestones(lile).values_list("pk", flat=True))


def test_reports_follow_their_node_plan(user_named):
    milestone = milestone_led_by("区卫生健康局")
    report = submit(user_named("liaison_health"), milestone)
    assert access.reports(user_named("liaison_health")).filter(pk=report.pk).exists()
    assert access.reports(user_named("staff")).filter(pk=report.pk).exists()
    assert not access.reports(user_named("liaison_hr")).filter(pk=report.pk).exists()


def test_a_liaison_sees_only_indicators_assigned_to_their_unit(user_named):
    health = user_named("liaison_health")
    assert access.indicators(health).count() == 0  # none assigned in the fixtures
    indicator = Indicator.objects.first()
    indicator.unit = health.memberships.get().unit
    indicator.save()
    assert list(access.indicators(health)) == [indicator]
    assert access.indicators(user_named("leader")).count() == Indicator.objects.count()


def test_who_may_act(user_named):
    milestone = milestone_led_by("区卫生健康局")
    staff, leader, health = user_named("staff"), user_named("leader"), user_named("liaison_health")
    report = submit(health, milestone)
    assert access.can(health, "report", milestone) and not access.can(staff, "report", milestone)
    assert access.can(staff, "review", report) and not access.can(leader, "review", report)
    assert not access.can(health, "review", report)
    assert access.can(leader, "instruct", milestone) and not access.can(staff, "instruct", milestone)
    assert access.can(staff, "edit", milestone) and not access.can(leader, "edit", milestone)
    assert access.can(staff, "close_year", milestone.plan) and not access.can(leader, "close_year", milestone.plan)
    assert access.can(staff, "review") and not access.can(leader, "review")
    assert access.can(leader, "overview") and not access.can(health, "overview")
    assert not access.can(staff, "no-such-action", milestone)  # unknown actions are refused


def test_anonymous_users_see_nothing_and_may_do_nothing(client):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert access.milestones(anonymous).count() == 0
    assert access.notifications(anonymous).count() == 0
    assert not access.can(anonymous, "review")


def test_templates_ask_the_access_layer_not_the_role():
    """No template tests is_staff or a role string: they ask {% can ... %}."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"is_staff|is_superuser|(?<![\w.])role\s*==|role_of", text):
            offenders.append(str(path))
    assert offenders == []


def test_only_the_access_layer_reads_roles():
    """Views and services ask plans.access; units.roles is read by the access layer and account tools only."""
    # Besides the access layer: which of the user's units acts (reporting, instructions), and who receives a
    # message (plans.audience, built on the access layer) — questions about recipients, not permissions.
    allowed = {
        "plans/access.py",
        "plans/audience.py",
        "plans/workflow/reporting.py",
        "plans/workflow/instructions.py",
        "plans/demo/accounts.py",  # an account tool (was units/demo.py)
    }
    base = Path(settings.BASE_DIR)
    offenders = []
    for app in ("plans", "targets"):
        for path in (base / app).rglob("*.py"):
            relative = str(path.relative_to(base))
            if "migrations" in relative or "management" in relative or relative in allowed:
                continue
            if "units.roles" in path.read_text(encoding="utf-8"):
                offenders.append(relative)
    assert offenders == []
