"""Reading targets as printed (issue 10): a plain figure, 达, 以上, 不少于, a range and 左右 = at least;
超 and 突破 = more than; only 控制在 / 不超过 / 以内 demand an exact or capped value."""

import re
from decimal import Decimal

import pytest

from targets.choices import Comparator
from targets.comparators import TargetError, parse_number, parse_target


@pytest.mark.parametrize(
    "text, comparator, value, upper",
    [
        ("100 以上", Comparator.AT_LEAST, 100, None),
        ("不少于600", Comparator.AT_LEAST, 600, None),
        ("达80%", Comparator.AT_LEAST, 80, None),
        ("超200", Comparator.MORE_THAN, 200, None),
        ("突破10万", Comparator.MORE_THAN, 100000, None),
        ("超1万", Comparator.MORE_THAN, 10000, None),
        ("35", Comparator.AT_LEAST, 35, None),
        ("一次", Comparator.AT_LEAST, 1, None),
        ("3—5", Comparator.AT_LEAST, 3, 5),
        ("1—3", Comparator.AT_LEAST, 1, 3),
        ("10左右", Comparator.AT_LEAST, 10, None),
        ("不超过300", Comparator.AT_MOST, 300, None),
        ("20以内", Comparator.AT_MOST, 20, None),
        ("控制在5", Comparator.EXACT, 5, None),
        ("控制在5以内", Comparator.AT_MOST, 5, None),
    ],
)
def test_printed_targets(text, comparator, value, upper):
    target = parse_target(text)
    assert (target.comparator, target.value, target.upper) == (comparator, Decimal(value), upper and Decimal(upper))
    assert target.text == text


def test_comparators_decide_when_a_target_is_met():
    assert parse_target("100 以上").is_met(Decimal(100))
    assert not parse_target("100 以上").is_met(Decimal(99))
    assert not parse_target("超200").is_met(Decimal(200))
    assert parse_target("超200").is_met(Decimal(201))
    # 领军人才 "12": a 组织部 reads 引进领军人才12名 as at least 12, so 13 is met too.
    assert parse_target("12").is_met(Decimal(12)) and parse_target("12").is_met(Decimal(13))
    assert not parse_target("12").is_met(Decimal(11))
    # A cap: 不超过300 is met at 300 and below, not above.
    assert parse_target("不超过300").is_met(Decimal(300)) and not parse_target("不超过300").is_met(Decimal(301))
    # The comparator the fixtures state wins over the bare text: "35" judged as more than needs 36.
    assert not parse_target("35").judged_by("gt").is_met(Decimal(35))


def test_blank_stays_blank_never_zero():
    assert parse_target(None) is None and parse_target("") is None
    assert parse_number(None) is None and parse_number(" ") is None
    assert parse_number("0") == Decimal(0)


@pytest.mark.parametrize("text", ["很多", "100人以上吧", "=1+1"])
def test_unreadable_target_is_an_error(text):
    with pytest.raises(TargetError, match=re.escape(f"“{text}”")):
        parse_target(text)
