"""A 企业微信/钉钉 group robot: POST a markdown message to the unit's configured URL."""

import json
import urllib.error
import urllib.request

from django.conf import settings

from ...models import Outbox
from .base import TransportError


class WebhookTransport:
    """POSTs JSON shaped like a 企业微信/钉钉 group robot's markdown message."""

    def notify(self, outbox: Outbox) -> None:
        if not outbox.recipients:
            raise TransportError("没有配置群机器人地址", permanent=True)
        payload = json.dumps(
            {
                "msgtype": "markdown",
                "markdown": {"title": outbox.subject, "content": f"**{outbox.subject}**\n\n{outbox.body_text}"},
            },
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(
            outbox.recipients[0], data=payload, headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.REMINDER_WEBHOOK_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code != 429
            raise TransportError(f"群机器人返回 HTTP {exc.code}", permanent=permanent) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"无法连接群机器人：{exc}") from exc
