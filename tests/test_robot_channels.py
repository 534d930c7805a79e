"""The robot channels (plans/notifications/channels: robot.py, wecom.py, dingtalk.py), each holding its
protocol, against the published API of 企业微信 and 钉钉, and against a loopback robot server
(tests/peers.py) that answers as they document.

Expected values come from the published rules, worked out here: byte limits are measured by the test,
signatures are computed with OpenSSL or with hmac/base64 as in DingTalk's published sample."""

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass

import pytest

from plans.notifications.channels.base import TransportError
from plans.notifications.channels.dingtalk import DingTalkTransport
from plans.notifications.channels.robot import (
    ROBOT_KEYWORD,
    RobotDigest,
    RobotTransport,
    encode_payload,
    truncate_bytes,
)
from plans.notifications.channels.wecom import WeComTransport

WECOM, DINGTALK = WeComTransport(), DingTalkTransport()
SENT, RETRY, FAILED, UNKNOWN = "sent", "retry", "failed", "unknown"


@dataclass
class Outcome:
    """What one send came to, read from what the channel returned or raised."""

    outcome: str
    errcode: int | None
    message: str

    @property
    def ok(self):
        return self.outcome == SENT

    @property
    def permanent(self):
        return self.outcome == FAILED

    @property
    def should_retry(self):
        return self.outcome == RETRY

    @property
    def maybe_sent(self):
        return self.outcome == UNKNOWN


def failure(error: TransportError) -> Outcome:
    kind = FAILED if error.permanent else UNKNOWN if error.maybe_sent else RETRY
    return Outcome(kind, error.errcode, error.message)


def outcome_of(call) -> Outcome:
    try:
        call()
    except TransportError as error:
        return failure(error)
    return Outcome(SENT, 0, "已发送")


# From OpenSSL, independent of Python:
#   printf '%s\n%s' 1700000000000 'SECtestsecret0123456789abcdef' \
#     | openssl dgst -sha256 -hmac 'SECtestsecret0123456789abcdef' -binary | base64
VECTOR_SECRET = "SECtestsecret0123456789abcdef"
VECTOR_TIMESTAMP = 1700000000000
VECTOR_SIGN = "oWnZboeOYjlS1NUgJCZh8t1VJ8C+IwsRPuEItFP4A0s="
LISTED = re.compile(r"^\d+\. ", re.MULTILINE)


