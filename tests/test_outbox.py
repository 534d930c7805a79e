"""An outbox that nothing can stall, the catch-up of missed days, /healthz and the staff banner, and secrets
masked wherever they are shown. Runs on SQLite and PostgreSQL; the drills with the real worker and broker
are in test_delivery_drills.py."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from plans.models import Outbox, OutboxStatus, ReminderRun, ReminderSettings
from plans.notifications import outbox as outbox_service
from plans.notifications.daily_run import days_to_cover, run_reminders, scheduled_run_missed
from units.models import Unit

pytestmark = pytest.mark.django_db
DAY = date(2022, 12, 1)
HR = "区人力资源和社会保障局"
SECRET = "SEC0123456789abcdefSECRETPART"


def email_row(**fields):
    values = {
        "recipient_key": "unit:999",
        "channel": "email",
        "date": DAY,
        "kind": "unit_digest",
        "recipients": ["a@example.gov.cn"],
        "subject": "提醒",
        "body_text": "正文",
        "items": [],
    }
    return Outbox.objects.create(**{**values, **fields})


def robot_row(url, **fields):
    return email_row(**{"channel": "wecom", "recipients": [url], **fields})


def test_temporary_failures_stop_at_the_attempt_limit_and_never_stay_sending(settings):
    settings.REMINDER_MAX_ATTEMPTS, settings.REMINDER_RETRY_BASE_SECONDS = 2, 0
    row = robot_row("http://127.0.0.1:9/cgi-bin/webhook/send?key=k")  # port 9: connection refused
    outbox_service.deliver_pending()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.permanent_error) == (OutboxStatus.FAILED, 1, False)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):  # the robot's pacing: 3 s between sends
        outbox_service.deliver_pending()
        row.refresh_from_db()
        assert (row.status, row.attempts, row.permanent_error) == (OutboxStatus.FAILED, 2, True)
        assert "达到上限" in row.last_error
    outbox_service.deliver_pending()
    assert Outbox.objects.get(pk=row.pk).attempts == 2  # not claimed again


def test_a_stale_claim_is_released_with_an_error_and_sent(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    stuck = email_row(status=OutboxStatus.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(hours=1))
    robot = robot_row(
        "http://127.0.0.1:9/x", status=OutboxStatus.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert outbox_service.release_stale_claims(timezone.now()) == 2
    robot.refresh_from_db()
    assert robot.status == OutboxStatus.UNKNOWN and "可能已发出" in robot.last_error  # may have been posted
    stuck.refresh_from_db()
    assert stuck.status == OutboxStatus.FAILED and "发送中断" in stuck.last_error
    outbox_service.deliver_pending()
    assert Outbox.objects.get(pk=stuck.pk).status == OutboxStatus.SENT and len(mail.outbox) == 1


def test_one_bad_row_does_not_stop_the_next(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    bad = email_row(recipient_key="unit:1", recipients=["a@example.gov.cn\nBcc: x@evil.cn"])  # header injection
    good = email_row(recipient_key="unit:2")
    report = outbox_service.deliver_pending()
    bad.refresh_from_db()
    assert bad.status == OutboxStatus.FAILED and bad.last_error
    assert Outbox.objects.get(pk=good.pk).status == OutboxStatus.SENT and report.sent == 1


def test_partial_refusal_over_smtp_is_recorded_and_shown(settings, smtp_server, client_as):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    smtp_server.refuse("nobody@example.gov.cn")
    # A row of a 江海 unit: 提醒记录 shows staff the rows of the regions where they act ("staff" acts in 江海区).
    hr = Unit.objects.get(name="区人力资源和社会保障局")
    row = email_row(recipients=["a@example.gov.cn", "nobody@example.gov.cn"], unit=hr, recipient_key=f"unit:{hr.pk}")
    outbox_service.deliver_pending()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert (
        "部分收件地址被拒绝" in row.last_error and "nobody@example.gov.cn" in row.last_error and "550" in row.last_error
    )
    assert [m.envelope_rcpt for m in smtp_server.messages] == [["a@example.gov.cn"]]
    assert "部分收件地址被拒绝" in client_as("staff").get("/reminders/").content.decode()


def test_smtp_server_down_is_a_temporary_failure(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = smtp_server.host, smtp_server.port, 2
    smtp_server.stop()
    row = email_row()
    outbox_service.deliver_pending()
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and not row.permanent_error and "邮件发送失败" in row.last_error


def test_email_lists_at_most_n_items_then_states_the_rest(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_EMAIL_MAX_ITEMS = 2
    hr = Unit.objects.get(name=HR)
    hr.email = "hr@example.gov.cn"
    hr.save()
    run_reminders(DAY, ["jianghai-rcqq-2022"])
    row = Outbox.objects.get(unit=hr, kind="unit_digest", channel="email")
    assert len(row.items) > 2
    assert f"另有 {len(row.items) - 2} 项未在邮件中列出（共 {len(row.items)} 项）" in row.body_text
    assert row.body_text.count("   截止日期：") == 2


def test_retry_and_dismiss_any_unsent_row(client_as):
    hr = Unit.objects.get(name="区人力资源和社会保障局")  # rows of a 江海 unit: "staff" acts in 江海区
    unknown = robot_row("http://127.0.0.1:9/x", status=OutboxStatus.UNKNOWN, unit=hr)
    client = client_as("staff")
    page = client.get("/reminders/").content.decode()
    assert "可能已发送" in page and "确认已送达" in page
    client.post(f"/reminders/{unknown.pk}/confirm/")
    assert Outbox.objects.get(pk=unknown.pk).status == OutboxStatus.SENT
    pending = email_row(recipient_key=f"unit:{hr.pk}", unit=hr, status=OutboxStatus.FAILED, permanent_error=True)
    client.post(f"/reminders/{pending.pk}/dismiss/")
    assert Outbox.objects.get(pk=pending.pk).status == OutboxStatus.DISMISSED
    assert client_as("liaison_hr").post(f"/reminders/{pending.pk}/retry/").status_code == 404


# Catch-up ------------------------------------------------------------------------------------------------


def test_each_run_covers_every_day_since_the_last_completed_one_bounded_to_seven():
    now = timezone.now()
    assert days_to_cover(DAY) == [DAY]  # no history: today only
    ReminderRun.objects.create(date=DAY - timedelta(days=3), started_at=now, completed_at=now)
    assert days_to_cover(DAY) == [DAY - timedelta(days=2), DAY - timedelta(days=1), DAY]
    ReminderRun.objects.create(date=DAY - timedelta(days=1), started_at=now)  # started, never completed
    assert days_to_cover(DAY)[0] == DAY - timedelta(days=2)
    ReminderRun.objects.all().delete()
    ReminderRun.objects.create(date=DAY - timedelta(days=30), started_at=now, completed_at=now)
    assert days_to_cover(DAY) == [DAY - timedelta(days=n) for n in range(6, -1, -1)]


def test_a_missed_morning_is_noticed_after_the_scheduled_time(settings):
    settings.REMINDER_HOUR, settings.REMINDER_MINUTE = 8, 30
    tz = timezone.get_current_timezone()
    before = timezone.datetime(2022, 12, 1, 8, 0, tzinfo=tz)
    after = timezone.datetime(2022, 12, 1, 8, 35, tzinfo=tz)
    assert not scheduled_run_missed(before) and scheduled_run_missed(after)
    ReminderRun.objects.create(date=DAY, started_at=after, completed_at=after)
    assert not scheduled_run_missed(after)


# /healthz and the banner -----------------------------------------------------------------------------------


def test_healthz_needs_no_login_and_reports_database_broker_and_run_age(client, settings):
    settings.CELERY_BROKER_URL = "redis://:hunter2@127.0.0.1:9/0"  # a broker that refuses, with a password
    ReminderRun.objects.create(date=DAY, started_at=timezone.now(), completed_at=timezone.now() - timedelta(hours=30))
    response = client.get("/healthz")
    report = json.loads(response.content)
    assert response.status_code == 503 and report["ok"] is False
    assert report["database"]["ok"] is True and report["broker"] == {
        "ok": False,
        "kind": "redis",
        "error": report["broker"]["error"],
    }
    assert report["reminders"]["last_completed_date"] == "2022-12-01" and report["reminders"]["stale"] is True
    assert 29.9 <= report["reminders"]["age_hours"] <= 30.1
    assert "hunter2" not in response.content.decode() and "SECRET" not in response.content.decode()


def test_healthz_is_exempt_from_the_ssl_redirect(settings):
    assert any(__import__("re").match(pattern, "healthz") for pattern in settings.SECURE_REDIRECT_EXEMPT)


def test_staff_see_a_banner_when_the_last_run_is_older_than_a_day(client_as):
    ReminderRun.objects.create(date=DAY, started_at=timezone.now(), completed_at=timezone.now() - timedelta(hours=2))
    assert "每日提醒已超过一天没有完成运行" not in client_as("staff").get("/reminders/").content.decode()
    ReminderRun.objects.update(completed_at=timezone.now() - timedelta(days=2))
    assert "每日提醒已超过一天没有完成运行" in client_as("staff").get("/tasks/").content.decode()
    assert "每日提醒已超过一天没有完成运行" not in client_as("liaison_hr").get("/my/").content.decode()


# Secrets masked ---------------------------------------------------------------------------------------------


def test_dingtalk_secret_and_robot_key_are_masked_everywhere_shown(client_as, user_named):
    hr = Unit.objects.get(name=HR)
    url = "https://oapi.dingtalk.com/robot/send?access_token=tok0123456789abcdefTOKENPART"
    config = ReminderSettings.objects.create(
        unit=hr, webhook_enabled=True, webhook_url=url, robot_secret=SECRET, robot_channel="dingtalk"
    )
    robot_row(url, channel="dingtalk", unit=hr, status=OutboxStatus.FAILED, last_error="钉钉安全设置校验未通过")
    staff = client_as("staff")
    pages = {
        "/reminders/": staff.get("/reminders/"),
        "settings page": staff.get(f"/reminders/settings/{hr.pk}/"),
    }
    admin = client_as("staff")
    admin.force_login(user_named("staff"))
    for path in ("/admin/plans/remindersettings/", f"/admin/plans/remindersettings/{config.pk}/change/"):
        response = admin.get(path)
        if response.status_code == 200:
            pages[path] = response
    assert len(pages) >= 2
    for name, response in pages.items():
        text = response.content.decode()
        assert "SECRETPART" not in text and "TOKENPART" not in text, name
    assert "SEC0****PART" in pages["/reminders/"].content.decode()


def test_settings_form_refuses_and_normalizes(client_as):
    hr = Unit.objects.get(name=HR)
    staff = client_as("staff")
    response = staff.post(
        f"/reminders/settings/{hr.pk}/",
        {"email_enabled": "on", "extra_emails": "a@x.cn；坏地址", "webhook_enabled": "on", "webhook_url": ""},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "第 2 个邮箱地址“坏地址”格式不正确" in text and "请填写群机器人地址" in text
    assert not ReminderSettings.objects.filter(unit=hr).exists()
    staff.post(
        f"/reminders/settings/{hr.pk}/",
        {
            "email_enabled": "on",
            "extra_emails": "a@x.cn；b@y.cn",
            "webhook_enabled": "on",
            "webhook_url": "https://机器人.例子.cn/钉钉?access_token=t",
            "robot_channel": "dingtalk",
            "robot_secret": SECRET,
        },
    )
    config = ReminderSettings.objects.get(unit=hr)
    assert config.extra_emails == "a@x.cn\nb@y.cn"
    # 钉 is U+9489, UTF-8 E9 92 89; the host is punycode (xn--...), as IDNA encodes it.
    assert config.webhook_url.startswith("https://xn--") and config.webhook_url.endswith(
        ".cn/%E9%92%89%E9%92%89?access_token=t"
    )
    assert config.robot_secret == SECRET
    staff.post(  # the secret field is left empty: the stored secret is kept
        f"/reminders/settings/{hr.pk}/",
        {
            "email_enabled": "on",
            "webhook_enabled": "on",
            "webhook_url": config.webhook_url,
            "robot_channel": "dingtalk",
        },
    )
    assert ReminderSettings.objects.get(unit=hr).robot_secret == SECRET


# Channels -----------------------------------------------------------------------------------------------------


def test_existing_webhook_rows_move_to_their_own_channel():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("plans.migrations.0006_reminder_channels_and_runs")
    hr = Unit.objects.get(name=HR)
    wecom_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    config = ReminderSettings.objects.create(unit=hr, webhook_enabled=True, webhook_url=wecom_url)
    wecom = robot_row(wecom_url, channel="webhook", recipient_key="unit:1")
    ding = robot_row("https://oapi.dingtalk.com/robot/send?access_token=t", channel="webhook", recipient_key="unit:2")
    proxy = robot_row("http://10.0.0.8/robot", channel="webhook", recipient_key="unit:3")
    migration.split_webhook_channel(apps, None)
    assert [Outbox.objects.get(pk=r.pk).channel for r in (wecom, ding, proxy)] == ["wecom", "dingtalk", "webhook"]
    config.refresh_from_db()
    assert config.robot_channel == "wecom"


def test_rate_limit_errcode_is_temporary_and_retried_later(robot_server):
    robot_server.state.force_errcode = {"wecom": (45009, "api freq out of limit")}
    row = robot_row(robot_server.wecom_url)
    outbox_service.deliver_pending()
    row.refresh_from_db()
    # The whole robot is backed off for its minute; the row waits for it, and the wait is not a failed attempt.
    assert row.status == OutboxStatus.PENDING and not row.permanent_error and row.attempts == 0
    assert timedelta(seconds=59) < row.next_attempt_at - timezone.now() <= timedelta(seconds=60)
    assert "45009" in row.last_error and "整个机器人暂停" in row.last_error


def test_a_long_digest_fits_the_robot_and_states_the_total(robot_server):
    # 300 items of ~60 CJK characters: about 54 KB as text, far over 企业微信's 4,096 bytes.
    items = [
        {"kind": "deadline", "days_left": -n, "milestone": "节" * 60, "due": "2022-11-01", "link": ""}
        for n in range(1, 301)
    ]
    row = robot_row(robot_server.wecom_url, subject="区人力资源和社会保障局：节点计划到期提醒", items=items)
    outbox_service.deliver_pending()
    assert Outbox.objects.get(pk=row.pk).status == OutboxStatus.SENT
    [payload] = robot_server.state.accepted_on("wecom")  # the peer refuses (40058) anything over 4,096 bytes
    content = payload["markdown"]["content"]
    assert "已逾期 300 项" in content and "查看全部 300 项" in content and "另有" in content


def test_every_recipient_refused_is_a_permanent_failure(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    smtp_server.refuse("nobody@example.gov.cn")
    row = email_row(recipients=["nobody@example.gov.cn"])
    outbox_service.deliver_pending()
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.permanent_error and "全部被拒绝" in row.last_error


def test_admin_validates_recipient_settings_as_the_page_does(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root-i14", "root@example.gov.cn", "x-Pass-2024!")
    client.force_login(admin_user)
    hr = Unit.objects.get(name=HR)
    response = client.post(
        "/admin/plans/remindersettings/add/",
        {"unit": hr.pk, "email_enabled": "on", "extra_emails": "a@x.cn；坏地址", "webhook_url": "http://a b"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "第 2 个邮箱地址“坏地址”格式不正确" in text and "空格或换行" in text
    assert not ReminderSettings.objects.exists()


def test_retry_renders_the_row_again_from_the_current_settings(robot_server):
    hr = Unit.objects.get(name=HR)
    ReminderSettings.objects.create(
        unit=hr, email_enabled=False, webhook_enabled=True, webhook_url="http://127.0.0.1:9/x"
    )
    run_reminders(DAY, ["jianghai-rcqq-2022"])
    row = Outbox.objects.get(unit=hr, kind="unit_digest")
    assert row.channel == "webhook" and row.status == OutboxStatus.FAILED  # nothing listens on port 9
    # Staff point the unit at its 钉钉 robot and correct the unit's name, then retry.
    ReminderSettings.objects.filter(unit=hr).update(webhook_url=robot_server.dingtalk_url, robot_channel="dingtalk")
    Unit.objects.filter(pk=hr.pk).update(name="江海区人力资源和社会保障局")
    assert outbox_service.retry(Outbox.objects.get(pk=row.pk))
    row.refresh_from_db()
    assert row.channel == "dingtalk" and row.recipients == [robot_server.dingtalk_url]
    assert row.subject.startswith("【人才工作督办】江海区人力资源和社会保障局：")
    [payload] = robot_server.state.accepted_on("dingtalk")
    assert "江海区人力资源和社会保障局" in payload["markdown"]["title"]


def test_a_huge_digest_stays_far_below_one_megabyte_as_an_email():
    from plans.notifications.render import render_message

    hr = Unit.objects.get(name=HR)
    item = {"kind": "deadline", "days_left": -3, "plan": "计" * 60, "measure": "举" * 300, "milestone": "节" * 200}
    items = [{**item, "due": "2022-11-28", "link": f"https://x.cn/tasks/{n}/"} for n in range(5000)]
    message = render_message("unit_digest", hr, None, items, DAY)
    size = len(message["subject"].encode()) + len(message["body_text"].encode()) + len(message["body_html"].encode())
    assert size < 1024 * 1024  # 200 items of about 3.7 KB each (text + HTML): 747,260 bytes when written
    assert "另有 4800 项未在邮件中列出（共 5000 项）" in message["body_text"]
    assert "共 5000 项" in message["subject"]


def test_the_stale_claim_message_gives_the_time_in_asia_shanghai():
    from datetime import UTC, datetime

    claimed = datetime(2022, 12, 1, 1, 5, tzinfo=UTC)  # 09:05 in Asia/Shanghai (UTC+8)
    stuck = email_row(status=OutboxStatus.SENDING, attempts=1, claimed_at=claimed)
    outbox_service.release_stale_claims(claimed + timedelta(hours=2))
    stuck.refresh_from_db()
    assert "2022-12-01 09:05 开始的发送" in stuck.last_error and "01:05" not in stuck.last_error


def test_racing_runs_record_every_row_the_day_made(monkeypatch):
    """A run that starts, then sees another run of the same day make every row before it finishes (as three
    racing runs did), records what was made: the day's record once said 0 though the other run made them."""
    from plans.notifications import daily_run

    real_record = daily_run.record_digests
    interleaved = []

    def another_run_finishes_first(day, plan_codes=None, *args, **kwargs):
        # *args, **kwargs: create_day passes more (missed_days, added by the catch-up run); hand them on as given.
        if not interleaved:
            interleaved.append(None)  # the racing run, which calls this too, goes straight to the real one
            interleaved[0] = real_create_day(day)  # it made every row while this run waited
        return real_record(day, plan_codes, *args, **kwargs)

    real_create_day = daily_run.create_day
    monkeypatch.setattr(daily_run, "record_digests", another_run_finishes_first)
    mine = daily_run.create_day(DAY)
    made = Outbox.objects.filter(date=DAY).count()
    assert made > 5 and interleaved[0].created == made and mine.created == 0
    assert ReminderRun.objects.get(date=DAY).created == made


