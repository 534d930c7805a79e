"""Checking recipient settings when they are saved, so that a typo never reaches the outbox: e-mail lists
split on any separator people type, webhook URLs made sendable (IDN host, percent-encoded path), and
secrets masked wherever they are shown. Pure functions; forms turn the Chinese errors into field errors.
What a robot's URL means (its host, its credential parts) is its channel's (plans/notifications/channels/)."""

import re
import unicodedata
import urllib.parse

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

WEBHOOK_URL_MAX_LENGTH = 200  # ReminderSettings.webhook_url is a URLField(max_length=200)
# Characters a URL may carry as they are; everything else (CJK, spaces...) is percent-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
# ASCII and full-width comma and semicolon, 、, and any whitespace (full-width space included).
_ADDRESS_SEPARATORS = re.compile(r"[,，;；、\s]+")
# "张三 <zhang@example.cn>" and "\"Zhang San\" <zhang@example.cn>": keep the address only.
_DISPLAY_NAME = re.compile(r'(?:"[^"<>]*"|[^\s,，;；、<>"]+)?\s*<([^<>\s]+)>')
_validate_email = EmailValidator()


def mask_secret(secret: str) -> str:
    """For display: the first and last four characters of a long secret, e.g. "SEC1****abcd"."""
    secret = secret or ""
    if not secret:
        return ""
    if len(secret) < 12:
        return "****"
    return f"{secret[:4]}****{secret[-4:]}"


def detect_channel(url: str) -> str:
    """ "wecom", "dingtalk" or "" from a webhook's host, as migration 0006 read the stored URLs (it imports
    this, and a migration never changes). The portal asks plans.notifications.channels.robot_for_url."""
    host = (urllib.parse.urlsplit(url or "").hostname or "").lower()
    return {"qyapi.weixin.qq.com": "wecom", "oapi.dingtalk.com": "dingtalk"}.get(host, "")


def normalize_webhook_url(url: str, max_length: int = WEBHOOK_URL_MAX_LENGTH) -> tuple[str, str]:
    """(sendable URL, "") or ("", 中文错误). Trims the ends; refuses whitespace or line breaks inside, other
    schemes than http(s), a missing host, user names, bad ports; IDN-encodes a Chinese host name and
    percent-encodes a Chinese path or query, so urllib can send it."""
    url = (url or "").strip()
    if not url:
        return "", "请填写群机器人地址"
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        return "", "群机器人地址中不能有空格或换行，请重新复制完整地址"
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return "", "群机器人地址格式不正确（端口或主机名有误）"
    if parts.scheme.lower() not in ("http", "https"):
        return "", "群机器人地址必须以 https:// 或 http:// 开头"
    host = parts.hostname or ""
    if not host:
        return "", "群机器人地址缺少主机名"
    if parts.username is not None or parts.password is not None:
        return "", "群机器人地址中不能包含用户名或密码"
    if ":" in host:  # IPv6 literal
        netloc_host = f"[{host}]"
    else:
        try:
            netloc_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return "", "群机器人地址的主机名不正确"
    netloc = netloc_host if port is None else f"{netloc_host}:{port}"
    path = urllib.parse.quote(parts.path, safe=_PATH_SAFE)
    query = urllib.parse.quote(parts.query, safe=_QUERY_SAFE)
    fragment = urllib.parse.quote(parts.fragment, safe=_QUERY_SAFE)
    normalized = urllib.parse.urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))
    if len(normalized) > max_length:
        return "", f"群机器人地址过长（编码后 {len(normalized)} 个字符，最多 {max_length} 个）"
    return normalized, ""


def split_addresses(text: str) -> tuple[list[str], list[str]]:
    """(addresses, 中文错误) from a list typed or pasted in any way: separated by commas, semicolons
    (full-width too), 、, spaces or line breaks, with or without display names. Full-width letters and
    ＠ are folded to ASCII (NFKC). Duplicates are dropped, ignoring case."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _DISPLAY_NAME.sub(lambda match: f" {match.group(1)} ", text)
    addresses, errors, seen = [], [], set()
    for position, token in enumerate((t for t in _ADDRESS_SEPARATORS.split(text) if t), 1):
        try:
            _validate_email(token)
        except ValidationError:
            errors.append(f"第 {position} 个邮箱地址“{token[:60]}”格式不正确")
            continue
        local, _, domain = token.rpartition("@")
        address = f"{local}@{domain.lower()}"
        if address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses, errors