def make_digest(count, line_chars=30, title="区人力资源和社会保障局：节点计划到期提醒"):
    # Each line: 3 digits, a space and line_chars CJK characters = 4 + 3 * line_chars bytes.
    lines = [f"{i:03d} " + "节" * line_chars for i in range(1, count + 1)]
    return RobotDigest(
        title=title,
        counts=[("已逾期", count // 2), ("30 天内到期", count - count // 2)],
        lines=lines,
        link="https://talentplan.example.cn/tasks/?unit=12&due_within=30",
    )


def utf8(text):
    return len(text.encode("utf-8"))


# 加签 ----------------------------------------------------------------------------------------------------


def test_dingtalk_sign_matches_openssl():
    assert DingTalkTransport.sign(VECTOR_SECRET, VECTOR_TIMESTAMP) == VECTOR_SIGN


def test_signed_url_carries_timestamp_and_url_encoded_sign():
    base = "https://oapi.dingtalk.com/robot/send?access_token=T"
    url = DINGTALK.signed_url(base, VECTOR_SECRET, VECTOR_TIMESTAMP)
    # "+" -> %2B and "=" -> %3D: unencoded, "+" would arrive as a space and the sign would not match.
    assert url == (
        "https://oapi.dingtalk.com/robot/send?access_token=T"
        "&timestamp=1700000000000&sign=oWnZboeOYjlS1NUgJCZh8t1VJ8C%2BIwsRPuEItFP4A0s%3D"
    )


def test_signed_url_follows_the_published_python_sample_for_any_secret():
    secret, timestamp = "SEC" + "f0e1d2c3b4a59687" * 4, 1735689600123
    # The published sample: hmac(secret, "{timestamp}\n{secret}", sha256) -> b64encode -> quote_plus.
    code = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256)
    expected = urllib.parse.quote_plus(base64.b64encode(code.digest()))
    url = DINGTALK.signed_url("https://oapi.dingtalk.com/robot/send?access_token=T", secret, timestamp)
    assert url.endswith(f"&timestamp={timestamp}&sign={expected}")


def test_no_secret_leaves_the_url_alone_and_a_url_without_query_gets_a_question_mark():
    assert DINGTALK.signed_url("https://x.cn/robot/send?access_token=T", "") == "https://x.cn/robot/send?access_token=T"
    assert DINGTALK.signed_url("https://x.cn/send", "s", 5).startswith("https://x.cn/send?timestamp=5&sign=")


def test_each_send_gets_a_fresh_timestamp():
    before = int(time.time() * 1000)
    url = DINGTALK.signed_url("https://x.cn/send?access_token=T", VECTOR_SECRET)
    timestamp = int(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["timestamp"][0])
    assert before <= timestamp <= int(time.time() * 1000)


# What an answer means ---------------------------------------------------------------------------------


def body(errcode, errmsg="x"):
    return json.dumps({"errcode": errcode, "errmsg": errmsg}).encode()


@pytest.mark.parametrize(
    "channel, status, answer, outcome, errcode",
    [
        (WECOM, 200, body(0, "ok"), SENT, 0),
        (WECOM, 200, body(40058, "markdown.content exceed max length 4096."), FAILED, 40058),
        (WECOM, 200, body(45009, "api freq out of limit"), RETRY, 45009),
        (WECOM, 200, body(93000, "invalid webhook url"), FAILED, 93000),
        (WECOM, 200, body(40008, "invalid message type"), FAILED, 40008),
        (WECOM, 200, body(-1, "system busy"), RETRY, -1),
        (WECOM, 200, body(99999, "something new"), FAILED, 99999),  # unknown codes wait for a person
        (DINGTALK, 200, body(0, "ok"), SENT, 0),
        (DINGTALK, 200, body(130101, "send too fast, exceed 20 times per minute"), RETRY, 130101),
        (DINGTALK, 200, body(410100, "发送速度太快而限流"), RETRY, 410100),
        (DINGTALK, 200, body(310000, "sign not match"), FAILED, 310000),
        (DINGTALK, 200, body(300001, "token is not exist"), FAILED, 300001),
        (DINGTALK, 200, body(400102, "机器人已停用"), FAILED, 400102),
        (DINGTALK, 200, body(460101, "message too long, exceed 20000 bytes"), FAILED, 460101),
        (DINGTALK, 200, json.dumps({"errcode": "0", "errmsg": "ok"}).encode(), SENT, 0),
        (WECOM, 500, b"<html>", RETRY, None),
        (WECOM, 503, b"", RETRY, None),
        (DINGTALK, 429, b"", RETRY, None),
        (DINGTALK, 404, b"not found", FAILED, None),
        (WECOM, 403, b"", FAILED, None),
        (WECOM, 200, b"<html>gateway login</html>", UNKNOWN, None),  # a proxy page: may or may not be posted
        (DINGTALK, 200, b"\xff\xfe", UNKNOWN, None),
        (DINGTALK, 200, b"{}", UNKNOWN, None),
        (WECOM, 200, b'{"errcode": "abc"}', UNKNOWN, None),
    ],
)
def test_reading_an_answer(channel, status, answer, outcome, errcode):
    result = outcome_of(lambda: channel.read_answer(status, answer))
    assert (result.outcome, result.errcode) == (outcome, errcode)
    assert result.ok == (outcome == SENT)
    assert result.permanent == (outcome == FAILED)
    assert result.should_retry == (outcome == RETRY)
    assert result.message


@pytest.mark.parametrize(
    "errmsg, hint",
    [
        ("keywords not in content", "关键词"),
        ("sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]", "加签密钥"),
        ("invalid timestamp", "时钟"),
        ("ip 1.2.3.4 not in whitelist", "白名单"),
    ],
)
def test_dingtalk_security_failures_say_what_to_fix(errmsg, hint):
    result = outcome_of(lambda: DINGTALK.read_answer(200, body(310000, errmsg)))
    assert result.permanent and hint in result.message and "310000" in result.message


@pytest.mark.parametrize(
    "exc, outcome",
    [
        (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), RETRY),  # never reached it
        (urllib.error.URLError(TimeoutError("timed out")), RETRY),  # timed out while connecting
        (TimeoutError("The read operation timed out"), UNKNOWN),  # sent, no answer in time
        (ConnectionResetError(104, "reset"), UNKNOWN),
        (ValueError("URL can't contain control characters"), FAILED),
        (UnicodeEncodeError("ascii", "路径", 0, 1, "ordinal not in range"), FAILED),
    ],
)
def test_reading_an_exception(exc, outcome):
    assert failure(RobotTransport.read_exception(exc)).outcome == outcome


