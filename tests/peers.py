"""Real counterparts on loopback for the delivery tests: a group-robot server that answers as 企业微信 and
钉钉 document, and an SMTP server (aiosmtpd). Written from the published API, independently of
plans/notifications/channels: it must not import the code it checks.

Robot behaviour (sources in the docstrings of plans/notifications/channels/wecom.py and dingtalk.py):
- 企业微信: POST /cgi-bin/webhook/send?key=KEY, {"msgtype": "markdown", "markdown": {"content"}} or text.
  Wrong key 93000; unknown msgtype 40008; markdown.content over 4096 bytes or text.content over 2048
  bytes 40058; over 20 messages a minute 45009.
- 钉钉: POST /robot/send?access_token=TOKEN, {"msgtype": "markdown", "markdown": {"title", "text"}}.
  Wrong token 300001; unknown msgtype 400105; missing field 40035; body over 20000 bytes 460101;
  加签 checked (310000 "sign not match" / "invalid timestamp" beyond one hour); keyword checked
  (310000 "keywords not in content"); over 20 a minute 130101, then throttled for 10 minutes.
Both answer HTTP 200 with the errcode in the body. Codes for malformed bodies (invalid JSON, empty
content) are not in the sources we found; the values used for them here are assumptions, marked below.
"""

import base64
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"  # the documented sample key
DINGTALK_TOKEN = "fake-access-token-0123456789"
PER_MINUTE = 20
DINGTALK_THROTTLE_SECONDS = 600


@dataclass
class RobotState:
    """What the robot has seen. Tests may change the switches and the clocks between requests."""

    dingtalk_secret: str = ""  # when set, 加签 is required
    keyword: str = ""  # when set, 钉钉 needs it in the message
    mode: str = "normal"  # "normal", "slow" (answers after slow_seconds) or "error500"
    slow_seconds: float = 2.0
    force_errcode: dict = field(default_factory=dict)  # channel -> (errcode, errmsg) to refuse every message with
    clock: object = time.monotonic  # seconds, for the rate limit
    wall_ms: object = field(default=lambda: int(time.time() * 1000))  # for the 加签 timestamp
    requests: int = 0
    accepted: list = field(default_factory=list)  # [{"channel", "payload"}]
    answers: list = field(default_factory=list)  # [(channel, errcode)] in order
    timeline: list = field(default_factory=list)  # [(clock(), channel, errcode)]: when each request was answered
    _recent: dict = field(default_factory=dict)  # channel -> accept times within the last minute
    _throttled_until: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted_on(self, channel):
        return [entry["payload"] for entry in self.accepted if entry["channel"] == channel]


def _wecom_check(state, query, payload):
    if query.get("key") != [WECOM_KEY]:
        return 93000, "invalid webhook url"
    msgtype = payload.get("msgtype")
    if msgtype not in ("markdown", "text"):
        return 40008, "invalid message type"
    content = (payload.get(msgtype) or {}).get("content")
    if not isinstance(content, str) or not content:
        return 44004, "Warning: wrong json format. empty content"  # errmsg seen in the wild; code assumed
    limit = 4096 if msgtype == "markdown" else 2048
    if len(content.encode("utf-8")) > limit:
        return 40058, f"{msgtype}.content exceed max length {limit}. invalid Request Parameter"
    if not _within_rate(state, "wecom", throttle=0):
        return 45009, "api freq out of limit"
    return 0, "ok"


