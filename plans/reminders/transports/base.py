"""What every channel shares: `Transport` (send one outbox row or raise) and `TransportError` (temporary
errors are retried, permanent ones wait for staff). As in Healthchecks, an HTTP channel reads the
answer in `raise_for_response`, because chat robots (企业微信, 钉钉) report a refusal as an errcode in
the body of a 200 response; a new channel overrides that hook and nothing else changes."""

import json
import urllib.error
import urllib.request

from django.conf import settings


class TransportError(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.message, self.permanent = message, permanent


class Transport:
    """One delivery channel. `notify(outbox)` sends the row or raises TransportError."""

    def notify(self, outbox) -> None:
        raise NotImplementedError

    def post_json(self, url: str, payload: dict) -> None:
        """POST the payload; the answer (status and body) goes through raise_for_response."""
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.REMINDER_WEBHOOK_TIMEOUT) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, b""
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"无法连接群机器人：{exc}") from exc
        self.raise_for_response(status, body)

    def raise_for_response(self, status: int, body: bytes) -> None:
        """Any 2xx is delivered; 429 and 5xx are retried; any other status is permanent."""
        if 200 <= status < 300:
            return
        raise TransportError(f"群机器人返回 HTTP {status}", permanent=400 <= status < 500 and status != 429)