# Messages that fit ------------------------------------------------------------------------------------


def test_payload_shapes_follow_each_robot():
    digest = make_digest(3)
    wecom = WECOM.payload(digest)
    dingtalk = DINGTALK.payload(digest)
    assert wecom["msgtype"] == "markdown" and set(wecom["markdown"]) == {"content"}
    assert dingtalk["msgtype"] == "markdown" and set(dingtalk["markdown"]) == {"title", "text"}
    assert dingtalk["markdown"]["title"] == "区人力资源和社会保障局：节点计划到期提醒"


def test_a_short_digest_lists_everything_with_counts_and_link():
    content = WECOM.payload(make_digest(3))["markdown"]["content"]
    assert len(LISTED.findall(content)) == 3
    assert "已逾期 1 项；30 天内到期 2 项" in content  # 3 // 2 = 1 overdue, 2 due
    assert "另有" not in content
    assert "](https://talentplan.example.cn/tasks/?unit=12&due_within=30)" in content
    assert ROBOT_KEYWORD in content


def test_default_summary_lists_twenty_and_states_the_rest():
    content = WECOM.payload(make_digest(200))["markdown"]["content"]
    assert len(LISTED.findall(content)) == 20
    assert "另有 180 项，详见链接" in content  # 200 - 20
    assert "查看全部 200 项" in content


def test_two_hundred_items_fill_wecom_4096_bytes_and_no_more():
    content = WECOM.payload(make_digest(200), max_lines=None)["markdown"]["content"]
    shown = len(LISTED.findall(content))
    assert utf8(content) <= 4096
    assert f"另有 {200 - shown} 项，详见链接" in content
    # Maximal: the next line ("NN. " + 4 + 90 bytes + newline) would not have fitted.
    next_line = f"{shown + 1}. {shown + 1:03d} " + "节" * 30 + "\n"
    assert 4096 - utf8(content) < utf8(next_line)
    assert 30 <= shown < 45  # each line is about 100 bytes


def test_wecom_text_stays_within_2048_bytes():
    content = WECOM.text_payload(make_digest(200), max_lines=None)["text"]["content"]
    assert utf8(content) <= 2048
    assert "**" not in content and "](" not in content  # plain text, no markdown
    assert "全部 200 项：https://talentplan.example.cn/" in content


def test_dingtalk_body_stays_within_20000_bytes():
    payload = DINGTALK.payload(make_digest(1000, line_chars=60), max_lines=None)
    shown = len(LISTED.findall(payload["markdown"]["text"]))
    assert len(encode_payload(payload)) <= 20000
    assert f"另有 {1000 - shown} 项" in payload["markdown"]["text"]


def test_huge_title_and_lines_still_fit():
    digest = make_digest(5, line_chars=2000, title="很长的单位名称" * 1000)
    content = WECOM.payload(digest)["markdown"]["content"]
    assert utf8(content) <= 4096
    payload = DINGTALK.payload(digest)
    assert len(payload["markdown"]["title"]) <= DingTalkTransport.TITLE_MAX_CHARS
    assert len(encode_payload(payload)) <= 20000


