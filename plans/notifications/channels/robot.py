"""What the robot channels share: an outbox row becomes a short summary (counts, the most urgent items,
a link to the rest) that fits the channel's limit; the answer is classified by talentplan.lib.robots."""

from django.conf import settings
from django.urls import reverse

from plans.notifications.channels.base import Transport, TransportError
from talentplan.lib import robots
from talentplan.lib.recipients import normalize_webhook_url


def robot_digest(outbox) -> robots.RobotDigest:
    items = outbox.items or []
    deadlines = [i for i in items if i.get("kind") != "report_request"]
    counts = [
        ("已逾期", sum(1 for i in deadlines if i["days_left"] < 0)),
        ("即将到期", sum(1 for i in deadlines if i["days_left"] >= 0)),
        ("请报送进展", len(items) - len(deadlines)),
    ]
    path = reverse("plans:my_tasks") if outbox.unit_id else reverse("plans:task_list") + "?overdue=true"
    return robots.RobotDigest(
        title=outbox.subject,
        counts=[(label, number) for label, number in counts if number],
        lines=[_line(item) for item in items],
        link=settings.SITE_URL.rstrip("/") + path,
    )


def _line(item: dict) -> str:
    if item.get("kind") == "report_request":
        state = "请报送本季度进展"
    elif item["days_left"] < 0:
        state = f"已逾期 {-item['days_left']} 天"
    elif item["days_left"] == 0:
        state = "今天到期"
    else:
        state = f"还有 {item['days_left']} 天"
    return f"【{state}】{item['milestone']}（截止 {item['due']}）"


class RobotTransport(Transport):
    channel = robots.WECOM  # the protocol spoken; subclasses say which

    def url(self, outbox, webhook_url: str) -> str:
        return webhook_url

    def notify(self, outbox) -> str:
        if not outbox.recipients:
            raise TransportError("没有配置群机器人地址", permanent=True)
        webhook_url, error = normalize_webhook_url(outbox.recipients[0])
        if error:
            raise TransportError(f"群机器人地址无效：{error}", permanent=True)
        payload = robots.robot_payload(self.channel, robot_digest(outbox))
        result = robots.post_json(
            self.url(outbox, webhook_url), payload, self.channel, settings.REMINDER_WEBHOOK_TIMEOUT
        )
        if result.ok:
            return ""
        raise TransportError(
            result.message_zh, permanent=result.outcome == robots.FAILED, maybe_sent=result.outcome == robots.UNKNOWN
        )
