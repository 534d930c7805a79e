"""The group-robot protocols of 企业微信 (WeCom) and 钉钉 (DingTalk): payloads that fit, 加签, and what an
answer means. Pure functions; the outbox and its transports decide what to do with a `Result`.

Published facts this module relies on (sources are third-party copies of the official pages, found with
the project's search tool; the official pages are developer.work.weixin.qq.com/document/path/91770 and
open.dingtalk.com/document/robots/custom-robot-access):

企业微信 group robot, POST {"msgtype": "markdown", "markdown": {"content": ...}}
  - markdown.content at most 4096 bytes, UTF-8; text.content at most 2048 bytes (cnblogs.com/saplh
    2021-10-08; github.com/walkthunder/action-wecom-webhook README).
  - Too long: HTTP 200 with {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096..."}
    (RayWangQvQ/BiliBiliToolPro#702, dromara/domain-admin#82).
  - At most 20 messages a minute per robot (skills.sh wecom-bot, citing document/path/99398); over it:
    45009 "api freq out of limit" (WecomTeam/wecom-openclaw-plugin#48).
  - Wrong key: 93000 "invalid webhook url" (wes-lin/Cloud189Checkin#175); wrong msgtype: 40008
    "invalid message type" (ttttmr/Wechat2RSS#278).
钉钉 custom robot, POST {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}
  - 加签: sign = urlEncode(base64(HmacSHA256(key=secret, msg=f"{timestamp}\\n{secret}"))), timestamp
    in ms, within 1 hour of DingTalk's clock, appended as &timestamp=..&sign=.. (mihaoyun.com/?p=391,
    gitbook.curiouser.top dingding-customrobot; both quote the official page).
  - 20 messages a minute, then throttled for 10 minutes (gitbook.curiouser.top; blog.csdn.net/m0_37583655);
    over it: 130101 "send too fast, exceed 20 times per minute" (ccfos/nightingale#369) and, in the
    newer table, 410100 "发送速度太快而限流".
  - 310000 covers the security settings: "keywords not in content", "invalid timestamp", "sign not
    match", "ip X not in whitelist" (timonwong/prometheus-webhook-dingtalk#197, x-cold/dingtalk-robot#7,
    and the errcode table in XiHan.Subscriptions DingTalkResultInfoDto).
  - Same table: 400013 group dissolved, 400101 access_token missing, 400102 robot disabled, 400105
    unsupported msgtype, 400106 robot not in group, 430101-430104 unsafe content; older answers:
    300001 "token is not exist" (timonwong/prometheus-webhook-dingtalk#91), 300005 (same, #226).
  - Size: 460101 "message too long, exceed 20000 bytes" (Le0nsec/SecCrawler#12,
    timonwong/prometheus-webhook-dingtalk#30); newer wording "body 大小不合法;请保持大小在 20000bytes
    以内" (ZhuLinsen/daily_stock_analysis#61), so we keep the whole JSON body within 20000 bytes.
Both answer HTTP 200 with a non-zero errcode when they refuse a message.
"""

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

WECOM = "wecom"
DINGTALK = "dingtalk"
CHANNELS = (WECOM, DINGTALK)

WECOM_MARKDOWN_MAX_BYTES = 4096  # of markdown.content
WECOM_TEXT_MAX_BYTES = 2048  # of text.content
DINGTALK_BODY_MAX_BYTES = 20000  # of the whole JSON body
DINGTALK_TITLE_MAX_CHARS = 64  # our choice: the title is the one-line preview in the chat list
DINGTALK_SIGN_VALID_MS = 60 * 60 * 1000
MESSAGES_PER_MINUTE = 20  # both robots
ROBOT_KEYWORD = "督办提醒"  # every robot message carries it, so a 钉钉 keyword robot can use it
DEFAULT_MAX_LINES = 20  # a group chat gets a summary, not a wall of text
LINE_MAX_BYTES = 300

# Outcomes of one delivery attempt.
SENT = "sent"
RETRY = "retry"  # temporary: try again later
FAILED = "failed"  # permanent: a person must fix the settings, then retry
UNKNOWN = "unknown"  # the robot may have posted it: do not resend blindly, show it to staff


@dataclass(frozen=True)
class Result:
    ok: bool
    permanent: bool
    errcode: int | None
    message_zh: str
    outcome: str = SENT

    @property
    def should_retry(self) -> bool:
        return self.outcome == RETRY

    @property
    def maybe_sent(self) -> bool:
        return self.outcome == UNKNOWN


def _sent():
    return Result(True, False, 0, "已发送", SENT)


def _retry(message, errcode=None):
    return Result(False, False, errcode, message, RETRY)


def _failed(message, errcode=None):
    return Result(False, True, errcode, message, FAILED)


