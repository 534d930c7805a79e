"""钉钉 (DingTalk) custom robot: POST {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}} to
https://oapi.dingtalk.com/robot/send?access_token=TOKEN; with 加签 the URL is signed at send time with
the unit's current secret, because a signature expires after an hour.

Published facts (the official page is open.dingtalk.com/document/robots/custom-robot-access; the sources
are third-party copies of it, found with the project's search tool):
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
"""

import base64
import hashlib
import hmac
import time
import urllib.parse

from plans.models import Channel
from plans.notifications.channels.robot import (
    DEFAULT_MAX_LINES,
    ROBOT_KEYWORD,
    RobotDigest,
    RobotTransport,
    encode_payload,
    inline,
    json_len,
    render_digest,
)


class DingTalkTransport(RobotTransport):
    channel = Channel.DINGTALK
    label = "钉钉"
    host = "oapi.dingtalk.com"
    signed = True
    secret_query_keys = ("access_token",)
    BODY_MAX_BYTES = 20000  # of the whole JSON body
    TITLE_MAX_CHARS = 64  # our choice: the title is the one-line preview in the chat list
    SIGN_VALID_MS = 60 * 60 * 1000
    rate_limit_codes = frozenset({130101, 410100})
    rate_limit_seconds = 600  # over 20 a minute, 钉钉 throttles the robot for 10 minutes
    errors = {
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
    SECURITY_DETAIL = [  # errmsg fragment of a 310000 -> what to fix
        ("keywords not in content", "消息不含机器人安全设置中的自定义关键词（建议设置关键词“" + ROBOT_KEYWORD + "”）"),
        ("sign not match", "加签签名不匹配：请核对加签密钥"),
        ("invalid timestamp", "加签时间戳无效：请检查服务器时钟（误差不能超过 1 小时）"),
        ("whitelist", "服务器 IP 不在机器人的 IP 白名单中"),
    ]

    def payload(self, digest: RobotDigest, max_lines=DEFAULT_MAX_LINES) -> dict:
        """title is the chat-list preview; text the body. The whole JSON body stays within 20000 bytes."""
        title = inline(digest.title)
        title = title if len(title) <= self.TITLE_MAX_CHARS else title[: self.TITLE_MAX_CHARS - 1] + "…"
        overhead = len(encode_payload({"msgtype": "markdown", "markdown": {"title": title, "text": ""}}))
        text = render_digest(digest, self.BODY_MAX_BYTES - overhead, cost=json_len, max_lines=max_lines)
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}

    @staticmethod
    def sign(secret: str, timestamp_ms: int) -> str:
        """base64(HmacSHA256(secret, "{timestamp}\\n{secret}")), before URL encoding."""
        digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")

    def sign_request(self, url: str, payload: dict, secret: str) -> tuple[str, dict]:
        return self.signed_url(url, secret), payload

    def signed_url(self, url: str, secret: str, timestamp_ms: int | None = None) -> str:
        """The webhook URL with &timestamp=..&sign=.. for this send; without a secret, the URL as it is."""
        if not secret:
            return url
        timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
        sign = urllib.parse.quote_plus(self.sign(secret, timestamp_ms))
        return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"

    def explain(self, errcode: int, errmsg: str, message: str) -> str:
        if errcode != 310000:
            return message
        lowered = errmsg.lower()
        return next((f"{message}：{fix}" for key, fix in self.SECURITY_DETAIL if key in lowered), message)
