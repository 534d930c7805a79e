"""Failures are never lost: they stay on 提醒记录 with their error until a retry succeeds or staff dismiss."""

from datetime import date

import pytest
from django.core import mail

from plans.models import Notification, Outbox, OutboxStatus
from plans.notifications.daily_run import run_reminders

pytestmark = pytest.mark.django_db


def test_failure_is_visible_and_the_retry_button_sends_it(client_as, user_named):
    run_reminders(date(2022, 12, 1), ["jianghai-rcqq-2022"])  # no unit has an address yet
    failed = Outbox.objects.filter(status=OutboxStatus.FAILED, unit__name="区人力资源和社会保障局").get()
    assert failed.permanent_error and "没有收件邮箱" in failed.last_error
    page = client_as("staff").get("/reminders/").content.decode()
    assert "发送失败" in page and "没有收件邮箱" in page
    assert Notification.objects.filter(user=user_named("liaison_hr")).count() == 1  # in-app copy regardless

    failed.unit.email = "hr@example.gov.cn"  # staff fix the unit's contact address, then retry
    failed.unit.save()
    response = client_as("staff").post(f"/reminders/{failed.pk}/retry/", follow=True)
    assert "已重新发送成功" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.SENT and [m.to for m in mail.outbox] == [["hr@example.gov.cn"]]


def test_dismissing_a_failure(client_as):
    run_reminders(date(2022, 12, 1), ["jianghai-rcqq-2022"])
    failed = Outbox.objects.filter(status=OutboxStatus.FAILED).first()
    client_as("staff").post(f"/reminders/{failed.pk}/dismiss/")
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.DISMISSED


def test_notifications_have_a_read_state(client_as, user_named):
    run_reminders(date(2022, 12, 1), ["jianghai-rcqq-2022"])
    client = client_as("liaison_hr")
    assert "未读 1 条" in client.get("/notifications/").content.decode()
    client.post("/notifications/read/")
    assert "未读 0 条" in client.get("/notifications/").content.decode()


def test_webhook_client_errors_are_permanent_and_server_errors_temporary():
    import urllib.error
    from unittest import mock

    from plans.notifications.channels.base import TransportError
    from plans.notifications.channels.webhook import WebhookTransport

    outbox = Outbox(recipients=["http://127.0.0.1:9/robot"], subject="s", body_text="b")
    for code, permanent in ((400, True), (404, True), (429, False), (500, False), (503, False)):
        error = urllib.error.HTTPError("http://x", code, "err", {}, None)
        with mock.patch("urllib.request.urlopen", side_effect=error), pytest.raises(TransportError) as excinfo:
            WebhookTransport().notify(outbox)
        assert excinfo.value.permanent is permanent, code
