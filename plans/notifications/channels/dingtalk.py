"""钉钉 group robot: markdown title + text within 20000 bytes; with 加签 the URL is signed at send time,
with the unit's current secret, because a signature expires after an hour."""

from plans.models import ReminderSettings
from plans.notifications.channels.robot import RobotTransport
from talentplan.lib import robots


class DingTalkTransport(RobotTransport):
    channel = robots.DINGTALK

    def url(self, outbox, webhook_url: str) -> str:
        secret = (
            ReminderSettings.objects.filter(unit_id=outbox.unit_id).values_list("dingtalk_secret", flat=True).first()
            if outbox.unit_id
            else ""
        )
        return robots.dingtalk_signed_url(webhook_url, (secret or "").strip())
