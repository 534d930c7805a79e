"""A robot behind a host that says nothing about its kind (an intranet proxy): sent in 企业微信's format,
which such proxies usually forward, and its answer read the same way."""

from plans.notifications.channels.robot import RobotTransport


class WebhookTransport(RobotTransport):
    pass
