"""The issue-14 drills against the real services: PostgreSQL, the local Redis (DB 5), a real Celery worker,
a real SMTP server (aiosmtpd) and a loopback robot that answers as 企业微信/钉钉 do (tests/peers.py).

For each drill the test counts the messages expected, sent (arrived at least once), duplicated (arrivals
beyond the first) and lost (expected, never arrived), prints one line "DRILL name: expected=.. sent=..
duplicated=.. lost=.." (shown with -rA or -s), and asserts duplicated == lost == 0.

What is expected comes from plans.notifications.due.plan_digests (what is due that day, tested on its own in
test_reminders.py) and from the addresses the test sets up; what arrived is read from the SMTP server and
the robot, never from the outbox under test. Each e-mail names its reminder in X-Talentplan-Reminder."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from plans.forms import ReminderSettingsForm
from plans.loading.load import load_plans
from plans.models import Milestone, Outbox, OutboxStatus, ReminderRun, ReminderSettings
from plans.notifications import outbox as outbox_service
from plans.notifications.daily_run import run_reminders
from plans.notifications.due import plan_digests
from tests.conftest import create_test_users
from tests.peers import WECOM_KEY
from units.models import Unit

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="需要 PostgreSQL：在 make test 的 PostgreSQL 轮次中运行")
# Drills 1 and 2 share the database with a subprocess, so they commit (and reload the plans); 3 to 5 run
# in this process inside a rolled-back transaction.
shared_with_a_subprocess = pytest.mark.django_db(transaction=True)
in_process = pytest.mark.django_db
DAY = date(2022, 12, 1)  # a morning with more than ten reminders in the three plans
HR = "区人力资源和社会保障局"
QUEUE = f"talentplan-drills-{uuid.uuid4().hex[:8]}"  # a queue of this run's own: parallel runs never share tasks
REDIS_URL = "redis://127.0.0.1:6379/5"
HEADER = "X-Talentplan-Reminder"


def redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
        return True
    except OSError:
        return False


def refused_port() -> int:
    with socket.socket() as probe:  # bound then closed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def portal_data(django_user_model):
    if not Milestone.objects.exists():  # a transactional test starts from a flushed database
        load_plans()
    create_test_users()
    for user in django_user_model.objects.all():
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    for unit in Unit.objects.all():
        unit.email = f"office-{unit.pk}@example.gov.cn"
        unit.save(update_fields=["email"])


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


def expected_emails(*days) -> set[str]:
    """One e-mail per digest: "recipient/day/kind", as X-Talentplan-Reminder names it. Computed before any
    run (no item escalated yet): a later day's escalation is expected only for items not escalated before."""
    keys, escalated = set(), set()
    for day in days:
        digests = plan_digests(day)
        for digest in digests:
            if digest.kind == "escalation" and not {i.occurrence_id for i in digest.items} - escalated:
                continue
            keys.add(f"{digest.recipient_key}/{day.isoformat()}/{digest.kind}")
        escalated |= {i.occurrence_id for d in digests if d.kind == "escalation" for i in d.items}
    return keys


def arrived_emails(smtp_server) -> list[str]:
    return [str(message[HEADER]) for message in smtp_server.messages]


def tally(name, expected, arrived, extra=""):
    counts = Counter(arrived)
    result = {
        "expected": len(expected),
        "sent": len(set(arrived) & set(expected)),
        "duplicated": sum(n - 1 for n in counts.values()),
        "lost": len(set(expected) - set(arrived)),
    }
    line = " ".join(f"{key}={value}" for key, value in result.items())
    print(f"\nDRILL {name}: {line}{' ' + extra if extra else ''}")
    assert set(arrived) <= set(expected), set(arrived) - set(expected)  # nothing unexpected arrived
    assert result["duplicated"] == 0 and result["lost"] == 0, result
    return result


def subprocess_env(tmp_path, smtp_server, broker=REDIS_URL):
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "talentplan.settings",
        "DEBUG": "0",
        "SECRET_KEY": "drill-test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "TALENTPLAN_VAR_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
    }


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"等待超时：{what}")


