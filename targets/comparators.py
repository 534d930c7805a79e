"""Read a target as a document prints it ("100 以上", "超200", "不少于600", "3—5", "10左右", "突破10万").

The wording decides the comparator (issue 10): a plain figure, 达X, X以上, 不少于X, a range's lower bound and
X左右 all mean at least; 超X and 突破X mean more than; only wording that demands an exact or capped value
(控制在X, 不超过X, X以内, 最高X) is judged as exactly or at most. The fixtures state the comparator
per indicator; `parse_target` gives the same reading for a text alone (an imported sheet).
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from targets.choices import Comparator

_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十])(万)?"


class TargetError(ValueError):
    def __init__(self, text: str, source: str = ""):
        where = f"（{source}）" if source else ""
        super().__init__(f"无法识别的目标值“{text}”{where}")


def satisfies(actual: Decimal, comparator: str, value: Decimal) -> bool:
    """The one comparison every verdict uses."""
    if comparator == Comparator.MORE_THAN:
        return actual > value
    if comparator == Comparator.EXACT:
        return actual == value
    if comparator == Comparator.AT_MOST:
        return actual <= value
    return actual >= value


@dataclass(frozen=True)
class Target:
    text: str
    comparator: Comparator
    value: Decimal
    upper: Decimal | None = None  # a range's printed upper bound ("3—5"): shown, never a cap

    def is_met(self, actual: Decimal) -> bool:
        return satisfies(actual, self.comparator, self.value)

    def judged_by(self, comparator: str | None) -> "Target":
        """The same figure under the comparator the fixtures (or staff) state for the indicator."""
        return replace(self, comparator=Comparator(comparator)) if comparator else self

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
        (rf"^(?:不超过|不高于|最高|控制在){_NUMBER}(?:以内|以下)?$", None),
        (rf"^{_NUMBER}(?:以内|以下)$", Comparator.AT_MOST),
        (rf"^{_NUMBER}左右$", Comparator.AT_LEAST),
        (rf"^{_NUMBER}次?$", Comparator.AT_LEAST),
    ]
    for pattern, comparator in patterns:
        if match := re.match(pattern, compact):
            if comparator is None:  # 控制在 demands the figure itself; the other caps allow less
                exact = compact.startswith("控制在") and not compact.endswith(("以内", "以下"))
                comparator = Comparator.EXACT if exact else Comparator.AT_MOST
            return Target(str(text), comparator, _number(match[1], match[2]))
    if match := re.match(rf"^{_NUMBER}—{_NUMBER}$", compact):
        return Target(str(text), Comparator.AT_LEAST, _number(match[1], match[2]), _number(match[3], match[4]))
    raise TargetError(str(text), source)
