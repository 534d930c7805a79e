"""Delivery channels: one module per channel; TRANSPORTS picks the class from the outbox row's channel."""

from plans.models import Channel
from plans.notifications.channels.dingtalk import DingTalkTransport
from plans.notifications.channels.email import EmailTransport
from plans.notifications.channels.webhook import WebhookTransport
from plans.notifications.channels.wecom import WeComTransport

TRANSPORTS = {
    Channel.EMAIL: EmailTransport,
    Channel.WECOM: WeComTransport,
    Channel.DINGTALK: DingTalkTransport,
    Channel.WEBHOOK: WebhookTransport,
}