def _expected_dingtalk_sign(secret, timestamp):
    # As in the published Python sample: hmac(secret, f"{timestamp}\n{secret}", sha256), then base64.
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _dingtalk_check(state, query, payload, body_size):
    if query.get("access_token") != [DINGTALK_TOKEN]:
        return 300001, "token is not exist"
    if state.dingtalk_secret:
        timestamp, sign = (query.get("timestamp") or [""])[0], (query.get("sign") or [""])[0]
        if not timestamp.isdigit() or abs(state.wall_ms() - int(timestamp)) > 3600 * 1000:
            return 310000, "invalid timestamp"
        # parse_qs has already URL-decoded the value, as DingTalk does; an unencoded "+" arrives as " ".
        if not hmac.compare_digest(sign, _expected_dingtalk_sign(state.dingtalk_secret, timestamp)):
            return 310000, "sign not match"
    msgtype = payload.get("msgtype")
    if msgtype not in ("markdown", "text"):
        return 400105, "不支持的消息类型"
    part = payload.get(msgtype) or {}
    needed = ("title", "text") if msgtype == "markdown" else ("content",)
    missing = [name for name in needed if not isinstance(part.get(name), str) or not part.get(name)]
    if missing:
        return 40035, f"缺少参数 {msgtype}.{missing[0]}"  # 40035 = missing parameter; field detail assumed
    if body_size > 20000:
        return 460101, "message too long, exceed 20000 bytes"
    if state.keyword and not any(state.keyword in part[name] for name in needed):
        return 310000, "keywords not in content"
    if not _within_rate(state, "dingtalk", throttle=DINGTALK_THROTTLE_SECONDS):
        return 130101, "send too fast, exceed 20 times per minute"
    return 0, "ok"


def _within_rate(state, channel, throttle):
    now = state.clock()
    if now < state._throttled_until.get(channel, float("-inf")):
        return False
    recent = [t for t in state._recent.get(channel, []) if now - t < 60]
    if len(recent) >= PER_MINUTE:
        state._throttled_until[channel] = now + throttle
        state._recent[channel] = recent
        return False
    state._recent[channel] = recent + [now]
    return True


class _RobotHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_POST(self):
        state = self.server.state
        url = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        channel = {"/cgi-bin/webhook/send": "wecom", "/robot/send": "dingtalk"}.get(url.path)
        with state.lock:
            state.requests += 1
            mode = state.mode
            if mode == "error500" or channel is None:
                errcode = None
            elif channel in state.force_errcode:
                errcode, errmsg = state.force_errcode[channel]
                state.answers.append((channel, errcode))
                state.timeline.append((state.clock(), channel, errcode))
            else:
                errcode, errmsg = self._check(state, channel, url, body)
                state.answers.append((channel, errcode))
                state.timeline.append((state.clock(), channel, errcode))
                if errcode == 0:
                    state.accepted.append({"channel": channel, "payload": json.loads(body)})
        if errcode is None:
            self._answer(500 if channel else 404, b"<html>error</html>", "text/html")
            return
        if mode == "slow":  # the message is posted, the answer comes too late
            time.sleep(state.slow_seconds)
        answer = json.dumps({"errcode": errcode, "errmsg": errmsg}, ensure_ascii=False).encode()
        self._answer(200, answer, "application/json")

    def _check(self, state, channel, url, body):
        try:
            payload = json.loads(body.decode("utf-8"))
            if not isinstance(payload, dict):
                raise ValueError
        except ValueError:
            return (40035 if channel == "dingtalk" else 40001), "invalid json"  # codes assumed
        query = urllib.parse.parse_qs(url.query)
        if channel == "wecom":
            return _wecom_check(state, query, payload)
        return _dingtalk_check(state, query, payload, len(body))

    def _answer(self, status, body, content_type):
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout); the robot does not care


class RobotServer:
    def __init__(self):
        self.state = RobotState()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _RobotHandler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._server.state = self.state
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.wecom_url = f"{self.base}/cgi-bin/webhook/send?key={WECOM_KEY}"
        self.dingtalk_url = f"{self.base}/robot/send?access_token={DINGTALK_TOKEN}"

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def robot_server():
    server = RobotServer()
    yield server
    server.stop()


# SMTP -------------------------------------------------------------------------------------------------


class _RecordingHandler:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage, with .envelope_rcpt/.envelope_from/.raw_bytes
        self.refuse = set()  # recipients answered with 550

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_rcpt = list(envelope.rcpt_tos)
        message.envelope_from = envelope.mail_from
        message.raw_bytes = envelope.original_content  # exactly what came over the wire
        self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpPeer:
    def __init__(self):
        self.handler = _RecordingHandler()
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()
        self.running = True

    @property
    def messages(self):
        return self.handler.messages

    def refuse(self, address):
        self.handler.refuse.add(address.lower())

    def stop(self):
        """The server goes down: later connections are refused."""
        if self.running:
            self.controller.stop()
            self.running = False


@pytest.fixture
def smtp_server():
    peer = SmtpPeer()
    yield peer
    peer.stop()
