"""Recipient settings are checked when saved (talentplan.lib.recipients): the typos that once stalled the
outbox (a full-width "；" between addresses, a line break, a Chinese path in a webhook URL) are either
made sendable or refused with a Chinese message."""

import urllib.request

import pytest

from plans.notifications.channels import masked_url, robot_for_url
from plans.notifications.channels.webhook import WebhookTransport
from talentplan.lib.recipients import detect_channel, mask_secret, normalize_webhook_url, split_addresses


@pytest.mark.parametrize(
    "text, addresses",
    [
        ("a@x.cn；b@y.cn", ["a@x.cn", "b@y.cn"]),  # the full-width semicolon from the probe
        ("a@x.cn;b@y.cn,c@z.cn，d@w.cn、e@v.cn", ["a@x.cn", "b@y.cn", "c@z.cn", "d@w.cn", "e@v.cn"]),
        ("a@x.cn\nb@y.cn\r\n\r\nc@z.cn\t d@w.cn\u3000e@v.cn", ["a@x.cn", "b@y.cn", "c@z.cn", "d@w.cn", "e@v.cn"]),
        ('张三 <zhang@x.cn>, "Li Si" <li@y.cn>', ["zhang@x.cn", "li@y.cn"]),
        ("wang＠x.cn", ["wang@x.cn"]),  # full-width ＠ typed with a Chinese input method
        ("Wang@X.CN wang@x.cn", ["Wang@x.cn"]),  # duplicate ignoring case; domain lower-cased
        ("  \n ；，", []),
    ],
)
def test_split_addresses_on_any_separator(text, addresses):
    assert split_addresses(text) == (addresses, [])


def test_split_addresses_reports_each_bad_address_in_chinese():
    addresses, errors = split_addresses("good@x.cn；bad@；no-at-sign；x@y。cn")
    assert addresses == ["good@x.cn"]
    assert errors == [
        "第 2 个邮箱地址“bad@”格式不正确",
        "第 3 个邮箱地址“no-at-sign”格式不正确",
        "第 4 个邮箱地址“x@y。cn”格式不正确",  # an ideographic full stop is not guessed into a dot
    ]


def test_split_addresses_handles_nothing():
    assert split_addresses("") == ([], [])
    assert split_addresses(None) == ([], [])


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
        ),
        (
            "  https://oapi.dingtalk.com/robot/send?access_token=abc\n",
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
        ),
        (
            "HTTPS://OAPI.DingTalk.com/robot/send?access_token=abc",
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
        ),
        # IDNA by hand: 中国 -> xn--fiqs8s (the .中国 TLD); 路径 = e8 b7 af e5 be 84 in UTF-8.
        ("https://机器人.中国/路径?k=值", "https://xn--gmqz0qc7o.xn--fiqs8s/%E8%B7%AF%E5%BE%84?k=%E5%80%BC"),
        ("http://10.1.2.3:8080/hook/%E4%B8%AD?a=1&b=2", "http://10.1.2.3:8080/hook/%E4%B8%AD?a=1&b=2"),  # kept
        ("http://[::1]:9000/send", "http://[::1]:9000/send"),
    ],
)
def test_normalize_webhook_url_makes_it_sendable(url, expected):
    assert normalize_webhook_url(url) == (expected, "")
    urllib.request.Request(expected)  # urllib accepts it as it is


NO_SPACES = "群机器人地址中不能有空格或换行，请重新复制完整地址"


@pytest.mark.parametrize(
    "url, error",
    [
        ("", "请填写群机器人地址"),
        ("https://oapi.dingtalk.com/robot/send?access_token=ab\ncd", NO_SPACES),
        ("https://oapi.dingtalk.com/robot/send?access_token=ab cd", NO_SPACES),
        ("https://oapi.dingtalk.com/robot/send?access_token=ab\u3000cd", NO_SPACES),
        ("ftp://oapi.dingtalk.com/robot", "群机器人地址必须以 https:// 或 http:// 开头"),
        ("javascript:alert(1)", "群机器人地址必须以 https:// 或 http:// 开头"),
        ("oapi.dingtalk.com/robot/send", "群机器人地址必须以 https:// 或 http:// 开头"),
        ("https:///robot/send", "群机器人地址缺少主机名"),
        ("https://admin:pw@oapi.dingtalk.com/robot/send", "群机器人地址中不能包含用户名或密码"),
        ("https://oapi.dingtalk.com:99999/robot/send", "群机器人地址格式不正确（端口或主机名有误）"),
        ("https://a..b.cn/send", "群机器人地址的主机名不正确"),
    ],
)
def test_normalize_webhook_url_refuses_bad_urls_in_chinese(url, error):
    assert normalize_webhook_url(url) == ("", error)


def test_normalize_webhook_url_refuses_what_the_column_cannot_hold():
    # 60 Chinese characters become 60 * 9 = 540 characters once percent-encoded.
    normalized, error = normalize_webhook_url("https://x.cn/" + "路" * 60)
    assert normalized == "" and error == "群机器人地址过长（编码后 553 个字符，最多 200 个）"  # 13 + 540
    assert normalize_webhook_url("https://x.cn/" + "路" * 60, max_length=600)[0].endswith("%E8%B7%AF")


def test_mask_secret():
    assert mask_secret("SEC1a2b3c4d5e6f7g8h9i0jabcd") == "SEC1****abcd"
    assert mask_secret("SEC12345") == "****"  # too short to show any of it
    assert mask_secret("") == ""
    assert mask_secret(None) == ""


def test_each_robot_masks_its_own_key_or_token():
    wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
    assert masked_url("wecom", wecom) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****5aaa"
    dingtalk = "https://oapi.dingtalk.com/robot/send?access_token=0c23aaaaaaaaaaaaaaaa9f2e&x=1"
    assert masked_url("dingtalk", dingtalk) == "https://oapi.dingtalk.com/robot/send?access_token=0c23****9f2e&x=1"
    # A proxy of either kind: both credentials are masked.
    proxied = (
        "http://10.0.0.5/proxy/send?access_token=0c23aaaaaaaaaaaaaaaa9f2e&key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
    )
    assert (
        WebhookTransport().masked_url(proxied)
        == "http://10.0.0.5/proxy/send?access_token=0c23****9f2e&key=693a****5aaa"
    )


def test_the_robot_is_named_by_its_host():
    assert robot_for_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k") == "wecom"
    assert robot_for_url("https://oapi.dingtalk.com/robot/send?access_token=t") == "dingtalk"
    assert robot_for_url("http://10.0.0.5/proxy/send") == ""


def test_migration_0006_reads_stored_urls_as_the_channels_do():
    """0006 filled robot_channel from the stored URLs with talentplan.lib.recipients.detect_channel, which
    it imports (a migration never changes): it must keep agreeing with the channels' own hosts."""
    for url in ("https://qyapi.weixin.qq.com/x?key=k", "https://oapi.dingtalk.com/x?access_token=t", "http://x/"):
        assert detect_channel(url) == robot_for_url(url)
