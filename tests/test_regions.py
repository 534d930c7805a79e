"""Each organization department sees its own jurisdiction: lists, exports, JSON, dashboards, the review queue,
filter choices, reminders, accounts and 数据管理, for users of 江海区, 南平市, 江门市 (江海区's parent) and a
superuser. The expected rows come from the fixtures (which plan belongs to which region), not from plans.access.
"""

from datetime import date

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse

from plans import access
from plans.models import Milestone, Plan, ProgressReport
from plans.notifications.due import plan_digests
from tests.helpers import every_api_task, milestone_led_by, submit
from tests.test_access_matrix import exported_texts
from units.admin_regions import REGION_PATHS
from units.models import Region, RegionMembership, Unit

pytestmark = pytest.mark.django_db

# From fixtures/plans/*/plan.yaml: which plan belongs to which region.
JIANGHAI_PLANS = {"jianghai-rcqq-2022", "jianghai-bsh-2022"}
NANPING_PLANS = {"nanping-cjwy-2021"}


def texts_of(plan_codes) -> set[str]:
    return set(Milestone.objects.filter(plan__code__in=plan_codes).values_list("text", flat=True))


def ids_of(plan_codes) -> set[int]:
    return set(Milestone.objects.filter(plan__code__in=plan_codes).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "user, own, other",
    [("staff_np", NANPING_PLANS, JIANGHAI_PLANS), ("staff_jh", JIANGHAI_PLANS, NANPING_PLANS)],
)
def test_the_export_holds_every_own_node_plan_and_none_of_the_other_region(client_as, user, own, other):
    client = client_as(user)
    cells = exported_texts(client.get("/tasks/?_export=xlsx"))
    assert texts_of(own) <= cells  # row by row: every node plan of the own region is there...
    assert not texts_of(other) & cells  # ...and not one of the other region's
    listed = {task["id"] for task in every_api_task(client)}
    assert listed == ids_of(own)


def test_the_superuser_exports_both_regions(client_as):
    client = client_as("superuser")
    cells = exported_texts(client.get("/tasks/?_export=xlsx"))
    assert texts_of(JIANGHAI_PLANS | NANPING_PLANS) <= cells
    assert {task["id"] for task in every_api_task(client)} == ids_of(JIANGHAI_PLANS | NANPING_PLANS)


def test_a_liaisons_export_and_json_stay_in_their_region(client_as):
    client = client_as("liaison_np")
    cells = exported_texts(client.get("/tasks/?_export=xlsx"))
    assert cells and not texts_of(JIANGHAI_PLANS) & cells
    assert {task["id"] for task in every_api_task(client)} <= ids_of(NANPING_PLANS)


@pytest.mark.parametrize(
    "user, plans",
    [
        ("leader_jh", JIANGHAI_PLANS),
        ("leader_np", NANPING_PLANS),
        ("supervisor", JIANGHAI_PLANS),  # 江门市 reads its child 江海区, not 南平市
        ("superuser", JIANGHAI_PLANS | NANPING_PLANS),
    ],
)
def test_the_dashboard_and_its_league_table_cover_the_users_regions(client_as, user, plans):
    board = client_as(user).get("/dashboard/").context["board"]
    assert {p.code for p in board.plans} == plans
    assert {plan.code for plan, _tally in board.per_plan} == plans
    regions = set(Plan.objects.filter(code__in=plans).values_list("region_id", flat=True))
    assert board.league and {row.unit.region_id for row in board.league} <= regions