def _unknown(message, errcode=None):
    return Result(False, False, errcode, message, UNKNOWN)


# errcode -> (temporary?, 中文说明). Codes not listed are treated as permanent: they mean our request or
# the robot's settings are wrong, and sending the same thing again will not help.
WECOM_ERRORS = {
    -1: (True, "企业微信系统繁忙"),
    45009: (True, "企业微信群机器人发送过于频繁（每分钟最多 20 条）"),
    40058: (False, "消息超过企业微信长度上限（markdown 4096 字节，文本 2048 字节）"),
    93000: (False, "企业微信群机器人地址无效：请检查 webhook 地址中的 key"),
    40008: (False, "企业微信不支持该消息类型"),
}
DINGTALK_ERRORS = {
    -1: (True, "钉钉系统繁忙"),
    130101: (True, "钉钉群机器人发送过于频繁（每分钟最多 20 条，超出后限流 10 分钟）"),
    410100: (True, "钉钉群机器人发送过于频繁（每分钟最多 20 条，超出后限流 10 分钟）"),
    310000: (False, "钉钉安全设置校验未通过"),
    300001: (False, "钉钉群机器人 access_token 不存在：请检查 webhook 地址"),
    300005: (False, "钉钉群机器人 access_token 不存在：请检查 webhook 地址"),
    400101: (False, "钉钉群机器人 access_token 不存在：请检查 webhook 地址"),
    40035: (False, "钉钉请求缺少参数"),
    400013: (False, "钉钉群已解散"),
    400102: (False, "钉钉群机器人已停用"),
    400105: (False, "钉钉不支持该消息类型"),
    400106: (False, "钉钉群机器人不存在或已被移出群"),
    430101: (False, "钉钉认为消息含有不安全的外链"),
    430102: (False, "钉钉认为消息含有不合适的内容"),
    430103: (False, "钉钉认为消息含有不合适的内容"),
    430104: (False, "钉钉认为消息含有不合适的内容"),
    460101: (False, "消息超过钉钉长度上限（20000 字节）"),
}
DINGTALK_SECURITY_DETAIL = [  # errmsg fragment of a 310000 -> what to fix
    ("keywords not in content", "消息不含机器人安全设置中的自定义关键词（建议设置关键词“" + ROBOT_KEYWORD + "”）"),
    ("sign not match", "加签签名不匹配：请核对加签密钥"),
    ("invalid timestamp", "加签时间戳无效：请检查服务器时钟（误差不能超过 1 小时）"),
    ("whitelist", "服务器 IP 不在机器人的 IP 白名单中"),
]


def classify_response(channel: str, http_status: int, body: bytes) -> Result:
    """What a robot's HTTP answer means. A 2xx with a non-zero errcode is a failure."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown robot channel {channel!r}")
    name = "企业微信" if channel == WECOM else "钉钉"
    if http_status == 429 or http_status >= 500:
        return _retry(f"{name}群机器人暂时不可用（HTTP {http_status}）")
    if not 200 <= http_status < 300:
        return _failed(f"{name}群机器人拒绝了请求（HTTP {http_status}）：请检查 webhook 地址")
    try:
        answer = json.loads(body.decode("utf-8"))
        errcode = int(answer["errcode"])
    except (UnicodeDecodeError, ValueError, TypeError, KeyError):
        # It accepted the request but answered something we cannot read: it may have posted it.
        return _unknown(f"{name}群机器人的应答无法识别，消息可能已发出：请到群里确认")
    if errcode == 0:
        return _sent()
    errmsg = str(answer.get("errmsg", ""))[:200]
    temporary, message = (WECOM_ERRORS if channel == WECOM else DINGTALK_ERRORS).get(
        errcode, (False, f"{name}群机器人拒绝了消息")
    )
    if channel == DINGTALK and errcode == 310000:
        lowered = errmsg.lower()
        message = next((f"{message}：{fix}" for key, fix in DINGTALK_SECURITY_DETAIL if key in lowered), message)
    text = f"{message}（错误码 {errcode}：{errmsg}）" if errmsg else f"{message}（错误码 {errcode}）"
    return _retry(text, errcode) if temporary else _failed(text, errcode)


def classify_exception(exc: BaseException) -> Result:
    """What a failed urllib call means. urllib wraps errors raised while connecting and sending in URLError;
    a timeout or a dropped connection while waiting for the answer comes through bare, after the robot
    got the whole request, so the message may have been posted."""
    if isinstance(exc, urllib.error.HTTPError):
        permanent = 400 <= exc.code < 500 and exc.code != 429
        message = f"群机器人返回 HTTP {exc.code}"
        return _failed(message + "：请检查 webhook 地址") if permanent else _retry(message)
    if isinstance(exc, ValueError | http.client.InvalidURL):
        # e.g. a Chinese path or a line break that was never normalized: sending again cannot help
        return _failed(f"群机器人地址无效：{exc}")
    if isinstance(exc, urllib.error.URLError):
        return _retry(f"无法连接群机器人：{exc.reason}")
    if isinstance(exc, TimeoutError | http.client.RemoteDisconnected | ConnectionResetError):
        return _unknown("群机器人在超时前没有应答，消息可能已发出：请到群里确认后再决定是否重发")
    if isinstance(exc, OSError | http.client.HTTPException):
        return _retry(f"群机器人连接出错：{exc}")
    raise exc


def post_json(url: str, payload: dict, channel: str, timeout: float) -> Result:
    """POST one payload and classify the outcome (for a transport that does not keep its own HTTP client)."""
    try:
        request = urllib.request.Request(
            url, data=encode_payload(payload), headers={"Content-Type": "application/json; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return classify_response(channel, response.status, response.read())
    except urllib.error.HTTPError as exc:
        return classify_response(channel, exc.code, _read_quietly(exc))
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return classify_exception(exc)


def _read_quietly(exc):
    try:
        return exc.read() or b""
    except OSError:
        return b""


def encode_payload(payload: dict) -> bytes:
    """The bytes we send: UTF-8 JSON without \\u escapes (a CJK character costs 3 bytes, not 6)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# 钉钉 加签 -------------------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """base64(HmacSHA256(secret, "{timestamp}\\n{secret}")), before URL encoding."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The webhook URL with &timestamp=..&sign=.. for this send (a signature expires after an hour)."""
    if not secret:
        return url
    timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


