"""Withdrawing a plan: archive hides it everywhere but keeps it, restore brings it back; delete removes a
freshly imported plan completely and refuses one that already has reports."""

import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from plans import access
from plans.models import Category, Milestone, MilestoneYear, Occurrence, Plan
from plans.notifications.due import plan_digests
from plans.workflow.withdrawal import archive_plan, delete_plan, restore_plan
from plans.workflow.year_close import close_year
from targets.models import Indicator
from tests.helpers import every_api_task, milestone_led_by, submit
from tests.test_access_matrix import exported_texts
from tests.test_loadplans import database_snapshot

pytestmark = pytest.mark.django_db

RCQQ = "jianghai-rcqq-2022"
# 2022-12-01 is 30 days before the 2022-12-31 deadlines: rcqq's lead units are reminded that day
# (tests/test_reminder_dry_run.py derives which from the fixture files).
REMINDER_DAY = date(2022, 12, 1)


def reminded_milestone_ids(day=REMINDER_DAY) -> set[int]:
    return {item.milestone_id for digest in plan_digests(day) for item in digest.items}


def linked_tasks(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html)}


def what_shows(client_as, plan):
    """Where the plan's node plans, indicators and name appear, for staff, a leader and a liaison."""
    staff, shown = client_as("staff"), {}
    ids = set(Milestone.objects.filter(plan=plan).values_list("pk", flat=True))
    indicator_ids = set(Indicator.objects.filter(plan=plan).values_list("pk", flat=True))
    category = Category.objects.filter(plan=plan).first()
    task_page = staff.get("/tasks/?per_page=500").content.decode()
    shown["task list"] = bool(linked_tasks(task_page) & ids)
    shown["plan filter choice"] = str(plan.pk) in select_options(task_page, "plan")
    shown["category filter choice"] = str(category.pk) in select_options(task_page, "category")
    shown["API"] = bool({t["id"] for t in every_api_task(staff)} & ids)
    shown["task export"] = plan.title in exported_texts(staff.get("/tasks/?_export=xlsx"))
    dashboard = staff.get("/dashboard/").content.decode()
    shown["dashboard"] = f"/plans/{plan.code}/" in dashboard or str(plan.pk) in select_options(dashboard, "plan")
    shown["dashboard indicators"] = any(f"/indicators/{pk}/" in dashboard for pk in indicator_ids)
    shown["dashboard ?plan="] = f"/plans/{plan.code}/" in staff.get(f"/dashboard/?plan={plan.pk}").content.decode()
    shown["home"] = f'href="/plans/{plan.code}/"' in _active_section(staff.get("/").content.decode())
    shown["reminders"] = bool(reminded_milestone_ids() & ids)
    liaison = client_as("liaison_hr")
    shown["my tasks (liaison)"] = bool(linked_tasks(liaison.get("/my/").content.decode()) & ids)
    shown["task list (liaison)"] = bool(linked_tasks(liaison.get("/tasks/?per_page=500").content.decode()) & ids)
    return shown