def test_the_review_queue_lists_the_own_regions_reports_only(client_as, user_named):
    jianghai = submit(user_named("liaison_health"), milestone_led_by("区卫生健康局"))
    nanping = submit(user_named("liaison_np"), milestone_led_by("市人社局", plan_code="nanping-cjwy-2021"))
    from plans.workflow import indicator_entries
    from targets.models import Indicator

    indicator = Indicator.objects.filter(plan__code="nanping-cjwy-2021").first()
    entry = indicator_entries.submit_entry(user_named("staff_np"), indicator, 2022, "increment", 3, "统计年报")
    for user, shown, hidden in [("staff_jh", jianghai, nanping), ("staff_np", nanping, jianghai)]:
        context = client_as(user).get("/reviews/").context
        assert shown in list(context["reports"]) and hidden not in list(context["reports"])
        assert (entry in list(context["entries"])) == (user == "staff_np")
    # The 江门市 staff member reads 江海区 but does not decide there: not their queue.
    from units.accounts import create_user

    inspector = create_user("inspector", "staff", password="test-pass-123", regions=["jiangmen"])
    assert not access.plans_acted_on(inspector).exists()
    assert set(access.plans(inspector).values_list("code", flat=True)) == JIANGHAI_PLANS


def test_the_unit_filter_lists_own_region_in_its_order_without_the_region_name(client_as):
    form = client_as("liaison_hr").get("/tasks/").context["filter"].form
    units = list(form.fields["unit"].queryset)
    assert {unit.region.code for unit in units} == {"jianghai"}
    # fixtures/units/jianghai.yaml lists party units first (区委组织部 ...), then government, ..., streets.
    assert [u.name for u in units[:3]] == ["区委组织部", "区委宣传部", "区委统战部"]
    kinds = [unit.kind for unit in units]
    assert kinds.index("street") > max(i for i, kind in enumerate(kinds) if kind == "government")
    labels = [label for _value, label in form.fields["unit"].choices][1:]
    assert labels[0] == "区委组织部"
    plans = {plan.code for plan in form.fields["plan"].queryset}
    assert plans <= JIANGHAI_PLANS


def test_a_two_region_reader_sees_the_own_region_first_and_others_named_with_their_region(client_as):
    form = client_as("staff").get("/tasks/").context["filter"].form  # "staff" works for 江海区 and 南平市
    labels = [label for _value, label in form.fields["unit"].choices][1:]
    first_nanping = next(i for i, label in enumerate(labels) if label.startswith("南平市·"))
    assert all(not label.startswith("南平市·") for label in labels[:first_nanping])
    assert all(label.startswith("南平市·") for label in labels[first_nanping:])
    assert labels[0] == "区委组织部" and "南平市·市委组织部" in labels


def test_a_parent_regions_leader_comments_and_changes_nothing_else(user_named):
    supervisor, milestone = user_named("supervisor"), milestone_led_by("区卫生健康局")
    report = submit(user_named("liaison_health"), milestone)
    assert access.milestones(supervisor).filter(pk=milestone.pk).exists()
    assert access.can(supervisor, "instruct", milestone)  # 督办意见
    for action, obj in [("edit", milestone), ("review", report), ("close_year", milestone.plan)]:
        assert not access.can(supervisor, action, obj)
    nanping = milestone_led_by("市人社局", plan_code="nanping-cjwy-2021")
    assert not access.milestones(supervisor).filter(pk=nanping.pk).exists()


def test_a_read_only_membership_downgrades_staff_to_reading(user_named):
    from units.accounts import create_user

    reader = create_user("reader", "staff", password="test-pass-123", regions=["nanping"], read_regions=["jianghai"])
    jianghai, nanping = milestone_led_by("区卫生健康局"), milestone_led_by("市人社局", plan_code="nanping-cjwy-2021")
    assert access.can(reader, "edit", nanping) and not access.can(reader, "edit", jianghai)
    assert access.can(reader, "instruct", jianghai) and not access.can(reader, "instruct", nanping)


def test_an_import_goes_into_the_own_region_only(client_as):
    form = client_as("staff_np").get("/plans/import/").context["form"]
    assert [region.code for region in form.fields["region"].queryset] == ["nanping"]
    superuser_form = client_as("superuser").get("/plans/import/").context["form"]
    assert {region.code for region in superuser_form.fields["region"].queryset} == {"jiangmen", "jianghai", "nanping"}


# --- Reminders ------------------------------------------------------------------------------------------