def test_data_health_names_the_addresses_a_units_reminders_cannot_reach(client_as, django_user_model):
    from django.urls import reverse

    from plans.data_check import data_health

    hr = Unit.objects.get(name=HR)
    # Values from before validation existed: saved directly, as an older database holds them.
    ReminderSettings.objects.create(unit=hr, extra_emails="ok@example.gov.cn\nbad@@example..com")
    django_user_model.objects.filter(username="liaison_hr").update(email="not-an-address")
    sections = {section.key: section for section in data_health(DAY)}
    problems = {p.subject: p for p in sections["undeliverable_addresses"].problems}
    assert list(problems) == [HR]  # no other unit has such an address in the test data
    detail = problems[HR].detail
    assert "bad@@example..com" in detail and "提醒设置的其他收件人" in detail
    assert "not-an-address" in detail and "联络员 liaison_hr 的邮箱" in detail
    assert "ok@example.gov.cn" not in detail  # the good address is delivered, not listed
    assert problems[HR].links == [("改正联系方式", reverse("admin:units_unit_change", args=[hr.pk]))]
    page = client_as("staff").get(reverse("plans:data_health")).content.decode()
    assert "提醒邮件发不到的地址" in page and "bad@@example..com" in page


def test_a_sent_row_names_the_addresses_it_left_out(settings, client_as):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hr = Unit.objects.get(name=HR)
    ReminderSettings.objects.create(unit=hr, extra_emails="ok@example.gov.cn\nbad@@example..com")
    row = email_row(recipient_key=f"unit:{hr.pk}", unit=hr, recipients=["ok@example.gov.cn"])
    clean = email_row(recipient_key="unit:999", recipients=["a@example.gov.cn"])
    outbox_service.deliver_pending()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and mail.outbox[0].to == ["ok@example.gov.cn"]
    assert "bad@@example..com" in row.last_error and f"请改正“{HR}”的联系方式" in row.last_error
    clean.refresh_from_db()
    assert clean.status == OutboxStatus.SENT and "格式不正确" not in clean.last_error
    from django.urls import reverse

    assert "bad@@example..com" in client_as("staff").get(reverse("plans:reminder_log")).content.decode()  # 提醒记录


def test_a_fixture_snapshot_names_its_load_time_in_asia_shanghai():
    from datetime import UTC, datetime

    from plans.models import FixtureSnapshot

    snapshot = FixtureSnapshot(kind="plan", code="x", values={}, loaded_at=datetime(2024, 3, 1, 16, 30, tzinfo=UTC))
    assert str(snapshot).endswith("（2024-03-02 00:30）")  # 16:30 UTC is half past midnight the next day there
