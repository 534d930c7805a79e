"""企业微信 (WeCom) group robot: POST {"msgtype": "markdown", "markdown": {"content": ...}} to
https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY (the key is the credential).

Published facts (the official page is developer.work.weixin.qq.com/document/path/91770; the sources are
third-party copies of it, found with the project's search tool):
  - markdown.content at most 4096 bytes, UTF-8; text.content at most 2048 bytes (cnblogs.com/saplh
    2021-10-08; github.com/walkthunder/action-wecom-webhook README).
  - Too long: HTTP 200 with {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096..."}
    (RayWangQvQ/BiliBiliToolPro#702, dromara/domain-admin#82).
  - At most 20 messages a minute per robot (skills.sh wecom-bot, citing document/path/99398); over it:
    45009 "api freq out of limit" (WecomTeam/wecom-openclaw-plugin#48).
  - Wrong key: 93000 "invalid webhook url" (wes-lin/Cloud189Checkin#175); wrong msgtype: 40008
    "invalid message type" (ttttmr/Wechat2RSS#278).
"""

from plans.models import Channel
from plans.notifications.channels.robot import DEFAULT_MAX_LINES, RobotDigest, RobotTransport, render_digest


class WeComTransport(RobotTransport):
    channel = Channel.WECOM
    label = "企业微信"
    host = "qyapi.weixin.qq.com"
    secret_query_keys = ("key",)
    MARKDOWN_MAX_BYTES = 4096  # of markdown.content
    TEXT_MAX_BYTES = 2048  # of text.content
    rate_limit_codes = frozenset({45009})
    rate_limit_seconds = 60  # the limit is per minute
    errors = {
        -1: (True, "企业微信系统繁忙"),
        45009: (True, "企业微信群机器人发送过于频繁（每分钟最多 20 条）"),
        40058: (False, "消息超过企业微信长度上限（markdown 4096 字节，文本 2048 字节）"),
        93000: (False, "企业微信群机器人地址无效：请检查 webhook 地址中的 key"),
        40008: (False, "企业微信不支持该消息类型"),
    }

    def payload(self, digest: RobotDigest, max_lines=DEFAULT_MAX_LINES) -> dict:
        content = render_digest(digest, self.MARKDOWN_MAX_BYTES, max_lines=max_lines)
        return {"msgtype": "markdown", "markdown": {"content": content}}

    def text_payload(self, digest: RobotDigest, max_lines=DEFAULT_MAX_LINES) -> dict:
        """The plain-text form (no markdown), for a client that does not render it."""
        content = render_digest(digest, self.TEXT_MAX_BYTES, markdown=False, max_lines=max_lines)
        return {"msgtype": "text", "text": {"content": content}}