def test_line_breaks_and_markdown_in_names_cannot_break_the_message():
    digest = RobotDigest(
        title="礼乐街道\n（新）",
        lines=['[点我](http://evil.example) <font color="warning">**加急**</font>\r\n第二行'],
        link="https://talentplan.example.cn/tasks/",
    )
    content = WECOM.payload(digest)["markdown"]["content"]
    first_line = content.splitlines()[0]
    assert first_line == "**【督办提醒】礼乐街道 （新）**"
    assert "](http://evil.example)" not in content and "<font" not in content
    assert '1. ［点我］(http://evil.example) ＜font color="warning"＞＊＊加急＊＊＜/font＞ 第二行' in content


def test_truncate_bytes_never_splits_a_character():
    # Each character is 3 bytes, and so is "…": 7 bytes hold one character and the mark, 9 hold two.
    assert truncate_bytes("督办提醒", 7) == "督…"
    assert truncate_bytes("督办提醒", 9) == "督办…"
    assert truncate_bytes("督办提醒", 12) == "督办提醒"
    assert truncate_bytes("督办提醒", 2) == ""


# Against the loopback robot server ----------------------------------------------------------------------


def send(url, payload, channel, timeout=5.0):
    return outcome_of(lambda: channel.post(url, payload, timeout))


def test_wecom_accepts_a_digest_of_200_items(robot_server):
    payload = WECOM.payload(make_digest(200), max_lines=None)
    result = send(robot_server.wecom_url, payload, WECOM)
    assert result.outcome == SENT
    assert robot_server.state.accepted_on("wecom") == [payload]


def test_wecom_boundary_4096_is_accepted_4097_is_40058_and_permanent(robot_server):
    exactly = "督" * 1365 + "a"  # 1365 * 3 + 1 = 4096 bytes
    over = exactly + "b"
    assert send(robot_server.wecom_url, {"msgtype": "markdown", "markdown": {"content": exactly}}, WECOM).ok
    result = send(robot_server.wecom_url, {"msgtype": "markdown", "markdown": {"content": over}}, WECOM)
    assert (result.errcode, result.outcome, result.permanent) == (40058, FAILED, True)
    assert len(robot_server.state.accepted) == 1


def test_the_old_digest_is_refused_for_length(robot_server):
    # What production sent: a 11-17 KB digest in one markdown message.
    old = {"msgtype": "markdown", "markdown": {"content": "\n".join(make_digest(150).lines)}}
    result = send(robot_server.wecom_url, old, WECOM)
    assert result.errcode == 40058 and result.permanent


def test_wecom_wrong_key_is_permanent(robot_server):
    url = robot_server.wecom_url.replace("key=", "key=x")
    result = send(url, WECOM.payload(make_digest(2)), WECOM)
    assert (result.errcode, result.outcome) == (93000, FAILED)


def test_dingtalk_accepts_a_signed_markdown_digest_with_its_keyword(robot_server):
    robot_server.state.dingtalk_secret = VECTOR_SECRET
    robot_server.state.keyword = ROBOT_KEYWORD
    payload = DINGTALK.payload(make_digest(200), max_lines=None)
    result = send(DINGTALK.signed_url(robot_server.dingtalk_url, VECTOR_SECRET), payload, DINGTALK)
    assert result.outcome == SENT
    assert robot_server.state.accepted_on("dingtalk") == [payload]


def test_dingtalk_wrong_secret_is_310000_and_permanent(robot_server):
    robot_server.state.dingtalk_secret = VECTOR_SECRET
    url = DINGTALK.signed_url(robot_server.dingtalk_url, "SECsomebodyelse0000000000000")
    result = send(url, DINGTALK.payload(make_digest(2)), DINGTALK)
    assert (result.errcode, result.outcome) == (310000, FAILED)
    assert "加签密钥" in result.message
    assert robot_server.state.accepted == []


def test_dingtalk_signature_older_than_an_hour_is_refused(robot_server):
    robot_server.state.dingtalk_secret = VECTOR_SECRET
    stale = int(time.time() * 1000) - 3601 * 1000
    url = DINGTALK.signed_url(robot_server.dingtalk_url, VECTOR_SECRET, stale)
    result = send(url, DINGTALK.payload(make_digest(2)), DINGTALK)
    assert (result.errcode, result.outcome) == (310000, FAILED) and "时钟" in result.message


