"""Delivery channels: one module per channel, each owning its protocol (channels/robot.py says what a robot
channel declares). A new channel is its module, its line in CHANNELS and its Channel value (plans.models).
TRANSPORTS picks the class from an outbox row's channel; `robot_of` picks a unit's robot from its settings."""

import urllib.parse

from plans.models import Channel
from plans.notifications.channels.dingtalk import DingTalkTransport
from plans.notifications.channels.email import EmailTransport
from plans.notifications.channels.robot import RobotTransport
from plans.notifications.channels.webhook import WebhookTransport
from plans.notifications.channels.wecom import WeComTransport

CHANNELS = [EmailTransport, WeComTransport, DingTalkTransport, WebhookTransport]
TRANSPORTS = {transport.channel: transport for transport in CHANNELS}
ROBOTS = [t for t in CHANNELS if issubclass(t, RobotTransport)]


def robot_for_url(url: str) -> str:
    """The robot channel a webhook URL's host names, or "" (an intranet proxy names none)."""
    host = (urllib.parse.urlsplit(url or "").hostname or "").lower()
    return next((robot.channel for robot in ROBOTS if robot.host and robot.host == host), "")


def robot_of(config) -> RobotTransport:
    """A unit's robot (ReminderSettings): as chosen, else from the URL's host, else the plain webhook."""
    return TRANSPORTS[config.robot_channel or robot_for_url(config.webhook_url) or Channel.WEBHOOK]()


def robot_hosts() -> str:
    """For the settings form: "qyapi.weixin.qq.com 为企业微信，oapi.dingtalk.com 为钉钉"."""
    return "，".join(f"{robot.host} 为{robot.label}" for robot in ROBOTS if robot.host)


def masked_url(channel: str, url: str) -> str:
    """A robot URL as shown to people: its credential parts masked by its channel's rule."""
    return TRANSPORTS[channel]().masked_url(url)