def test_staff_summaries_and_escalations_go_to_the_plans_own_region(user_named):
    # On 15 January 2023 both regions have deadlines of December 2022 overdue for 15 days (> 14: escalated).
    digests = plan_digests(date(2023, 1, 15))
    region_of_plan = dict(Plan.objects.values_list("pk", "region__code"))
    summaries = {
        d.user.username: {region_of_plan[i.plan_id] for i in d.items} for d in digests if d.kind == "staff_summary"
    }
    assert summaries["staff_jh"] == {"jianghai"} and summaries["staff_np"] == {"nanping"}
    assert summaries["staff"] == {"jianghai", "nanping"}  # works for both
    escalated = {
        d.user.username: {region_of_plan[i.plan_id] for i in d.items} for d in digests if d.kind == "escalation"
    }
    assert escalated["leader_jh"] == {"jianghai"} and escalated["leader_np"] == {"nanping"}
    assert "supervisor" not in escalated  # 江门市 reads 江海区; escalations go to the region's own leaders


# --- Accounts ---------------------------------------------------------------------------------------------


def test_adduser_takes_regions(capsys, django_user_model):
    call_command("adduser", "np2", "--role", "leader", "--region", "南平市", "--password", "pw-np2-long-enough")
    call_command("adduser", "jm2", "--role", "staff", "--region", "jiangmen", "--read-region", "nanping")
    out = capsys.readouterr().out
    assert "地区：南平市（管理（按角色办理））" in out
    memberships = set(
        RegionMembership.objects.filter(user__username__in=["np2", "jm2"]).values_list(
            "user__username", "region__code", "access"
        )
    )
    assert memberships == {("np2", "nanping", "full"), ("jm2", "jiangmen", "full"), ("jm2", "nanping", "read")}


def test_adduser_refuses_an_unknown_region_in_chinese_and_creates_nothing(django_user_model):
    with pytest.raises(CommandError, match="未知地区“火星区”"):
        call_command("adduser", "ghost", "--role", "staff", "--region", "jianghai", "--region", "火星区")
    assert not django_user_model.objects.filter(username="ghost").exists()
    with pytest.raises(CommandError, match="联络员的地区由其单位决定"):
        call_command("adduser", "ghost", "--role", "liaison", "--unit", "市人社局", "--region", "nanping")
    assert not django_user_model.objects.filter(username="ghost").exists()


def test_the_demo_accounts_show_each_region(capsys):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    for line in ["staff", "leader", "np-staff", "np-shuji", "hr", "np-hr", "admin", "jm-supervisor"]:
        assert f"  {line} " in out
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "江门市江海区" in lines["staff"] and "南平市" in lines["np-staff"] and "系统管理员" in lines["admin"]
    assert "督查员" in lines["jm-supervisor"]


# --- 数据管理 ---------------------------------------------------------------------------------------------


def test_every_registered_model_has_a_region_path():
    labels = {model._meta.label_lower for model in admin.site._registry}
    # The audit log is the superuser's only (audit/admin.py refuses everyone else), across every region; so are the
    # TOTP devices (django-otp's admin; staff hold no permission on them).
    unscoped = {"auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog", "audit.auditevent"}
    unscoped.add("otp_totp.totpdevice")
    assert labels - unscoped <= set(REGION_PATHS)


def test_admin_lists_and_choices_keep_to_the_staff_members_region(client_as):
    client = client_as("staff_np")
    listed = client.get("/admin/plans/milestone/?all=").context["cl"].queryset
    assert set(listed.values_list("plan__code", flat=True)) == NANPING_PLANS
    jianghai_plan = Plan.objects.get(code="jianghai-rcqq-2022")
    response = client.get(reverse("admin:plans_plan_change", args=[jianghai_plan.pk]))
    assert response.status_code == 302  # Django's admin: "does not exist", back to the index
    form = client.get("/admin/plans/category/add/").context["adminform"].form
    assert {plan.code for plan in form.fields["plan"].queryset} == NANPING_PLANS
    units = client.get("/admin/units/unit/?all=").context["cl"].queryset
    assert set(units.values_list("region__code", flat=True)) == {"nanping"}
    assert client.post(reverse("admin:plans_plan_delete", args=[jianghai_plan.pk]), {"post": "yes"}).status_code == 302
    assert Plan.objects.filter(pk=jianghai_plan.pk).exists()
    users = set(client.get("/admin/auth/user/").context["cl"].queryset.values_list("username", flat=True))
    assert "leader_np" in users and "liaison_np" in users and not {"leader_jh", "liaison_hr"} & users


