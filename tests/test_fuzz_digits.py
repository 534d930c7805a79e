"""Non-ASCII digits in every parameter of every URL: 0 responses of 500 (issue 21, item 8).

str.isdigit() accepts superscripts ("²³"), circled and other "digits" that int() refuses, which gave a 500 at
/api/tasks/?limit=²³ and /chases/?unit=²³; int() itself reads full-width "１２" and Arabic-Indic "١٢" as 12.
Every integer parameter goes through talentplan.lib.params.bounded_int, which reads ASCII digits only.

The parameters of a URL are those of tests/test_fuzz_inputs.py (the fields of every form the pages render,
and the generic list parameters) plus the integer parameters the views read from the query string by name
(INTEGER_GET): a superset of its integer parameters. Each URL, for each role, gets every parameter set to
one kind of non-ASCII digit at once (ALL_AT_ONCE requests, rotating through the kinds), then each parameter
alone with a rotating kind; a URL with an id in its path also gets the id spelled in those digits.
Each request runs in a rolled-back savepoint. The run prints its counts:
`.venv/bin/python -m pytest tests/test_fuzz_digits.py -s -p no:logging`."""

import itertools
import sys

import pytest
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import transaction

from talentplan.lib.params import bounded_int
from tests.test_access_matrix import RULES, health_objects, project_url_names  # noqa: F401 (fixture)
from tests.test_fuzz_inputs import GENERIC_GET, _fields_by_url, _send, _url_for

pytestmark = pytest.mark.django_db

ROLES = ["staff_jh", "liaison_hr"]
ALL_AT_ONCE = 5  # requests per URL and role with every parameter set, rotating through NON_ASCII_DIGITS
# Integer parameters the views read from the query string themselves (not through a rendered form).
INTEGER_GET = ["limit", "cursor", "unit", "region", "page", "reports_page", "extensions_page", "entries_page"]
NON_ASCII_DIGITS = [
    ("superscript", "²³"),
    ("superscript-one", "¹"),
    ("subscript", "₂₃"),
    ("fullwidth", "１２"),
    ("fullwidth-zero-nine", "０９"),
    ("arabic-indic", "١٢"),
    ("extended-arabic-indic", "۳۴"),
    ("devanagari", "१२"),
    ("bengali", "১২"),
    ("thai", "๑๒"),
    ("circled", "①"),
    ("mathematical-bold", "𝟏𝟐"),
    ("kharosthi", "\U00010a40"),  # isdigit() but not a decimal: int() refuses it
    ("mixed", "1²"),
    ("cursor-like", "１.２"),
]


def test_the_helper_reads_ascii_digits_only():
    for _label, value in NON_ASCII_DIGITS:
        assert bounded_int(value, 0, 10**18) is None, value
    assert bounded_int("12", 0, 100) == 12 and bounded_int(" 7 ", 0, 100) == 7
    assert bounded_int("0" * 19, 0, 10**18) is None  # 19 digits: never reaches a bigint column


def test_the_reported_urls_answer_without_a_500(client_as):
    staff = client_as("staff_jh")
    staff.raise_request_exception = False
    default = staff.get("/api/tasks/").json()["tasks"]
    api = staff.get("/api/tasks/?limit=²³")
    assert api.status_code == 200 and api.json()["tasks"] == default  # not a number: as if no limit were given
    assert staff.get("/api/tasks/?limit=１").json()["tasks"] == default  # full-width is no number either
    assert len(staff.get("/api/tasks/?limit=1").json()["tasks"]) == 1
    assert staff.get("/chases/?unit=²³").status_code == 200
    assert staff.get("/api/tasks/?cursor=１.２").status_code == 400  # a cursor in other digits is not one


def test_no_non_ascii_digit_gives_a_500(client, user_named, health_objects, capsys):  # noqa: F811
    names = sorted(project_url_names())
    urls = {name: _url_for(name, health_objects) for name in names}
    fields, files = _fields_by_url(client, user_named, urls)
    crashes, errors = [], []

    def record(sender, request=None, **kwargs):
        errors.append(repr(sys.exc_info()[1])[:300])

    got_request_exception.connect(record)
    client.raise_request_exception = False
    requests, pairs = 0, set()
    rotation = itertools.cycle(value for _label, value in NON_ASCII_DIGITS)
    try:
        for role in ROLES:
            user = user_named(role)
            for name in names:
                method = RULES[name][0]
                params = sorted(fields[name] | (set(GENERIC_GET) | set(INTEGER_GET) if method == "GET" else set()))
                pairs |= {(name, param) for param in params}
                attempts = [(urls[name], dict.fromkeys(params, next(rotation))) for _ in range(ALL_AT_ONCE)]
                attempts += [(urls[name], {param: next(rotation)}) for param in params]
                if RULES[name][1] and RULES[name][1] != "plan":  # an id in the path, spelled in other digits
                    key = str(health_objects[RULES[name][1]].pk)
                    attempts += [(urls[name].replace(f"/{key}/", f"/{v}/", 1), {}) for _l, v in NON_ASCII_DIGITS[:4]]
                for path, params_now in attempts:
                    if not client.cookies.get(settings.SESSION_COOKIE_NAME, None):
                        client.force_login(user)  # again after a request that signed out (logout, password)
                    with transaction.atomic():
                        response = _send(client, method, path, params_now, files[name])
                        requests += 1
                        if response.status_code >= 500:
                            crashes.append((role, method, path[:120], str(params_now)[:200], response.status_code))
                        transaction.set_rollback(True)
                    if response.cookies.get(settings.SESSION_COOKIE_NAME) is not None:
                        client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    finally:
        got_request_exception.disconnect(record)
    summary = (
        f"非 ASCII 数字模糊测试：{len(names)} 个 URL，{len(pairs)} 个（URL×参数）组合，{len(ROLES)} 种角色，"
        f"{len(NON_ASCII_DIGITS)} 种数字写法，共 {requests} 次请求，HTTP 500 共 {len(crashes)} 次"
    )
    with capsys.disabled():
        print("\n" + summary)
        for crash, error in list(zip(crashes, errors, strict=False))[:40]:
            print("  500:", crash, error)
    assert not crashes, summary
