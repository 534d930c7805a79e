"""Read a target as a document prints it ("100 以上", "超200", "不少于600", "3—5", "10左右", "突破10万").

"以上" and "不少于" mean at least; "超" and "突破" mean more than; a plain number means exactly.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from .choices import Comparator

_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十])(万)?"


class TargetError(ValueError):
    def __init__(self, text: str, source: str = ""):
        where = f"（{source}）" if source else ""
        super().__init__(f"无法识别的目标值“{text}”{where}")


@dataclass(frozen=True)
class Target:
    text: str
    comparator: Comparator
    value: Decimal
    upper: Decimal | None = None  # only for a range ("3—5")

    def is_met(self, actual: Decimal) -> bool:
        if self.comparator == Comparator.MORE_THAN:
            return actual > self.value
        if self.comparator == Comparator.EXACT:
            return actual == self.value
        return actual >= self.value  # at least, range lower bound, about

    def __str__(self):
        return self.text


def _number(digits: str, wan: str | None) -> Decimal:
    value = Decimal(_CHINESE_DIGITS[digits]) if digits in _CHINESE_DIGITS else Decimal(digits)
    return value * 10000 if wan else value


def parse_number(text: str | None) -> Decimal | None:
    """A plain printed figure ("65", "1万"); blank stays None, never 0."""
    if text is None or str(text).strip() == "":
        return None
    match = re.fullmatch(_NUMBER, str(text).strip())
    if not match:
        raise TargetError(str(text))
    return _number(match[1], match[2])


def parse_target(text: str | None, source: str = "") -> Target | None:
    if text is None or str(text).strip() == "":
        return None
    compact = re.sub(r"\s+", "", str(text)).rstrip("%").replace("～", "—").replace("-", "—").replace("–", "—")
    patterns = [
        (rf"^{_NUMBER}以上$", Comparator.AT_LEAST),
        (rf"^(?:不少于|不低于|至少|达){_NUMBER}$", Comparator.AT_LEAST),
        (rf"^(?:超|超过|突破){_NUMBER}$", Comparator.MORE_THAN),
        (rf"^{_NUMBER}左右$", Comparator.ABOUT),
        (rf"^{_NUMBER}次?$", Comparator.EXACT),
    ]
    for pattern, comparator in patterns:
        if match := re.match(pattern, compact):
            return Target(str(text), comparator, _number(match[1], match[2]))
    if match := re.match(rf"^{_NUMBER}—{_NUMBER}$", compact):
        return Target(str(text), Comparator.RANGE, _number(match[1], match[2]), _number(match[3], match[4]))
    raise TargetError(str(text), source)
