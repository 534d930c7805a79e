"""Reminder e-mails are marked as machine mail (RFC 3834 Auto-Submitted, Exchange's X-Auto-Response-Suppress), so
out-of-office replies do not come back, and their Message-ID is in the portal's own domain, not @localhost.
Checked on what arrives at the real SMTP peer (tests/peers.py)."""

from datetime import date

import pytest

from plans.models import Outbox, OutboxStatus
from plans.notifications import outbox as outbox_service

pytestmark = pytest.mark.django_db


def send_one(settings, smtp_server, key="unit:1"):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    row = Outbox.objects.create(
        recipient_key=key, channel="email", date=date(2022, 12, 1), kind="unit_digest",
        recipients=["a@example.gov.cn"], subject="提醒", body_text="正文", items=[],
    )  # fmt: skip
    outbox_service.deliver_pending()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    [received] = smtp_server.messages
    return received


def test_reminder_mail_is_marked_auto_generated(settings, smtp_server):
    received = send_one(settings, smtp_server)
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["X-Auto-Response-Suppress"] == "All"


def test_message_id_is_in_the_site_domain_by_default(settings, smtp_server):
    settings.SITE_URL, settings.MAIL_MESSAGE_ID_DOMAIN = "https://ducha.rcb.example.gov.cn/portal/", ""
    received = send_one(settings, smtp_server)
    message_id = str(received["Message-ID"]).strip()
    assert message_id.startswith("<") and message_id.endswith("@ducha.rcb.example.gov.cn>")
    assert message_id.count("@") == 1


def test_message_id_domain_can_be_set(settings, smtp_server):
    settings.MAIL_MESSAGE_ID_DOMAIN = "mail.rcb.example.gov.cn"
    received = send_one(settings, smtp_server)
    assert str(received["Message-ID"]).strip().endswith("@mail.rcb.example.gov.cn>")


def test_two_mails_have_different_message_ids(settings, smtp_server):
    first = send_one(settings, smtp_server)
    smtp_server.messages.clear()
    second = send_one(settings, smtp_server, key="unit:2")
    assert first["Message-ID"] != second["Message-ID"]
