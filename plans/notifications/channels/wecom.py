"""企业微信 group robot: markdown.content within 4096 bytes (talentplan.lib.robots.wecom_markdown)."""

from plans.notifications.channels.robot import RobotTransport
from talentplan.lib import robots


class WeComTransport(RobotTransport):
    channel = robots.WECOM