# 1. The broker is down at the scheduled time, then back --------------------------------------------------


@shared_with_a_subprocess
@pytest.mark.skipif(not redis_available(), reason="需要本机 Redis（127.0.0.1:6379）")
def test_drill_broker_down_at_the_scheduled_time_then_back(portal_data, smtp_server, tmp_path):
    from kombu import Connection
    from kombu.exceptions import OperationalError

    from plans.tasks import send_daily_reminders

    missed, next_day = DAY, DAY + timedelta(days=1)
    # The missed day and the next go out as one catch-up per recipient, dated the next day (issue 20).
    expected = {f"{d.recipient_key}/{next_day.isoformat()}/{d.kind}" for d in plan_digests(next_day, missed_days=1)}
    assert len(expected_emails(missed)) > 5
    now = timezone.now()
    ReminderRun.objects.create(date=missed - timedelta(days=1), started_at=now, completed_at=now)

    # 08:30 on the missed day: beat publishes the task to a Redis that refuses connections, as it did when
    # Redis was down ("Couldn't apply scheduled task"). Nothing reaches a worker; no row is created.
    with Connection(f"redis://127.0.0.1:{refused_port()}/5", connect_timeout=1) as down:
        with pytest.raises(OperationalError):
            send_daily_reminders.apply_async(args=[missed.isoformat()], connection=down, retry=False, queue=QUEUE)
    assert not Outbox.objects.filter(date=missed).exists()

    # The next morning Redis is back: a real worker takes the day's task, and the run covers both days.
    env = subprocess_env(tmp_path, smtp_server)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "talentplan", "worker", "--pool=solo", "-Q", QUEUE,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with Connection(REDIS_URL) as up:
            send_daily_reminders.apply_async(args=[next_day.isoformat()], connection=up, queue=QUEUE)
        done = ReminderRun.objects.filter(date=next_day, completed_at__isnull=False)
        wait_for(lambda: done.exists() and not Outbox.objects.filter(status__in=["pending", "sending"]).exists(), 40,
                 "补发并发送完两天的提醒")  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(20)
    assert ReminderRun.objects.filter(date=missed, completed_at__isnull=False).exists()
    tally("broker-down-then-back", expected, arrived_emails(smtp_server), f"(missed day {missed}: caught up)")


# 2. A worker killed while it creates the day's rows ----------------------------------------------------------


