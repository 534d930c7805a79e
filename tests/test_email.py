"""Django's SMTP backend against a real SMTP server on loopback (aiosmtpd, tests/peers.py): a Chinese
message arrives intact, a refused recipient and a server that is down raise the errors the e-mail
transport has to classify."""

import email
import smtplib
from email.header import decode_header, make_header

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

SENDER = "人才工作督办平台 <noreply@talentplan.local>"
SUBJECT = "区人力资源和社会保障局：节点计划到期提醒"
BODY = "区人力资源和社会保障局：\n\n以下节点计划由贵单位牵头，即将到期或已经逾期：\n1. 【已逾期 3 天】建立驿站\n"


def connection(peer, timeout=5):
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=peer.host,
        port=peer.port,
        username="",
        password="",
        use_tls=False,
        use_ssl=False,
        timeout=timeout,
        fail_silently=False,
    )


def message(peer, to, timeout=5):
    mail = EmailMultiAlternatives(SUBJECT, BODY, SENDER, to, connection=connection(peer, timeout))
    mail.attach_alternative("<p>以下节点计划由贵单位牵头</p>", "text/html")
    return mail


def test_chinese_message_arrives_intact(smtp_server):
    assert message(smtp_server, ["liaison@hr.example.cn"]).send() == 1
    [received] = smtp_server.messages
    assert received.envelope_rcpt == ["liaison@hr.example.cn"]
    assert received.envelope_from == "noreply@talentplan.local"
    # The subject travels as RFC 2047 encoded words; decoding them gives it back exactly.
    raw_subject = email.message_from_bytes(received.raw_bytes)["Subject"]
    assert str(make_header(decode_header(raw_subject))) == SUBJECT
    # Django folds right after "Subject:" (the first encoded word does not fit on that line), and
    # Python's modern parser keeps that fold's space; mail clients strip it.
    assert str(received["Subject"]).strip() == SUBJECT
    assert received["From"].addresses[0].display_name == "人才工作督办平台"
    assert received.get_body(("plain",)).get_content() == BODY.replace("\n", "\r\n")  # SMTP line ends
    assert "贵单位牵头" in received.get_body(("html",)).get_content()


def test_headers_travel_as_7bit_encoded_words(smtp_server):
    message(smtp_server, ["liaison@hr.example.cn"]).send()
    [received] = smtp_server.messages
    header_block = received.raw_bytes.split(b"\r\n\r\n", 1)[0]
    assert header_block.isascii()  # no 8-bit bytes in the headers: any relay accepts them
    assert b"=?utf-8?" in header_block.lower()


def test_refused_recipient_raises_recipients_refused(smtp_server):
    smtp_server.refuse("nobody@hr.example.cn")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        message(smtp_server, ["nobody@hr.example.cn"]).send()
    assert refused.value.recipients["nobody@hr.example.cn"][0] == 550
    assert smtp_server.messages == []


def test_one_refused_among_several_is_silent_in_django(smtp_server):
    # smtplib raises SMTPRecipientsRefused only when every recipient is refused; otherwise sendmail()
    # returns the refused ones, and Django's backend drops that return value. The transport must send
    # per recipient (or call smtplib itself) to see the refusal.
    smtp_server.refuse("nobody@hr.example.cn")
    assert message(smtp_server, ["liaison@hr.example.cn", "nobody@hr.example.cn"]).send() == 1
    [received] = smtp_server.messages
    assert received.envelope_rcpt == ["liaison@hr.example.cn"]
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        to = ["liaison@hr.example.cn", "nobody@hr.example.cn"]
        refused = client.sendmail("noreply@talentplan.local", to, b"Subject: x\r\n\r\nx")
    assert list(refused) == ["nobody@hr.example.cn"] and refused["nobody@hr.example.cn"][0] == 550


def test_server_down_raises_a_connection_error(smtp_server):
    smtp_server.stop()
    with pytest.raises(ConnectionRefusedError):
        message(smtp_server, ["liaison@hr.example.cn"], timeout=2).send()
    assert smtp_server.messages == []
