"""E-mail through Django's mail backend (SMTP in production, files under var/mail/ by default)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from ...models import Outbox
from .base import Transport, TransportError


class EmailTransport(Transport):
    def notify(self, outbox: Outbox) -> None:
        if not outbox.recipients:
            raise TransportError("没有收件邮箱：请在“提醒设置”或单位信息中填写联系邮箱", permanent=True)
        message = EmailMultiAlternatives(
            outbox.subject, outbox.body_text, settings.DEFAULT_FROM_EMAIL, outbox.recipients
        )
        if outbox.body_html:
            message.attach_alternative(outbox.body_html, "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(f"收件地址被拒绝：{exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"邮件发送失败：{exc}") from exc
