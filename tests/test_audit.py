"""The security audit log: one test per recorded act (sign-in, failure, sign-out, expiry, lockout, role, unit,
region and password changes, every export, download and evidence view, every 数据管理 change), the address as
the throttle reads it, the act and its record in one transaction, read-only for everyone (a staff member's change
or delete is refused), the superuser's read and export, and pruning after the retention period."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from audit.choices import Action, Outcome
from audit.models import AuditEvent, AuditLogIsAppendOnly
from audit.retention import prune
from audit.tasks import prune_audit_log
from tests.conftest import PASSWORD
from tests.test_downloads import figure_evidence, reply_file, report_evidence
from units.accounts import create_user
from units.models import Unit

pytestmark = pytest.mark.django_db
PLAN = "jianghai-rcqq-2022"
FIRST_NEW_ID = 0


@pytest.fixture(autouse=True)
def first_new_id():
    """Rows from the session's setup (the named users were made through the same services) are not this test's."""
    global FIRST_NEW_ID
    FIRST_NEW_ID = (AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def events(action):
    return list(AuditEvent.objects.filter(action=action, id__gte=FIRST_NEW_ID).order_by("id"))


def only(action):
    [event] = events(action)
    return event


def sign_in(client, username="liaison_hr", password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


# Sign-in, sign-out, failure, lockout -----------------------------------------------------------------


def test_sign_in_is_recorded_with_who_when_and_where(client):
    before = timezone.now()
    assert sign_in(client, REMOTE_ADDR="10.20.30.40").status_code == 302
    event = only(Action.SIGN_IN)
    assert (event.actor.username, event.actor_name, event.outcome) == ("liaison_hr", "liaison_hr", Outcome.SUCCESS)
    assert event.address == "10.20.30.40" and event.at >= before and event.source == "web"


def test_the_address_behind_our_proxy_is_the_one_the_throttle_reads(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    sign_in(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.168.5.9")
    assert only(Action.SIGN_IN).address == "192.168.5.9"  # what the client wrote to the left is ignored


def test_a_failed_sign_in_is_recorded_with_the_name_typed(client):
    assert sign_in(client, password="wrong-Password-1").status_code == 200
    sign_in(client, username="nobody-here", password="wrong-Password-1")
    first, second = events(Action.SIGN_IN_FAILED)
    assert (first.actor_name, first.outcome, first.actor) == ("liaison_hr", Outcome.FAILURE, None)
    assert second.actor_name == "nobody-here" and "用户名或密码不正确" in second.detail
    assert not events(Action.SIGN_IN)


def test_sign_out_is_recorded(client):
    sign_in(client)
    client.post("/accounts/logout/")
    event = only(Action.SIGN_OUT)
    assert event.actor.username == "liaison_hr" and event.detail == "本人退出"


def test_a_session_ended_by_the_idle_limit_is_recorded_as_such(client):
    import time_machine

    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client)
        clock.shift(timedelta(minutes=31))
        client.get("/tasks/")
    event = only(Action.SIGN_OUT)
    assert event.actor.username == "liaison_hr" and event.detail == "会话空闲超时，自动退出"


def test_lockout_is_recorded(client, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, password="wrong-Password-1", REMOTE_ADDR="10.9.9.9")
    event = only(Action.LOCKOUT)
    assert (event.actor_name, event.address, event.outcome) == ("liaison_hr", "10.9.9.9", Outcome.FAILURE)
    assert sign_in(client, REMOTE_ADDR="10.9.9.9").status_code == 429  # the right password is refused now
    assert "账号已被锁定" in events(Action.SIGN_IN_FAILED)[-1].detail


# Role, unit, region, password ----------------------------------------------------------------------


def test_a_role_change_is_recorded():
    call_command("adduser", "liaison_health", "--role", "leader", "--region", "jianghai")
    details = [e.detail for e in events(Action.ROLE_CHANGE) if e.object_id == str(user_pk("liaison_health"))]
    assert any(d.startswith("移出角色组：liaison") for d in details)
    assert "加入角色组：leader" in details
    assert [e.detail for e in events(Action.UNIT_CHANGE)] == ["移出单位：江门市江海区区卫生健康局"]


def test_a_unit_change_is_recorded():
    create_user("liaison_lile", "liaison", ["礼乐街道", "区人力资源和社会保障局"])
    event = only(Action.UNIT_CHANGE)
    assert event.target == "用户 liaison_lile" and event.detail == "加入单位：江门市江海区区人力资源和社会保障局"
    assert event.source == "command" and event.actor is None  # no request: a command did it


def test_a_region_change_is_recorded():
    create_user("leader_jh", "leader", regions=["jianghai"], read_regions=["nanping"])
    assert only(Action.REGION_CHANGE).detail == "加入地区：南平市（只读（可留督办意见））"
    create_user("leader_jh", "leader", regions=["jianghai"])
    assert events(Action.REGION_CHANGE)[-1].detail == "移出地区：南平市"


def test_the_staff_flag_is_a_role_change(user_named):
    user = user_named("leader")
    user.is_staff = True
    user.save()
    assert only(Action.ROLE_CHANGE).detail == "工作人员：否 → 是"


def test_a_password_change_is_recorded(client):
    sign_in(client)
    new = "Xin-mima-2026"
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    event = only(Action.PASSWORD_CHANGE)
    assert (event.actor.username, event.target, event.detail) == ("liaison_hr", "用户 liaison_hr", "本人修改密码")


def test_a_password_set_by_adduser_is_recorded_as_set_by_someone_else():
    call_command(
        "adduser", "liaison_hr", "--role", "liaison", "--unit", "区人力资源和社会保障局", "--password", "Chushi-mima-9"
    )
    assert only(Action.PASSWORD_CHANGE).detail == "密码由他人设置"


def test_the_act_and_its_record_are_one_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        create_user("liaison_lile", "liaison", ["礼乐街道", "区人力资源和社会保障局"])
        assert len(events(Action.UNIT_CHANGE)) == 1
        raise RuntimeError("the act fails after its record was written")
    assert events(Action.UNIT_CHANGE) == []  # rolled back together


def user_pk(username):
    return get_user_model().objects.get(username=username).pk


# Exports, downloads, evidence ----------------------------------------------------------------------


def test_the_task_list_export_is_recorded_with_its_filter(client_as):
    response = client_as("staff").get("/tasks/", {"_export": "xlsx", "overdue": "true"})
    assert response.status_code == 200
    event = only(Action.EXPORT)
    assert (
        event.actor.username == "staff" and event.target.startswith("节点计划清单（") and event.target.endswith(".xlsx")
    )
    assert "overdue=true" in event.detail


def test_the_worklist_export_is_recorded(client_as):
    assert client_as("staff").get(f"/plans/{PLAN}/worklist.xlsx").status_code == 200
    event = only(Action.EXPORT)
    assert (event.object_type, event.outcome) == ("plans.plan", Outcome.SUCCESS) and "工作清单" in event.target


def test_the_bulletin_download_is_recorded(client_as):
    assert client_as("leader").get(f"/plans/{PLAN}/bulletin.docx").status_code == 200
    event = only(Action.DOWNLOAD)
    assert event.actor.username == "leader" and event.target.endswith("进展通报.docx")


@pytest.mark.parametrize(
    "make, label", [(report_evidence, "佐证材料"), (reply_file, "批示附件"), (figure_evidence, "指标佐证")]
)
def test_every_evidence_view_is_recorded_and_a_missing_file_as_a_failure(make, label, user_named, client_as):
    url, stored, name = make(user_named)
    assert client_as("staff").get(url).status_code == 200
    stored.storage.delete(stored.name)
    assert client_as("staff").get(url).status_code == 404
    seen, missing = events(Action.EVIDENCE_VIEW)
    assert (seen.target, seen.outcome, seen.actor.username) == (f"{label}：{name}", Outcome.SUCCESS, "staff")
    assert missing.outcome == Outcome.FAILURE


def test_an_evidence_url_out_of_scope_records_nothing(user_named, client_as):
    url, _, _ = report_evidence(user_named)
    assert client_as("liaison_np").get(url).status_code == 404
    assert events(Action.EVIDENCE_VIEW) == []  # not found is not a view


# 数据管理 ------------------------------------------------------------------------------------------


def test_every_admin_change_is_recorded(client_as):
    unit = Unit.objects.get(name="礼乐街道")
    client = client_as("staff")
    response = client.post("/admin/units/unitalias/add/", {"unit": unit.pk, "alias": "礼乐"})
    assert response.status_code == 302, response.content.decode()[:2000]
    added = only(Action.ADMIN_CHANGE)
    assert added.target == "新增单位别名：礼乐 → 礼乐街道"
    assert (added.source, added.actor.username) == ("admin", "staff")
    assert added.object_type == "units.unitalias"
    response = client.post(f"/admin/units/unitalias/{added.object_id}/change/", {"unit": unit.pk, "alias": "礼乐街"})
    assert response.status_code == 302
    changed = events(Action.ADMIN_CHANGE)[-1]
    assert changed.target == "修改单位别名：礼乐街 → 礼乐街道" and changed.detail == "修改 写法"


def test_a_bulk_admin_delete_records_each_row(client_as):
    regionless = [get_user_model().objects.create_user(f"tmp-{n}") for n in range(3)]
    response = client_as("superuser").post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [u.pk for u in regionless], "post": "yes"},
    )
    assert response.status_code == 302
    assert sorted(e.target for e in events(Action.ADMIN_CHANGE)) == [f"删除用户：tmp-{n}" for n in range(3)]


# Read-only, superuser's read and export --------------------------------------------------------------


@pytest.fixture
def row():
    return AuditEvent.objects.create(action=Action.SIGN_IN, actor_name="liaison_hr", address="10.1.1.1")


def test_staff_cannot_change_or_delete_a_row_even_with_the_permissions(client_as, user_named, row):
    staff = user_named("staff")
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="audit"))
    client = client_as("staff")
    assert client.get("/admin/audit/auditevent/").status_code == 403
    change = client.post(f"/admin/audit/auditevent/{row.pk}/change/", {"actor_name": "someone-else"})
    delete = client.post(f"/admin/audit/auditevent/{row.pk}/delete/", {"post": "yes"})
    assert change.status_code == 403 and delete.status_code == 403
    bulk = client.post("/admin/audit/auditevent/", {"action": "delete_selected", "_selected_action": [row.pk]})
    assert bulk.status_code == 403
    row_now = AuditEvent.objects.get(pk=row.pk)
    assert (row_now.actor_name, row_now.address) == ("liaison_hr", "10.1.1.1")


def test_not_even_the_superuser_changes_or_deletes_a_row(client_as, row):
    client = client_as("superuser")
    assert client.post(f"/admin/audit/auditevent/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/audit/auditevent/{row.pk}/change/", {"actor_name": "x"})
    assert AuditEvent.objects.get(pk=row.pk).actor_name == "liaison_hr"
    with pytest.raises(AuditLogIsAppendOnly):
        row.save()
    with pytest.raises(AuditLogIsAppendOnly):
        row.delete()


def test_the_superuser_reads_and_exports_the_log_as_excel_and_csv(client_as, row):
    import io

    import openpyxl

    client = client_as("superuser")
    page = client.get("/admin/audit/auditevent/")
    assert page.status_code == 200 and "liaison_hr" in page.content.decode()
    xlsx = client.post("/admin/audit/auditevent/", {"action": "export_xlsx", "_selected_action": [row.pk]})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:5] == ["时间", "用户名", "操作", "结果", "来源地址"]
    assert [c.value for c in sheet[2]][1:5] == ["liaison_hr", "登录", "成功", "10.1.1.1"]
    csv = client.post("/admin/audit/auditevent/", {"action": "export_csv", "_selected_action": [row.pk]})
    text = csv.content.decode("utf-8-sig").splitlines()
    assert text[0].startswith("时间,用户名,操作") and ",liaison_hr,登录,成功,10.1.1.1," in text[1]
    exports = events(Action.EXPORT)
    assert len(exports) == 2 and exports[0].detail == "导出 1 条安全审计日志"


# Retention ------------------------------------------------------------------------------------------


def aged(days):
    return AuditEvent.objects.create(
        action=Action.SIGN_IN, actor_name=f"aged-{days}", at=timezone.now() - timedelta(days=days)
    )


def test_rows_older_than_180_days_are_pruned_and_younger_kept(settings):
    assert settings.AUDIT_RETENTION_DAYS == 180
    old, young = aged(181), aged(179)
    assert prune() == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists() and AuditEvent.objects.filter(pk=young.pk).exists()
    assert "删除 1 条" in only(Action.PRUNE).detail


def test_a_longer_retention_keeps_more_and_a_shorter_one_is_not_honoured(settings):
    settings.AUDIT_RETENTION_DAYS = 400
    kept = aged(300)
    assert prune() == 0 and AuditEvent.objects.filter(pk=kept.pk).exists()
    settings.AUDIT_RETENTION_DAYS = 30  # settings.py refuses this at start; the service holds the floor too
    hundred_days = aged(100)
    assert prune() == 1 and AuditEvent.objects.filter(pk=hundred_days.pk).exists()


def test_the_beat_task_and_the_command_call_the_pruning(settings, capsys):
    aged(200)
    assert prune_audit_log() == 1
    aged(201)
    call_command("prune_audit_log")
    assert "已删除 1 条超过 180 天的安全审计日志" in capsys.readouterr().out
    assert settings.CELERY_BEAT_SCHEDULE["prune-audit-log"]["task"] == "audit.tasks.prune_audit_log"
