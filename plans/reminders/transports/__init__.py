"""Delivery channels: one module per channel; TRANSPORTS picks the class from the outbox row's channel."""

from plans.models import Channel
from plans.reminders.transports.dingtalk import DingTalkTransport
from plans.reminders.transports.email import EmailTransport
from plans.reminders.transports.webhook import WebhookTransport
from plans.reminders.transports.wecom import WeComTransport

TRANSPORTS = {
    Channel.EMAIL: EmailTransport,
    Channel.WECOM: WeComTransport,
    Channel.DINGTALK: DingTalkTransport,
    Channel.WEBHOOK: WebhookTransport,
}
