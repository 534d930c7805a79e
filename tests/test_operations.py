"""More than one machine (issue 20, item 5): /readyz for the load balancer, /metrics for the monitoring
network only, JSON logs, exactly one beat, and evidence on a real S3-compatible server (moto's, over HTTP on a
loopback port) uploaded and downloaded through the portal with its scoping kept."""

import json
import socket
import subprocess
import sys
from datetime import date

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.test import override_settings

from plans import tasks
from plans.models import Evidence, Outbox
from tests.helpers import PDF_BYTES, milestone_led_by

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- /readyz ---------------------------------------------------------------------------------------------


def test_readyz_answers_200_when_database_broker_and_storage_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["database"]["ok"] and body["broker"]["ok"] and body["storage"]["ok"]
    assert body["storage"]["kind"] == "FileSystemStorage"


def test_readyz_answers_503_with_a_refusing_broker(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/9"  # nothing listens there: refused
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == {"ok": False, "kind": "redis", "error": body["broker"]["error"]}
    assert body["database"]["ok"] and body["storage"]["ok"] and "127.0.0.1" not in response.content.decode()


def test_readyz_answers_503_when_the_object_store_refuses():
    dead = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "evidence",
            "endpoint_url": f"http://127.0.0.1:{free_port()}",
            "access_key": "k",
            "secret_key": "s",
            "region_name": "us-east-1",
        },
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": dead}):
        from django.test import Client

        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["storage"]["ok"] is False and response.json()["database"]["ok"]


# ---- /metrics --------------------------------------------------------------------------------------------


def test_metrics_are_served_to_loopback_and_count_requests(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert 'talentplan_http_requests_total{method="GET",route="healthz",status="200"}' in response.content.decode()


def test_metrics_are_refused_outside_the_monitoring_network(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    # A forged X-Forwarded-For from outside changes nothing.
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    settings.METRICS_ALLOWED_CIDRS = ["10.1.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback is no longer in the list


# ---- JSON logs -------------------------------------------------------------------------------------------


def test_log_format_json_writes_one_json_object_per_line_on_stdout(tmp_path):
    code = "import django, logging; django.setup(); logging.getLogger('talentplan.drill').warning('备份完成 %s', 3)"
    env = {
        "DEBUG": "1",
        "LOG_FORMAT": "json",
        "DJANGO_SETTINGS_MODULE": "talentplan.settings",
        "TALENTPLAN_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["level"], e["logger"], e["message"]) for e in lines] == [("WARNING", "talentplan.drill", "备份完成 3")]
    assert result.stderr == ""


# ---- exactly one beat ------------------------------------------------------------------------------------


def test_a_second_beat_firing_the_same_minute_sends_nothing_twice():
    """Two beat processes both enqueue the daily run for the same morning: the outbox's uniqueness (one row
    per recipient, day and kind) makes the second a no-op, so no lock is needed."""
    day = date(2024, 6, 28)
    first = tasks.send_daily_reminders.apply(args=[day.isoformat()]).get()
    rows = sorted(Outbox.objects.values_list("pk", "status"))
    second = tasks.send_daily_reminders.apply(args=[day.isoformat()]).get()
    assert rows and sorted(Outbox.objects.values_list("pk", "status")) == rows
    assert second["created"] == 0 and second["sent"] == 0, (first, second)
    print(f"\n两个 beat 同一分钟：第一次新建 {first['created']} 条，第二次 {second['created']} 条")


# ---- evidence on object storage --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_server():
    moto_server = pytest.importorskip("moto.server", reason="moto[server] 未安装（requirements-dev.txt）")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server):
    import boto3

    options = {
        "bucket_name": "talentplan-evidence",
        "endpoint_url": s3_server,
        "access_key": "drill",
        "secret_key": "drill-secret",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="drill",
        aws_secret_access_key="drill-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="talentplan-evidence")
    backend = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    imports = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**options, "file_overwrite": True}}
    with override_settings(STORAGES={**settings.STORAGES, "default": backend, "imports": imports}):
        yield client
    for item in client.list_objects_v2(Bucket="talentplan-evidence").get("Contents", []):
        client.delete_object(Bucket="talentplan-evidence", Key=item["Key"])
    client.delete_bucket(Bucket="talentplan-evidence")


def test_evidence_is_uploaded_to_and_downloaded_from_object_storage_through_the_scoped_view(client_as, s3_storage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert type(storages["default"]).__name__ == "S3Storage"
    milestone = milestone_led_by("区人力资源和社会保障局")
    content = PDF_BYTES + b"object storage drill" * 50
    upload = SimpleUploadedFile("对象存储佐证.pdf", content, content_type="application/pdf")
    client = client_as("liaison_hr")
    response = client.post(
        f"/tasks/{milestone.pk}/report/",
        {"status": "in_progress", "percent": 30, "narrative": "对象存储演练", "files": [upload]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Evidence.objects.get(original_name="对象存储佐证.pdf")
    stored = s3_storage.get_object(Bucket="talentplan-evidence", Key=evidence.file.name)["Body"].read()
    assert stored == content  # in the bucket, read back with boto3 itself

    download = client.get(f"/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert "Location" not in download  # streamed by the portal, never a redirect to a bucket URL
    assert client_as("liaison_health").get(f"/evidence/{evidence.pk}/").status_code == 404  # scoping kept
    # The object removed behind the portal's back: the Chinese not-found page, never a 500.
    s3_storage.delete_object(Bucket="talentplan-evidence", Key=evidence.file.name)
    missing = client_as("liaison_hr").get(f"/evidence/{evidence.pk}/")
    assert missing.status_code == 404 and "文件本身已不在存储中" in missing.content.decode()


def test_import_previews_and_their_state_live_in_object_storage(client_as, s3_storage, tmp_path):
    from django.core.management import call_command

    from plans.loading import import_jobs

    path = tmp_path / "rcqq.xlsx"
    call_command("export_worklist", "jianghai-rcqq-2022", "-o", str(path))
    client = client_as("staff")
    data = {
        "file": path.open("rb"),
        "code": "rcqq-s3",
        "title": "对象存储导入",
        "document_number": "",
        "issuers": "",
        "issue_date": "2022-03-01",
        "region": "jianghai",
        "start_year": "2022",
        "end_year": "2024",
    }
    token = client.post("/plans/import/", data).context["token"]
    keys = {item["Key"] for item in s3_storage.list_objects_v2(Bucket="talentplan-evidence")["Contents"]}
    assert keys == {f"imports/{token}.xlsx", f"imports/{token}.json"}
    assert type(storages["imports"]).__name__ == "S3Storage"
    client.post("/plans/import/confirm/", {"token": token})
    assert import_jobs.load(token)["state"] == import_jobs.DONE
    keys = {item["Key"] for item in s3_storage.list_objects_v2(Bucket="talentplan-evidence")["Contents"]}
    assert keys == {f"imports/{token}.json"}  # the workbook is gone once written; the state stays until expiry
