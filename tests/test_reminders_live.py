"""Exactly once against the real services: two concurrent runs on PostgreSQL, and a real Celery worker on
the local Redis that fires the beat task, sends the e-mails, and retries a failing webhook until it lands.

These need PostgreSQL (the suite's second run, DATABASE_URL=postgres://...) and Redis; elsewhere they are
skipped with the reason. In CI both services run, so they run there."""

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from plans.loading.load import load_plans
from plans.models import Milestone, Outbox, OutboxStatus, ReminderRun, ReminderSettings
from plans.notifications.daily_run import run_reminders
from tests.conftest import create_test_users
from units.models import Unit

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="需要 PostgreSQL：在 make test 的 PostgreSQL 轮次中运行"),
]


def redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture
def portal_data(django_user_model):
    if not Milestone.objects.exists():  # a transactional test starts from a flushed database
        load_plans()
    create_test_users()
    # Every test user who may receive a summary or an escalation (staff and leaders of each region) has an address.
    for user in django_user_model.objects.all():
        django_user_model.objects.filter(pk=user.pk).update(email=f"{user.username}@example.gov.cn")
    Unit.objects.filter(email="").update(email="office@example.gov.cn")


def test_two_concurrent_runs_send_no_duplicate(portal_data):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            run_reminders(date(2022, 12, 1))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    emails = Outbox.objects.filter(channel="email", date=date(2022, 12, 1))
    assert emails.count() > 5
    assert set(emails.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert len(mail.outbox) == emails.count()  # each row sent exactly once, none skipped
    assert len({(tuple(m.to), m.subject) for m in mail.outbox}) == len(mail.outbox)


class FlakyRobot(http.server.BaseHTTPRequestHandler):
    """A group robot that fails twice with HTTP 500, then accepts."""

    calls: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FlakyRobot.calls.append(json.loads(body))
        self.send_response(500 if len(FlakyRobot.calls) <= 2 else 200)
        self.end_headers()
        self.wfile.write(b'{"errcode": 0}')

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not redis_available(), reason="需要本机 Redis（127.0.0.1:6379）")
def test_real_worker_sends_reminders_and_retries_a_failing_webhook(portal_data, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyRobot)
    FlakyRobot.calls = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hr = Unit.objects.get(name="区人力资源和社会保障局")
    ReminderSettings.objects.create(
        unit=hr, webhook_enabled=True, webhook_url=f"http://127.0.0.1:{server.server_address[1]}/robot"
    )
    # The worker runs on the real clock: after 08:30 the 5-minute task would first run the real day's
    # reminders (its morning run missing) and post those to the robot too. Today's run is done here.
    ReminderRun.objects.create(date=timezone.localdate(), started_at=timezone.now(), completed_at=timezone.now())
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "talentplan.settings",
        "DEBUG": "0",
        "SECRET_KEY": "integration-test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "CELERY_TASK_DEFAULT_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
        "TALENTPLAN_VAR_DIR": str(tmp_path),
        "REMINDER_RETRY_BASE_SECONDS": "1",
    }
    celery = [sys.executable, "-m", "celery", "-A", "talentplan"]
    worker = subprocess.Popen(
        [*celery, "worker", "--pool=solo", "--loglevel=INFO", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"]],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_line(worker, "ready", 60)
        task = settings.CELERY_BEAT_SCHEDULE["daily-reminders"]["task"]  # what beat fires every morning
        call = [*celery, "call", task, "--args", '["2022-12-01"]', "--queue", env["CELERY_TASK_DEFAULT_QUEUE"]]
        subprocess.run(call, cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, timeout=60)
        emails = Outbox.objects.filter(channel="email", date=date(2022, 12, 1))
        _wait(lambda: emails.exists() and not emails.exclude(status=OutboxStatus.SENT).exists(), 60)
        mail_files = list((tmp_path / "mail").glob("*.log"))
        written = sum(path.read_text(encoding="utf-8").count("\nSubject: ") for path in mail_files)
        assert written == emails.count() > 5

        webhook = Outbox.objects.get(channel="webhook", unit=hr)
        assert webhook.status == OutboxStatus.FAILED and webhook.attempts == 1 and not webhook.permanent_error
        assert "HTTP 500" in webhook.last_error
        retry = [*celery, "call", "plans.tasks.deliver_outbox", "--queue", env["CELERY_TASK_DEFAULT_QUEUE"]]
        deadline = time.monotonic() + 60
        while Outbox.objects.get(pk=webhook.pk).status != OutboxStatus.SENT and time.monotonic() < deadline:
            time.sleep(2.5)  # longer than the backoff at this base (1 s, then 2 s)
            subprocess.run(retry, cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, timeout=60)
            time.sleep(1)
        webhook.refresh_from_db()
        assert (webhook.status, webhook.attempts) == (OutboxStatus.SENT, 3)
        assert len(FlakyRobot.calls) == 3 and FlakyRobot.calls[-1]["msgtype"] == "markdown"
        assert "区人力资源和社会保障局" in FlakyRobot.calls[-1]["markdown"]["content"]
        assert not Outbox.objects.exclude(status=OutboxStatus.SENT).exists()  # nothing lost
    finally:
        worker.terminate()
        worker.wait(20)
        server.shutdown()


def _wait_for_line(process, text, seconds):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if text in line:
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            return
        if process.poll() is not None:
            break
    raise AssertionError("Celery worker 未能启动：\n" + "".join(seen[-30:]))


def _wait(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("等待超时")
