"""Whole numbers from query strings and forms, bounded before they reach a query or a date.

`str.isdigit()` is not enough: it accepts "²" (which int() refuses) and twenty-digit numbers (which overflow
a date, a C long or a bigint column)."""

import re

DIGITS = re.compile(r"[0-9]{1,18}")  # ASCII only; 18 digits always fit in a bigint
YEAR_RANGE = (1900, 2100)
ID_RANGE = (1, 2**63 - 1)


def bounded_int(raw, low: int, high: int) -> int | None:
    """The integer in [low, high] that raw spells in ASCII digits, else None."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def year_param(query, name: str = "year") -> int | None:
    return bounded_int(query.get(name, ""), *YEAR_RANGE)


def id_param(query, name: str) -> int | None:
    return bounded_int(query.get(name, ""), *ID_RANGE)