def test_only_a_superuser_changes_regions(client_as):
    jianghai = Region.objects.get(code="jianghai")
    assert client_as("staff_jh").get(reverse("admin:units_region_change", args=[jianghai.pk])).status_code in (200, 403)
    response = client_as("staff_jh").post(
        reverse("admin:units_region_change", args=[jianghai.pk]), {"code": "x", "name": "y"}
    )
    assert response.status_code == 403
    jianghai.refresh_from_db()
    assert jianghai.code == "jianghai" and jianghai.parent.code == "jiangmen"


def test_units_follow_the_files_order():
    streets = Unit.objects.get(region__code="jianghai", name="礼乐街道")
    party = Unit.objects.get(region__code="jianghai", name="区委组织部")
    assert party.position == 1 and streets.position > party.position


def test_nothing_is_reviewed_across_regions(client_as, user_named):
    report = submit(user_named("liaison_health"), milestone_led_by("区卫生健康局"))
    response = client_as("staff_np").post(
        reverse("plans:report_review", args=[report.pk]), {"decision": "approve", "version": report.version}
    )
    assert response.status_code == 404
    assert ProgressReport.objects.get(pk=report.pk).state == report.state


def test_the_supervisor_is_offered_督办意见_and_the_regions_leader_批示(client_as):
    milestone = milestone_led_by("区卫生健康局")
    url = reverse("plans:milestone", args=[milestone.pk])
    assert client_as("supervisor").get(url).context["instruction_verb"] == "留督办意见"
    assert client_as("leader_jh").get(url).context["instruction_verb"] == "作出批示"
    response = client_as("supervisor").post(
        reverse("plans:instruction_create", args=[milestone.pk]), {"text": "请督促落实"}
    )
    assert response.status_code == 302 and milestone.instructions.get().text == "请督促落实"


def test_an_upgrade_keeps_existing_staff_and_leaders_seeing_what_they_saw(django_user_model):
    """Migration 0003 on a portal that already has regions: staff and leaders without a region get 管理 in each."""
    from importlib import import_module

    from django.apps import apps

    from units.accounts import create_user

    migration = import_module("units.migrations.0003_existing_overseers_keep_every_region")
    old_staff = create_user("old_staff", "staff", password="test-pass-123")
    liaison = create_user("old_liaison", "liaison", ["区教育局"], password="test-pass-123")
    assert not access.plans(old_staff).exists()  # without a region, nothing
    migration.keep_every_region(apps, None)
    memberships = set(RegionMembership.objects.filter(user=old_staff).values_list("region__code", "access"))
    assert memberships == {("jiangmen", "full"), ("jianghai", "full"), ("nanping", "full")}
    assert not RegionMembership.objects.filter(user=liaison).exists()
    staff_jh = set(RegionMembership.objects.filter(user__username="staff_jh").values_list("region__code", flat=True))
    assert staff_jh == {"jianghai"}  # someone who already has a region is left as they are


def test_admin_history_pages_of_another_region_are_not_found(client_as):
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    version = plan.history.first()
    client = client_as("staff_np")
    assert client.get(reverse("admin:plans_plan_history", args=[plan.pk])).status_code == 404
    assert client.get(f"/admin/plans/plan/{plan.pk}/history/{version.history_id}/").status_code == 404
    assert client.get("/admin/plans/plan/not-a-number/history/").status_code == 404
    own = client_as("staff_jh")
    assert own.get(reverse("admin:plans_plan_history", args=[plan.pk])).status_code == 200
    assert own.get(f"/admin/plans/plan/{plan.pk}/history/{version.history_id}/").status_code == 200
