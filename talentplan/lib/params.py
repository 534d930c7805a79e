"""Whole numbers from query strings and forms, bounded before they reach a query or a date: the one parser of
integers from URL and query parameters (bounded_int; the others here and talentplan.lib.forms go through it).

`str.isdigit()` is not enough: it accepts "²³" (which int() refuses: a 500) and twenty-digit numbers (which
overflow a date, a C long or a bigint column). int() alone is too lenient: it reads full-width "１２" and
Arabic-Indic "١٢" as 12. Only ASCII digits are a number here; anything else is no number at all."""

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


def page_param(query, name: str = "page") -> int | None:
    """?page= for Paginator.get_page: None (page 1) unless ASCII digits, with an optional minus; as get_page
    reads them, a number past the end, 0 or a negative number is the last page."""
    raw = query.get(name, "")
    if isinstance(raw, str) and raw.strip().startswith("-"):
        number = bounded_int(raw.strip()[1:], *ID_RANGE)
        return None if number is None else -number
    return bounded_int(raw, 0, ID_RANGE[1])


def is_ascii_int(raw) -> bool:
    """raw spells a whole number of at most 18 ASCII digits (a primary key, a count)."""
    return bounded_int(raw if isinstance(raw, str) else str(raw), 0, ID_RANGE[1]) is not None
