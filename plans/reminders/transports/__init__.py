"""Delivery channels: one module per channel; TRANSPORTS picks the class from the outbox row's channel."""

from ...models import Channel
from .dingtalk import DingTalkTransport
from .email import EmailTransport
from .webhook import WebhookTransport
from .wecom import WeComTransport

TRANSPORTS = {
    Channel.EMAIL: EmailTransport,
    Channel.WECOM: WeComTransport,
    Channel.DINGTALK: DingTalkTransport,
    Channel.WEBHOOK: WebhookTransport,
}
