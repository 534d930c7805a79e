"""What every group robot shares. A robot channel is one subclass of RobotTransport in its own module
(wecom.py, dingtalk.py ...) holding its whole protocol: the payload and its size limit, signing (加签),
the host that names it, which URL parts are credentials, and what its answers mean (`errors`).

Here: the summary an outbox row becomes (counts, the most urgent items, a link to the rest) that fits any
byte limit, the POST, and the reading of what every robot answers alike: an HTTP status, a JSON body with
`errcode` (0 is sent; a refusal comes as HTTP 200 with a non-zero code), or no answer at all.
"""

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from plans.models import ReminderSettings
from plans.notifications.channels.base import Transport, TransportError
from talentplan.lib.recipients import mask_secret, normalize_webhook_url

ROBOT_KEYWORD = "督办提醒"  # every robot message carries it, so a keyword robot (钉钉) can use it
DEFAULT_MAX_LINES = 20  # a group chat gets a summary, not a wall of text
LINE_MAX_BYTES = 300


@dataclass(frozen=True)
class RobotDigest:
    """What a robot message says: a title, counts such as [("已逾期", 3), ("7 天内到期", 5)], one line per
    item (most urgent first), and the page that lists them all."""

    title: str
    counts: list[tuple[str, int]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    link: str = ""


def robot_digest(outbox) -> RobotDigest:
    items = outbox.items or []
    deadlines = [i for i in items if i.get("kind") != "report_request"]
    counts = [
        ("已逾期", sum(1 for i in deadlines if i["days_left"] < 0)),
        ("即将到期", sum(1 for i in deadlines if i["days_left"] >= 0)),
        ("请报送进展", len(items) - len(deadlines)),
    ]
    path = reverse("plans:my_tasks") if outbox.unit_id else reverse("plans:task_list") + "?overdue=true"
    return RobotDigest(
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


# Text that fits ---------------------------------------------------------------------------------------

_MARKDOWN_LOOKALIKES = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "`": "｀", "#": "＃"})


def inline(text: str) -> str:
    """One line of plain text, safe inside markdown: no line breaks (a unit name once had one), and no
    characters that would open a link, tag or emphasis."""
    return " ".join(str(text).split()).translate(_MARKDOWN_LOOKALIKES)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def json_len(text: str) -> int:
    """Bytes of text once inside a JSON string (newlines and quotes are escaped)."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8")) - 2


def truncate_bytes(text: str, max_bytes: int, cost=None, ellipsis: str = "…") -> str:
    """The longest prefix of text whose cost (UTF-8 bytes by default) is within max_bytes, never cutting
    a character in half; "…" marks a cut."""
    cost = cost or utf8_len
    if cost(text) <= max_bytes:
        return text
    room = max_bytes - cost(ellipsis)
    if room < 0:
        return ""
    kept, used = [], 0
    for char in text:
        used += cost(char)
        if used > room:
            break
        kept.append(char)
    return "".join(kept) + ellipsis


def render_digest(digest: RobotDigest, max_bytes: int, markdown: bool = True, cost=None, max_lines=DEFAULT_MAX_LINES):
    """The message body: title, counts, as many item lines as fit (at most max_lines), and, when some
    are left out, "另有 N 项，详见链接" with the link. Always within max_bytes as measured by cost."""
    cost = cost or utf8_len
    total = len(digest.lines)
    title = inline(f"【{ROBOT_KEYWORD}】{digest.title}")
    counts = "；".join(f"{inline(label)} {number} 项" for label, number in digest.counts) or f"共 {total} 项"
    head = [f"**{title}**" if markdown else title, f"> {counts}" if markdown else counts]
    link = digest.link.strip()
    all_shown_tail = [f"[查看详情]({link})" if markdown else f"详情：{link}"] if link else []

    def tail_for(hidden):
        if not hidden:
            return all_shown_tail
        where = "详见链接" if link else "请登录平台查看"
        lines = [f"另有 {hidden} 项，{where}"]
        if link:
            lines.append(f"[查看全部 {total} 项]({link})" if markdown else f"全部 {total} 项：{link}")
        return lines

    def assemble(shown):
        body = [f"{n}. {line}" for n, line in enumerate(shown, 1)]
        blocks = ["\n".join(head), "\n".join(body), "\n".join(tail_for(total - len(shown)))]
        return "\n\n".join(block for block in blocks if block)

    limit = total if max_lines is None else min(total, max_lines)
    shown = []
    for line in digest.lines[:limit]:
        candidate = shown + [truncate_bytes(inline(line), LINE_MAX_BYTES)]
        if cost(assemble(candidate)) > max_bytes:
            break
        shown = candidate
    text = assemble(shown)
    return text if cost(text) <= max_bytes else truncate_bytes(text, max_bytes, cost)  # huge title or link


def encode_payload(payload: dict) -> bytes:
    """The bytes we send: UTF-8 JSON without \\u escapes (a CJK character costs 3 bytes, not 6)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# The channel ------------------------------------------------------------------------------------------