def test_dingtalk_sign_must_be_url_encoded(robot_server):
    robot_server.state.dingtalk_secret = VECTOR_SECRET
    robot_server.state.wall_ms = lambda: VECTOR_TIMESTAMP  # the robot's clock at the vector's time
    raw = f"{robot_server.dingtalk_url}&timestamp={VECTOR_TIMESTAMP}&sign={VECTOR_SIGN}"  # "+" not encoded
    assert send(raw, DINGTALK.payload(make_digest(2)), DINGTALK).errcode == 310000
    encoded = DINGTALK.signed_url(robot_server.dingtalk_url, VECTOR_SECRET, VECTOR_TIMESTAMP)
    assert send(encoded, DINGTALK.payload(make_digest(2)), DINGTALK).ok


def test_dingtalk_keyword_missing_is_permanent(robot_server):
    robot_server.state.keyword = "监控报警"
    result = send(robot_server.dingtalk_url, DINGTALK.payload(make_digest(2)), DINGTALK)
    assert (result.errcode, result.outcome) == (310000, FAILED) and "关键词" in result.message


def test_dingtalk_refuses_the_old_payload_shape(robot_server):
    # The old WebhookTransport sent markdown.content; DingTalk needs markdown.text.
    old = {"msgtype": "markdown", "markdown": {"title": "提醒", "content": "**提醒**"}}
    result = send(robot_server.dingtalk_url, old, DINGTALK)
    assert result.outcome == FAILED and result.errcode == 40035


def test_wecom_rate_limit_is_temporary_and_lifts_after_a_minute(robot_server):
    now = [1000.0]
    robot_server.state.clock = lambda: now[0]
    payload = WECOM.payload(make_digest(1))
    results = [send(robot_server.wecom_url, payload, WECOM) for _ in range(21)]
    assert [r.outcome for r in results] == [SENT] * 20 + [RETRY]
    assert results[-1].errcode == 45009 and results[-1].should_retry
    now[0] += 61
    assert send(robot_server.wecom_url, payload, WECOM).ok
    assert len(robot_server.state.accepted) == 21  # 22 sent, 21 accepted, none twice


def test_dingtalk_rate_limit_throttles_for_ten_minutes(robot_server):
    now = [1000.0]
    robot_server.state.clock = lambda: now[0]
    payload = DINGTALK.payload(make_digest(1))
    outcomes = [send(robot_server.dingtalk_url, payload, DINGTALK).outcome for _ in range(21)]
    assert outcomes == [SENT] * 20 + [RETRY]
    now[0] += 61
    late = send(robot_server.dingtalk_url, payload, DINGTALK)
    assert (late.errcode, late.outcome) == (130101, RETRY)
    now[0] += 600
    assert send(robot_server.dingtalk_url, payload, DINGTALK).ok


def test_http_500_is_temporary_and_nothing_is_posted(robot_server):
    robot_server.state.mode = "error500"
    result = send(robot_server.wecom_url, WECOM.payload(make_digest(2)), WECOM)
    assert result.outcome == RETRY and robot_server.state.accepted == []


def test_slow_robot_is_sent_unknown_not_retried(robot_server):
    robot_server.state.mode = "slow"
    robot_server.state.slow_seconds = 3.0
    started = time.monotonic()
    result = send(robot_server.wecom_url, WECOM.payload(make_digest(2)), WECOM, timeout=0.5)
    assert time.monotonic() - started < 2.5  # gave up at the timeout, did not wait for the answer
    assert result.outcome == UNKNOWN and result.maybe_sent
    assert not result.should_retry and not result.permanent
    # The robot did post it: retrying would have posted it twice.
    assert len(robot_server.state.accepted) == 1


def test_robot_down_is_temporary(robot_server):
    url = robot_server.wecom_url
    robot_server.stop()
    result = send(url, WECOM.payload(make_digest(2)), WECOM, timeout=2)
    assert result.outcome == RETRY


def test_a_chinese_path_that_was_not_normalized_fails_permanently_without_raising(robot_server):
    result = send(robot_server.base + "/机器人/发送?key=1", WECOM.payload(make_digest(1)), WECOM)
    assert result.outcome == FAILED and robot_server.state.requests == 0
