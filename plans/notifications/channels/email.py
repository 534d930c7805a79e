"""E-mail through Django's mail backend (SMTP in production, files under var/mail/ by default).

Over SMTP we call smtplib's sendmail() on the backend's connection ourselves: Django's backend drops the
addresses a server refused while accepting others (tests/test_email.py), and we must record them."""

import smtplib
import urllib.parse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import make_msgid, sanitize_address

from plans.models import Channel
from plans.notifications.channels.base import Transport, TransportError

REMINDER_HEADER = "X-Talentplan-Reminder"  # which reminder a mail is: for tracing, and for spotting duplicates
# Machine mail (RFC 3834): out-of-office and other automatic replies are not sent back to it. Exchange/Outlook
# read X-Auto-Response-Suppress instead ("All": no OOF, no delivery or read reports, no auto-replies).
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All", "Precedence": "bulk"}


def message_id_domain() -> str:
    """The domain of our Message-IDs: MAIL_MESSAGE_ID_DOMAIN, else the host of SITE_URL (never the machine's
    own name, which on a container is "localhost" or a random id)."""
    return settings.MAIL_MESSAGE_ID_DOMAIN or urllib.parse.urlsplit(settings.SITE_URL).hostname or "localhost"


def automatic_headers() -> dict:
    """The headers every e-mail of the portal carries: a Message-ID in the portal's domain and the RFC 3834 marks."""
    return {"Message-ID": make_msgid(domain=message_id_domain()), **AUTOMATIC_HEADERS}


def reminder_key(outbox) -> str:
    return f"{outbox.recipient_key}/{outbox.date.isoformat()}/{outbox.kind}"


class EmailTransport(Transport):
    channel = Channel.EMAIL

    def notify(self, outbox) -> str:
        if not outbox.recipients:
            raise TransportError("没有收件邮箱：请在“提醒设置”或单位信息中填写联系邮箱", permanent=True)
        connection = get_connection()
        message = EmailMultiAlternatives(
            outbox.subject,
            outbox.body_text,
            settings.DEFAULT_FROM_EMAIL,
            outbox.recipients,
            connection=connection,
            headers={REMINDER_HEADER: reminder_key(outbox), **automatic_headers()},
        )
        if outbox.body_html:
            message.attach_alternative(outbox.body_html, "text/html")
        try:
            if isinstance(connection, SmtpBackend):
                return _send_over_smtp(connection, message)
            message.send()
            return ""
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(f"收件地址全部被拒绝：{_refusals(exc.recipients)}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"邮件发送失败：{exc or type(exc).__name__}") from exc


def _send_over_smtp(connection, message) -> str:
    encoding = message.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    connection.open()
    try:
        refused = connection.connection.sendmail(sender, recipients, message.message().as_bytes(linesep="\r\n"))
    finally:
        connection.close()
    return f"部分收件地址被拒绝：{_refusals(refused)}" if refused else ""


def _refusals(refused: dict) -> str:
    def reason(answer):
        code, text = answer if isinstance(answer, tuple) else (answer, b"")
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{code} {text}".strip()

    return "；".join(f"{address}（{reason(answer)}）" for address, answer in refused.items())