class RobotTransport(Transport):
    """A group robot reached by a webhook URL. A subclass sets the class attributes and `payload`; one that
    signs sets `signed` and `sign_request` (钉钉 signs the URL; a robot may sign the body instead); one whose
    answer names its code otherwise overrides `code_of`; `explain` adds what a refusal's text says to fix."""

    label = ""  # its name in Chinese: "企业微信"
    host = ""  # the public host whose URLs are this robot's (a proxy's host names none)
    signed = False  # takes a 加签 secret (ReminderSettings.robot_secret), signed at send time
    secret_query_keys: tuple[str, ...] = ()  # URL query values that are credentials, masked when shown
    errors: dict[int, tuple[bool, str]] = {}  # errcode -> (temporary?, 中文说明); others are permanent
    messages_per_minute = 20  # the published limit of one robot (notifications/pacing.py keeps to it)
    rate_limit_codes: frozenset[int] = frozenset()  # errcodes that mean "too fast": the robot is backed off
    rate_limit_seconds = 60  # how long nothing goes to a robot after such an answer

    def payload(self, digest: RobotDigest, max_lines=DEFAULT_MAX_LINES) -> dict:
        raise NotImplementedError

    def sign_request(self, url: str, payload: dict, secret: str) -> tuple[str, dict]:
        """The URL and payload of one send, signed with the unit's secret (a signature expires)."""
        return url, payload

    def code_of(self, answer) -> tuple[int, str]:
        """(code, text) of a JSON answer; 0 is sent. Raises KeyError, TypeError or ValueError if it has none."""
        return int(answer["errcode"]), str(answer.get("errmsg", ""))

    def explain(self, errcode: int, errmsg: str, message: str) -> str:
        return message

    def masked_url(self, url: str) -> str:
        """The URL as shown to people: its credential parts masked."""
        try:
            parts = urllib.parse.urlsplit(url or "")
        except ValueError:
            return mask_secret(url)
        query = [
            (name, mask_secret(value) if name in self.secret_query_keys else value)
            for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, safe="*")))

    def notify(self, outbox) -> str:
        if not outbox.recipients:
            raise TransportError("没有配置群机器人地址", permanent=True)
        webhook_url, error = normalize_webhook_url(outbox.recipients[0])
        if error:
            raise TransportError(f"群机器人地址无效：{error}", permanent=True)
        payload = self.payload(robot_digest(outbox))
        if self.signed and outbox.unit_id:  # the unit's current secret, at send time
            secret = ReminderSettings.objects.filter(unit_id=outbox.unit_id).values_list("robot_secret", flat=True)
            webhook_url, payload = self.sign_request(webhook_url, payload, (secret.first() or "").strip())
        self.post(webhook_url, payload, settings.REMINDER_WEBHOOK_TIMEOUT)
        return ""

    def post(self, url: str, payload: dict, timeout: float) -> None:
        """POST one payload; returns when the robot accepted it, raises TransportError otherwise."""
        try:
            request = urllib.request.Request(
                url, data=encode_payload(payload), headers={"Content-Type": "application/json; charset=utf-8"}
            )
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, _read_quietly(exc)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise self.read_exception(exc) from exc
        self.read_answer(status, body)

    def read_answer(self, http_status: int, body: bytes) -> None:
        """What the robot's HTTP answer means: returns when sent, raises TransportError otherwise."""
        if http_status == 429 or http_status >= 500:
            raise TransportError(f"{self.label}群机器人暂时不可用（HTTP {http_status}）")
        if not 200 <= http_status < 300:
            raise TransportError(
                f"{self.label}群机器人拒绝了请求（HTTP {http_status}）：请检查 webhook 地址", permanent=True
            )
        try:
            errcode, errmsg = self.code_of(json.loads(body.decode("utf-8")))
        except (UnicodeDecodeError, ValueError, TypeError, KeyError):
            # It accepted the request but answered something we cannot read: it may have posted it.
            raise TransportError(
                f"{self.label}群机器人的应答无法识别，消息可能已发出：请到群里确认", maybe_sent=True
            ) from None
        if errcode == 0:
            return
        errmsg = errmsg[:200]
        temporary, message = self.errors.get(errcode, (False, f"{self.label}群机器人拒绝了消息"))
        message = self.explain(errcode, errmsg, message)
        text = f"{message}（错误码 {errcode}：{errmsg}）" if errmsg else f"{message}（错误码 {errcode}）"
        raise TransportError(text, permanent=not temporary, errcode=errcode)

    @staticmethod
    def read_exception(exc: BaseException) -> TransportError:
        """What a failed urllib call means. urllib wraps errors raised while connecting and sending in
        URLError; a timeout or a dropped connection while waiting for the answer comes through bare, after
        the robot got the whole request, so the message may have been posted."""
        if isinstance(exc, urllib.error.HTTPError):
            permanent = 400 <= exc.code < 500 and exc.code != 429
            message = f"群机器人返回 HTTP {exc.code}" + ("：请检查 webhook 地址" if permanent else "")
            return TransportError(message, permanent=permanent)
        if isinstance(exc, ValueError | http.client.InvalidURL):
            # e.g. a Chinese path or a line break that was never normalized: sending again cannot help
            return TransportError(f"群机器人地址无效：{exc}", permanent=True)
        if isinstance(exc, urllib.error.URLError):
            return TransportError(f"无法连接群机器人：{exc.reason}")
        if isinstance(exc, TimeoutError | http.client.RemoteDisconnected | ConnectionResetError):
            return TransportError(
                "群机器人在超时前没有应答，消息可能已发出：请到群里确认后再决定是否重发", maybe_sent=True
            )
        if isinstance(exc, OSError | http.client.HTTPException):
            return TransportError(f"群机器人连接出错：{exc}")
        raise exc


def _read_quietly(exc):
    try:
        return exc.read() or b""
    except OSError:
        return b""