def select_options(html: str, name: str) -> set[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return set(re.findall(r'<option value="([^"]*)"', select[1]))


def _active_section(home_html: str) -> str:
    return home_html.split('id="archived"')[0]


def test_archive_hides_the_plan_everywhere_keeps_it_and_restore_brings_it_back(client_as, user_named):
    plan = Plan.objects.get(code=RCQQ)
    before = what_shows(client_as, plan)
    assert all(before.values()), before
    milestone = Milestone.objects.filter(plan=plan).first()
    rows = database_snapshot()

    archive_plan(user_named("staff"), plan)
    plan.refresh_from_db()
    assert plan.is_archived and plan.archived_by == user_named("staff")
    after = what_shows(client_as, plan)
    assert not any(after.values()), after
    # Nothing was removed: only the plan's two archive fields (and its history) changed.
    now = database_snapshot()
    for table in rows:
        if table not in ("plans_plan", "plans_historicalplan"):
            assert now[table] == rows[table], table
    # Staff still find it (home page list, plan page with the banner, its node plans); others do not.
    staff = client_as("staff")
    home = staff.get("/").content.decode()
    assert "已归档计划" in home and f'href="/plans/{plan.code}/"' in home.split('id="archived"')[1]
    page = staff.get(f"/plans/{plan.code}/")
    assert page.status_code == 200 and "已归档" in page.content.decode() and "恢复" in page.content.decode()
    detail = staff.get(f"/tasks/{milestone.pk}/").content.decode()
    assert "所属计划已归档，本节点计划只可查阅" in detail and f"/tasks/{milestone.pk}/status/" not in detail
    indicator = Indicator.objects.filter(plan=plan).first()
    assert "所属计划已归档" in staff.get(f"/indicators/{indicator.pk}/").content.decode()
    assert staff.get(f"/plans/{plan.code}/worklist.xlsx").status_code == 200
    leader = client_as("leader")
    assert plan.title not in leader.get("/").content.decode()
    assert leader.get(f"/plans/{plan.code}/").status_code == 404
    assert leader.get(f"/tasks/{milestone.pk}/").status_code == 404
    liaison = client_as("liaison_hr")
    hr_milestone = milestone_led_by("区人力资源和社会保障局")
    assert liaison.get(f"/tasks/{hr_milestone.pk}/").status_code == 404

    response = client_as("staff").post(f"/plans/{plan.code}/restore/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert not plan.is_archived
    assert what_shows(client_as, plan) == before
    reasons = list(plan.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["归档", "恢复"]


def test_nothing_is_reminded_or_closed_or_entered_on_an_archived_plan(user_named):
    plan = Plan.objects.get(code=RCQQ)
    ids = set(Milestone.objects.filter(plan=plan).values_list("pk", flat=True))
    assert reminded_milestone_ids() & ids  # due that day while active
    archive_plan(user_named("staff"), plan)
    assert not reminded_milestone_ids() & ids
    assert reminded_milestone_ids()  # the other plans are still reminded
    with pytest.raises(ValidationError, match="该计划已归档，不能销号"):
        close_year(user_named("staff"), plan, 2022)
    indicator = Indicator.objects.select_related("plan").filter(plan=plan).first()
    assert access.can(user_named("staff"), "enter", indicator) is False


def test_the_archive_page_confirms_with_counts(client_as):
    client = client_as("staff")
    body = client.get(f"/plans/{RCQQ}/archive/").content.decode()
    # jianghai-rcqq-2022: worklist.tsv has 40 rows and commitments.tsv 3, plan.yaml 40 indicators of 3 plan years each.
    for text in ("节点计划 43 条", "指标 40 项", "指标年度值 120 条", "确认归档"):
        assert text in body
    response = client.post(f"/plans/{RCQQ}/archive/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert Plan.objects.get(code=RCQQ).is_archived


@pytest.mark.parametrize("role", ["leader", "liaison_hr"])
@pytest.mark.parametrize("action", ["archive", "restore", "delete"])
def test_only_staff_archive_restore_or_delete(client_as, user_named, role, action):
    plan = Plan.objects.get(code=RCQQ)
    if action == "restore":
        archive_plan(user_named("staff"), plan)
    # A leader sees an active plan, so he is refused (403); an archived plan (restore) and every plan page
    # for a liaison lie outside their scope (404), as everywhere in plans.access.
    status = 404 if role == "liaison_hr" or action == "restore" else 403
    before = database_snapshot()
    assert client_as(role).post(f"/plans/{RCQQ}/{action}/").status_code == status
    assert database_snapshot() == before
    with pytest.raises(PermissionDenied):
        {"archive": archive_plan, "restore": restore_plan, "delete": delete_plan}[action](user_named(role), plan)


@pytest.fixture
def imported(tmp_path):
    """A fresh copy of rcqq imported from its own export: nothing reported on it yet."""
    path = tmp_path / "rcqq.xlsx"
    call_command("export_worklist", RCQQ, "-o", str(path))
    counts = table_counts()
    call_command(
        "import_worklist", str(path), "--plan-code", "rcqq-copy", "--region", "jianghai",
        "--start-year", "2022", "--end-year", "2024", "--title", "复制的计划",
    )  # fmt: skip
    return Plan.objects.get(code="rcqq-copy"), counts


def table_counts() -> dict[str, int]:
    """Rows per table of our apps, history tables left out (they keep a record of deleted rows)."""
    return {
        model._meta.db_table: model.objects.count()
        for app in ("units", "plans", "targets")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not model._meta.db_table.split("_", 1)[1].startswith("historical")
    }


def test_deleting_a_fresh_import_removes_every_row_it_added(client_as, imported):
    plan, before_import = imported
    original = Plan.objects.get(code=RCQQ)
    after_import = table_counts()
    # The import added exactly what the original plan holds, table by table.
    grew = {t: after_import[t] - before_import[t] for t in after_import if after_import[t] != before_import[t]}
    assert grew == {
        "plans_plan": 1,
        "plans_category": original.categories.count(),
        "plans_item": original.items.count(),
        "plans_measure": original.measures.count(),
        "plans_milestone": original.milestones.count(),
        "plans_milestoneunit": Milestone.units.through.objects.filter(milestone__plan=original).count(),
        "plans_occurrence": Occurrence.objects.filter(milestone__plan=original).count(),
        # The stored per-year rows (plans.MilestoneYear), written from the occurrences as they are saved.
        "plans_milestoneyear": MilestoneYear.objects.filter(milestone__plan=original).count(),
        "targets_indicator": 40,
        "targets_indicatoryear": 120,
    }
    milestone_ids = list(plan.milestones.values_list("pk", flat=True))

    client = client_as("staff")
    page = client.get("/plans/rcqq-copy/delete/").content.decode()
    assert "节点计划 43 条" in page and "指标 40 项" in page and "确认删除" in page
    response = client.post("/plans/rcqq-copy/delete/")
    assert response.status_code == 302
    assert table_counts() == before_import
    assert not Plan.objects.filter(code="rcqq-copy").exists()
    # History keeps a "deleted" record of every node plan and of the plan itself.
    history = Milestone.history.filter(id__in=milestone_ids, history_type="-")
    assert history.count() == len(milestone_ids)
    assert Plan.history.filter(code="rcqq-copy", history_type="-").exists()


def test_delete_is_refused_once_a_report_exists(client_as, user_named, imported):
    plan, _ = imported
    milestone = milestone_led_by("区卫生健康局", plan_code="rcqq-copy")
    submit(user_named("liaison_health"), milestone)
    before = database_snapshot()
    with pytest.raises(ValidationError) as excinfo:
        delete_plan(user_named("staff"), plan)
    assert "进展报告 1 份" in " ".join(excinfo.value.messages) and "只能归档" in " ".join(excinfo.value.messages)
    assert database_snapshot() == before

    client = client_as("staff")
    page = client.get("/plans/rcqq-copy/delete/").content.decode()
    assert "不能删除" in page and "确认删除" not in page and "改为归档" in page
    response = client.post("/plans/rcqq-copy/delete/")
    assert response.status_code == 400 and "未删除，数据库未作任何修改" in response.content.decode()
    assert database_snapshot() == before


def test_a_fixture_plan_is_never_deleted(user_named):
    before = database_snapshot()
    with pytest.raises(ValidationError, match="loadplans 会重新载入它，只能归档"):
        delete_plan(user_named("staff"), Plan.objects.get(code="jianghai-bsh-2022"))
    assert database_snapshot() == before


def test_admin_deletes_an_imported_plan_through_the_service(client, imported):
    plan, before_import = imported
    admin_user = get_user_model().objects.create_superuser("admin-test", password="x-secret-123")
    client.force_login(admin_user)
    confirm = client.get(f"/admin/plans/plan/{plan.pk}/delete/")
    assert confirm.status_code == 200 and "节点计划 43 条" in confirm.content.decode()
    response = client.post(f"/admin/plans/plan/{plan.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert table_counts() == before_import

    rcqq = Plan.objects.get(code=RCQQ)
    refused = client.get(f"/admin/plans/plan/{rcqq.pk}/delete/").content.decode()
    assert "只能归档" in refused
    client.post(f"/admin/plans/plan/{rcqq.pk}/delete/", {"post": "yes"})
    assert Plan.objects.filter(code=RCQQ).exists()
