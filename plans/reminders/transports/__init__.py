"""Delivery channels: one module per channel; TRANSPORTS picks the class from the outbox row's channel."""

from ...models import Channel
from .email import EmailTransport
from .webhook import WebhookTransport

TRANSPORTS = {Channel.EMAIL: EmailTransport, Channel.WEBHOOK: WebhookTransport}