@shared_with_a_subprocess
def test_drill_worker_killed_while_creating_rows(portal_data, smtp_settings, tmp_path):
    expected = expected_emails(DAY)
    env = subprocess_env(tmp_path, smtp_settings)
    script = settings.BASE_DIR / "tests" / "drill_create_rows.py"
    job = subprocess.Popen([sys.executable, str(script), DAY.isoformat()], cwd=settings.BASE_DIR, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        wait_for(lambda: Outbox.objects.filter(date=DAY).count() >= 3 or job.poll() is not None, 30, "开始生成")
        assert job.poll() is None, job.stdout.read()
        job.send_signal(signal.SIGKILL)  # kill -9 half-way through the day's rows
        job.wait(10)
    finally:
        if job.poll() is None:
            job.kill()
    made_before_kill = Outbox.objects.filter(date=DAY).count()
    assert not ReminderRun.objects.filter(date=DAY, completed_at__isnull=False).exists()  # not marked done
    assert smtp_settings.messages == []  # it was killed before delivering anything

    run_reminders(DAY)  # the next run (a retry, or the next 5-minute delivery task) finishes the day
    assert 3 <= made_before_kill < Outbox.objects.filter(date=DAY).count()
    assert Outbox.objects.filter(date=DAY, channel="email").count() == len(expected)
    tally("worker-killed", expected, arrived_emails(smtp_settings), f"(rows before kill: {made_before_kill})")


# 3. The three typos that used to stall everyone ---------------------------------------------------------------


@in_process
def test_drill_three_typos_stall_nothing(portal_data, smtp_settings, robot_server):
    hr = Unit.objects.get(name=HR)
    # Saved before validation existed (straight into the database): a full-width "；" between addresses,
    # and a Chinese path in the robot's URL; and a line break inside another unit's name.
    ReminderSettings.objects.create(
        unit=hr,
        extra_emails="hr-a@example.gov.cn；hr-b@example.gov.cn",
        webhook_enabled=True,
        robot_channel="wecom",
        webhook_url=robot_server.base + f"/cgi-bin/webhook/send/群机器人?key={WECOM_KEY}",
    )
    broken = next(d.unit for d in plan_digests(DAY) if d.unit and d.unit.pk != hr.pk and d.kind == "unit_digest")
    broken.name = broken.name[:2] + "\n" + broken.name[2:]
    broken.save(update_fields=["name"])

    expected = expected_emails(DAY) | {f"wecom/unit:{hr.pk}"}
    started = time.monotonic()
    run_reminders(DAY)
    one_pass = time.monotonic() - started
    assert not Outbox.objects.filter(status__in=["pending", "sending"]).exists()  # nothing stalled
    robot_row = Outbox.objects.get(unit=hr, channel="wecom")
    assert robot_row.status == OutboxStatus.FAILED and robot_row.permanent_error
    assert "HTTP 404" in robot_row.last_error  # the encoded path is not the robot's: recorded, shown

    # The HR digest reached both addresses typed with "；"; the broken name's mail has a one-line subject.
    hr_mail = [m for m in smtp_settings.messages if str(m[HEADER]).startswith(f"unit:{hr.pk}/")]
    assert {"hr-a@example.gov.cn", "hr-b@example.gov.cn"} <= set(hr_mail[0].envelope_rcpt)
    broken_mail = [m for m in smtp_settings.messages if str(m[HEADER]).startswith(f"unit:{broken.pk}/")]
    assert broken_mail and "\n" not in str(broken_mail[0]["Subject"]).strip()

    # Staff fix the URL in the settings form, which checks it, and retry: the robot gets it once.
    config = ReminderSettings.objects.get(unit=hr)
    refused = ReminderSettingsForm({"unit": hr.pk, "email_enabled": "on", "webhook_enabled": "on",
                                    "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send\n?key=x"},
                                   instance=config)  # fmt: skip
    assert not refused.is_valid() and "换行" in str(refused.errors["webhook_url"])
    typed = "hr-a@example.gov.cn；hr-b@example.gov.cn"
    form = ReminderSettingsForm({"unit": hr.pk, "email_enabled": "on", "webhook_enabled": "on",
                                 "robot_channel": "wecom", "webhook_url": robot_server.wecom_url,
                                 "extra_emails": typed}, instance=config)  # fmt: skip
    assert form.is_valid(), form.errors
    form.save()
    config.refresh_from_db()
    assert config.extra_emails == "hr-a@example.gov.cn\nhr-b@example.gov.cn"
    assert outbox_service.retry(Outbox.objects.get(pk=robot_row.pk))

    arrived = arrived_emails(smtp_settings) + [f"wecom/unit:{hr.pk}" for _ in robot_server.state.accepted_on("wecom")]
    tally("three-typos", expected, arrived, f"(first pass {one_pass:.1f} s, robot row failed then retried)")


# 4. A robot answering errcode 40058 and 310000 -----------------------------------------------------------------


@in_process
def test_drill_robot_errcodes_40058_and_310000(portal_data, settings, robot_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hr = Unit.objects.get(name=HR)
    other = next(d.unit for d in plan_digests(DAY) if d.unit and d.unit.pk != hr.pk and d.kind == "unit_digest")
    ReminderSettings.objects.create(unit=hr, email_enabled=False, webhook_enabled=True, robot_channel="wecom",
                                    webhook_url=robot_server.wecom_url)  # fmt: skip
    ReminderSettings.objects.create(unit=other, email_enabled=False, webhook_enabled=True,
                                    robot_channel="dingtalk", webhook_url=robot_server.dingtalk_url,
                                    robot_secret="SECwrong-secret-000")  # fmt: skip
    robot_server.state.dingtalk_secret = "SECright-secret-0123456789abcdef"
    robot_server.state.keyword = "督办提醒"
    too_long = (40058, "markdown.content exceed max length 4096. invalid Request Parameter")
    robot_server.state.force_errcode = {"wecom": too_long}  # as 企业微信 answered the 11–17 KB digests

    run_reminders(DAY)
    wecom = Outbox.objects.get(unit=hr, channel="wecom")
    ding = Outbox.objects.get(unit=other, channel="dingtalk")
    assert (wecom.status, wecom.permanent_error, wecom.attempts) == (OutboxStatus.FAILED, True, 1)
    assert "40058" in wecom.last_error and "长度上限" in wecom.last_error  # 2xx with errcode: not sent
    assert ding.status == OutboxStatus.FAILED and "310000" in ding.last_error and "加签" in ding.last_error
    outbox_service.deliver_pending()  # permanent: not retried by itself
    assert len(robot_server.state.answers) == 2

    # Staff fix: the robot accepts again; the 钉钉 secret is corrected in the form (shown masked there).
    robot_server.state.force_errcode = {}
    config = ReminderSettings.objects.get(unit=other)
    form = ReminderSettingsForm(instance=config)
    assert "SECw****-000" in form.fields["robot_secret"].help_text and "wrong" not in str(form)
    form = ReminderSettingsForm({"unit": other.pk, "webhook_enabled": "on", "robot_channel": "dingtalk",
                                 "webhook_url": robot_server.dingtalk_url,
                                 "robot_secret": robot_server.state.dingtalk_secret}, instance=config)  # fmt: skip
    assert form.is_valid(), form.errors
    form.save()
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):  # each robot's pacing: 3 s between posts
        assert outbox_service.retry(Outbox.objects.get(pk=wecom.pk))
        assert outbox_service.retry(Outbox.objects.get(pk=ding.pk))
    [wecom_payload] = robot_server.state.accepted_on("wecom")
    [ding_payload] = robot_server.state.accepted_on("dingtalk")
    assert len(wecom_payload["markdown"]["content"].encode()) <= 4096
    assert ding_payload["markdown"]["title"] and "督办提醒" in ding_payload["markdown"]["text"]
    arrived = [f"wecom/{hr.pk}"] * len([wecom_payload]) + [f"dingtalk/{other.pk}"] * len([ding_payload])
    rejected = sum(1 for _, code in robot_server.state.answers if code)
    tally("errcode-40058-310000", {f"wecom/{hr.pk}", f"dingtalk/{other.pk}"}, arrived, f"(rejected first: {rejected})")


# 5. A robot slower than the timeout ----------------------------------------------------------------------------


@in_process
def test_drill_robot_slower_than_the_timeout(portal_data, settings, robot_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_WEBHOOK_TIMEOUT = 0.5
    settings.REMINDER_STALE_CLAIM_SECONDS = 0
    robot_server.state.mode, robot_server.state.slow_seconds = "slow", 1.5  # posts it, answers too late
    hr = Unit.objects.get(name=HR)
    ReminderSettings.objects.create(unit=hr, email_enabled=False, webhook_enabled=True, robot_channel="wecom",
                                    webhook_url=robot_server.wecom_url)  # fmt: skip

    run_reminders(DAY)
    row = Outbox.objects.get(unit=hr, channel="wecom")
    assert row.status == OutboxStatus.UNKNOWN and row.get_status_display() == "可能已发送"
    assert "可能已发出" in row.last_error
    for _ in range(3):  # later sweeps, like the 5-minute task: never sent again by themselves
        outbox_service.deliver_pending()
    time.sleep(1.2)  # let the slow answer finish before counting
    assert robot_server.state.requests == 1
    assert outbox_service.confirm_sent(Outbox.objects.get(pk=row.pk))  # staff saw it in the group
    assert Outbox.objects.get(pk=row.pk).status == OutboxStatus.SENT
    arrived = [f"wecom/{hr.pk}"] * len(robot_server.state.accepted_on("wecom"))
    tally("slow-robot", {f"wecom/{hr.pk}"}, arrived, f"(timeout {settings.REMINDER_WEBHOOK_TIMEOUT} s)")
