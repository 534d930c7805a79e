"""企业微信 group robot: markdown.content within 4096 bytes (talentplan.lib.robots.wecom_markdown)."""

from talentplan.lib import robots

from .robot import RobotTransport


class WeComTransport(RobotTransport):
    channel = robots.WECOM
