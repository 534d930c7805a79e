"""A robot behind a host that says nothing about its kind (an intranet proxy): sent in 企业微信's format,
which such proxies usually forward, and its answer read the same way."""

from plans.models import Channel
from plans.notifications.channels.wecom import WeComTransport


class WebhookTransport(WeComTransport):
    channel = Channel.WEBHOOK
    host = ""  # chosen when no robot's host matches
    secret_query_keys = ("key", "access_token")
