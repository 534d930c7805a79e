"""A confirmed import runs as a background task with its progress on a page; previews nobody confirms expire
and are deleted (by the periodic task and on access)."""

import os
import time

import pytest
from django.core.management import call_command
from kombu.exceptions import OperationalError

from plans import tasks
from plans.loading import import_jobs
from plans.models import Plan
from tests.fixture_reading import node_plan_rows

pytestmark = pytest.mark.django_db
# The exported plan's node plans, read from the fixtures alone: its worklist rows plus its commitments.
ROWS = len(node_plan_rows("jianghai-rcqq-2022"))


@pytest.fixture
def exported(tmp_path):
    path = tmp_path / "rcqq.xlsx"
    call_command("export_worklist", "jianghai-rcqq-2022", "-o", str(path))
    return path


def form_data(path, code="rcqq-bg"):
    return {
        "file": path.open("rb"),
        "code": code,
        "title": "后台导入的计划",
        "document_number": "",
        "issuers": "",
        "issue_date": "2022-03-01",
        "region": "jianghai",
        "start_year": "2022",
        "end_year": "2024",
    }


@pytest.fixture
def queued(monkeypatch):
    """Tasks handed to Celery, recorded instead of sent, so no broker queue is left behind by a test."""
    sent = []
    monkeypatch.setattr(tasks.run_import_task, "delay", lambda token: sent.append(token))
    return sent


def test_confirm_queues_the_task_and_the_page_follows_it(client_as, exported, settings, queued):
    settings.IMPORT_IN_BACKGROUND = True
    client = client_as("staff")
    token = client.post("/plans/import/", form_data(exported)).context["token"]
    confirm = client.post("/plans/import/confirm/", {"token": token})
    assert confirm.status_code == 302 and confirm["Location"] == f"/plans/import/{token}/"
    assert queued == [token] and not Plan.objects.filter(code="rcqq-bg").exists()
    page = client.get(f"/plans/import/{token}/").content.decode()
    assert "排队等待写入" in page and 'http-equiv="refresh"' in page and f"共 {ROWS} 个节点计划" in page
    # A second click on 确认导入 queues nothing more.
    client.post("/plans/import/confirm/", {"token": token})
    assert queued == [token]

    result = tasks.run_import_task.apply(args=[token]).get()  # what the worker runs
    assert result == {"state": "done", "plan": "rcqq-bg"}
    assert Plan.objects.get(code="rcqq-bg").milestones.count() == ROWS
    page = client.get(f"/plans/import/{token}/").content.decode()
    assert f"已导入“后台导入的计划”：{ROWS} 个节点计划" in page and 'http-equiv="refresh"' not in page
    assert not import_jobs.has_file(token)  # the uploaded file is gone once written
    # Delivered twice, the task writes once.
    assert tasks.run_import_task.apply(args=[token]).get()["state"] == "done"
    assert Plan.objects.filter(code="rcqq-bg").count() == 1


def test_with_the_broker_down_the_import_is_written_in_the_request(client_as, exported, settings, monkeypatch):
    settings.IMPORT_IN_BACKGROUND = True

    def broker_down(token):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_import_task, "delay", broker_down)
    client = client_as("staff")
    token = client.post("/plans/import/", form_data(exported)).context["token"]
    client.post("/plans/import/confirm/", {"token": token})
    assert Plan.objects.get(code="rcqq-bg").milestones.count() == ROWS
    assert "已导入" in client.get(f"/plans/import/{token}/").content.decode()


def test_another_users_import_is_not_found(client_as, exported, django_user_model):
    from units.accounts import create_user

    client = client_as("staff")
    token = client.post("/plans/import/", form_data(exported)).context["token"]
    create_user("staff2", "staff", [], "another-pass-123", full_name="另一位工作人员", regions=["jianghai"])
    client.force_login(django_user_model.objects.get(username="staff2"))
    response = client.post("/plans/import/confirm/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/plans/import/"
    assert not Plan.objects.filter(code="rcqq-bg").exists()
    assert client.get(f"/plans/import/{token}/").status_code == 404


def _age(token, seconds):
    for name in import_jobs.names(token):
        if import_jobs.storage().exists(name):
            stamp = time.time() - seconds
            os.utime(import_jobs.storage().path(name), (stamp, stamp))


def _stored(token):
    return [import_jobs.storage().exists(name) for name in import_jobs.names(token)]


def test_unconfirmed_previews_expire(client_as, exported, settings):
    settings.IMPORT_PREVIEW_TTL_SECONDS = 3600
    client = client_as("staff")
    old = client.post("/plans/import/", form_data(exported, "old-one")).context["token"]
    fresh = client.post("/plans/import/", form_data(exported, "fresh-one")).context["token"]
    _age(old, 3601)
    assert tasks.expire_import_previews.apply().get() >= 1  # the periodic task (older strays count too)
    assert _stored(old) == [False, False]
    assert _stored(fresh) == [True, True]
    # On access: an expired preview cannot be confirmed, and is deleted then and there.
    _age(fresh, 3601)
    response = client.post("/plans/import/confirm/", {"token": fresh})
    assert response.status_code == 302 and response["Location"] == "/plans/import/"
    assert _stored(fresh) == [False, False]
    assert not Plan.objects.filter(code__in=["old-one", "fresh-one"]).exists()


def test_a_malformed_token_never_reaches_the_file_system(client_as):
    client = client_as("staff")
    for token in ["../../settings", "a" * 5000, "ABC", ""]:
        assert import_jobs.names(token) is None
        response = client.post("/plans/import/confirm/", {"token": token})
        assert response.status_code == 302
