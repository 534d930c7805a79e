"""Small readers for the way the documents write lists and numbers."""

import re

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LEADING_NUMBER = re.compile(r"^\s*[（(]?\s*([0-9]+|[零一二两三四五六七八九十]+)\s*[)）]?\s*[、.．]?")


def chinese_numeral(text: str) -> int:
    """一 → 1, 十 → 10, 十三 → 13, 二十 → 20, 二十三 → 23."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def leading_number(label: str) -> int | None:
    """The number a heading starts with: "(一)…" → 1, "12.…" → 12, "二、…" → 2."""
    match = _LEADING_NUMBER.match(label)
    if not match:
        return None
    token = match[1]
    return int(token) if token.isdigit() else chinese_numeral(token)


def split_units(text: str) -> list[str]:
    """Split a "、"-joined unit list, keeping "各县（市、区）" whole."""
    parts, current, depth = [], "", 0
    for char in text:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        if char == "、" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part]