# Digests that fit -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RobotDigest:
    """What a robot message says: a title, counts such as [("已逾期", 3), ("7 天内到期", 5)], one line per
    item (most urgent first), and the page that lists them all."""

    title: str
    counts: list[tuple[str, int]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    link: str = ""


_MARKDOWN_LOOKALIKES = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "`": "｀", "#": "＃"})


def inline(text: str) -> str:
    """One line of plain text, safe inside markdown: no line breaks (a unit name once had one), and no
    characters that would open a link, tag or emphasis."""
    return " ".join(str(text).split()).translate(_MARKDOWN_LOOKALIKES)


def truncate_bytes(text: str, max_bytes: int, cost=None, ellipsis: str = "…") -> str:
    """The longest prefix of text whose cost (UTF-8 bytes by default) is within max_bytes, never cutting
    a character in half; "…" marks a cut."""
    cost = cost or _utf8_len
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


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _json_len(text: str) -> int:
    """Bytes of text once inside a JSON string (newlines and quotes are escaped)."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8")) - 2


def render_digest(digest: RobotDigest, max_bytes: int, markdown: bool = True, cost=None, max_lines=DEFAULT_MAX_LINES):
    """The message body: title, counts, as many item lines as fit (at most max_lines), and, when some
    are left out, "另有 N 项，详见链接" with the link. Always within max_bytes as measured by cost."""
    cost = cost or _utf8_len
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


def wecom_markdown(digest: RobotDigest, max_lines=DEFAULT_MAX_LINES) -> dict:
    content = render_digest(digest, WECOM_MARKDOWN_MAX_BYTES, max_lines=max_lines)
    return {"msgtype": "markdown", "markdown": {"content": content}}


def wecom_text(digest: RobotDigest, max_lines=DEFAULT_MAX_LINES) -> dict:
    content = render_digest(digest, WECOM_TEXT_MAX_BYTES, markdown=False, max_lines=max_lines)
    return {"msgtype": "text", "text": {"content": content}}


def dingtalk_markdown(digest: RobotDigest, max_lines=DEFAULT_MAX_LINES) -> dict:
    """title is the chat-list preview; text the body. The whole JSON body stays within 20000 bytes."""
    title = inline(digest.title)
    title = title if len(title) <= DINGTALK_TITLE_MAX_CHARS else title[: DINGTALK_TITLE_MAX_CHARS - 1] + "…"
    overhead = len(encode_payload({"msgtype": "markdown", "markdown": {"title": title, "text": ""}}))
    text = render_digest(digest, DINGTALK_BODY_MAX_BYTES - overhead, cost=_json_len, max_lines=max_lines)
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def robot_payload(channel: str, digest: RobotDigest, max_lines=DEFAULT_MAX_LINES) -> dict:
    if channel == WECOM:
        return wecom_markdown(digest, max_lines)
    if channel == DINGTALK:
        return dingtalk_markdown(digest, max_lines)
    raise ValueError(f"unknown robot channel {channel!r}")
