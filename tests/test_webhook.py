"""The transport base reads a robot's answer in raise_for_response: a 200 with a non-zero errcode is a
failure (企业微信 and 钉钉 report refusals that way), checked against the loopback robot in tests/peers.py."""

import pytest

from plans.models import Outbox
from plans.notifications.channels.base import TransportError
from plans.notifications.channels.webhook import WebhookTransport

pytestmark = pytest.mark.django_db


def _outbox(url):
    return Outbox(channel="webhook", recipients=[url], subject="节点计划到期提醒", body_text="督办提醒：1 项即将到期")


def test_an_accepted_message_is_delivered(robot_server):
    WebhookTransport().notify(_outbox(robot_server.wecom_url))
    assert robot_server.state.answers == [("wecom", 0)]


def test_a_refusal_in_a_200_body_is_a_permanent_failure(robot_server):
    wrong_key = f"{robot_server.base}/cgi-bin/webhook/send?key=not-the-key"
    with pytest.raises(TransportError) as refused:
        WebhookTransport().notify(_outbox(wrong_key))
    # 企业微信 answers a wrong key with HTTP 200 and errcode 93000 (tests/peers.py, from its documentation).
    assert refused.value.permanent and "93000" in refused.value.message
