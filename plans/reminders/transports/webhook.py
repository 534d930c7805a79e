"""A 企业微信/钉钉 group robot: POST a markdown message to the unit's configured URL."""

import json

from ...models import Outbox
from .base import Transport, TransportError


class WebhookTransport(Transport):
    """POSTs JSON shaped like a 企业微信/钉钉 group robot's markdown message."""

    def notify(self, outbox: Outbox) -> None:
        if not outbox.recipients:
            raise TransportError("没有配置群机器人地址", permanent=True)
        content = f"**{outbox.subject}**\n\n{outbox.body_text}"
        self.post_json(
            outbox.recipients[0], {"msgtype": "markdown", "markdown": {"title": outbox.subject, "content": content}}
        )

    def raise_for_response(self, status: int, body: bytes) -> None:
        """Both robots answer HTTP 200 with a non-zero errcode when they refuse a message."""
        super().raise_for_response(status, body)
        try:
            answer = json.loads(body.decode("utf-8"))
            errcode = int(answer.get("errcode", 0))
        except (UnicodeDecodeError, ValueError, TypeError, AttributeError):
            return  # a plain webhook that answers something else: its 2xx is the delivery
        if errcode != 0:
            errmsg = str(answer.get("errmsg", ""))[:200]
            raise TransportError(f"群机器人拒收（错误码 {errcode}：{errmsg}）", permanent=True)
