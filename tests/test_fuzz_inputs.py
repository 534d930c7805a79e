"""No input gives a 500. Every URL of the URLconf (as tests/test_access_matrix.py derives it), every field of
every form the pages render (GET filters and POST actions alike) plus the generic list parameters, for every
role, gets hostile values: very long text, NUL bytes, full-width digits, negative and huge numbers, SQL and
HTML snippets, non-UTF-8 bytes, impossible dates, repeated parameters where one is expected, and ids past
bigint in the path. The generated table is bounded so the run stays well under a minute.

Each URL and role is tried two ways: every parameter hostile at once (ALL_AT_ONCE values per URL and role,
rotating through the list), and each parameter alone (one request per parameter with a rotating value), so a
form that refuses the first bad field cannot hide a crash behind it. Each request runs in a rolled-back
savepoint, so a POST that succeeds (a plan deleted by staff) does not change what the next request sees."""

import itertools
import sys
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from tests.test_access_matrix import RULES, health_objects, project_url_names  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "staff", "leader", "liaison_hr", "liaison_health"]
HUGE = "99999999999999999999"
# (label, value): a str is sent percent-encoded as UTF-8, bytes are sent as raw bytes (not UTF-8), a tuple
# repeats the parameter (a list where a scalar is expected).
HOSTILE = [
    ("long", "长" * 5000),
    ("long-ascii", "x" * 70000),
    ("nul", "a\x00b"),
    ("fullwidth", "１２３"),
    ("superscript", "²"),
    ("negative", "-1"),
    ("huge", HUGE),
    ("huge-negative", "-" + HUGE),
    ("bigint+1", str(2**63)),
    ("float", "1e309"),
    ("nan", "NaN"),
    ("sql", "1' OR '1'='1'; DROP TABLE plans_plan; --"),
    ("html", '<script>alert(1)</script><img src=x onerror="alert(2)">'),
    ("non-utf8", b"\xff\xfe\xc3\x28"),
    ("bad-date", "2024-02-30"),
    ("list", ("1", "2")),
    ("empty", ""),
    ("formula", '=HYPERLINK("http://x","y")'),
    ("year-zero", "0000"),
]
# Parameters every list-like page may be sent: pagination, sorting, exports, the common filters.
GENERIC_GET = ["page", "sort", "per_page", "_export", "year", "q", "plan", "due_within", "compact"]
# Fields of forms a page renders only in states the fixture does not set up (a preview, a returned report).
NOT_RENDERED = {"plans:import_confirm": {"token"}}
BEYOND_BIGINT = [HUGE, str(2**63), "0"]
ALL_AT_ONCE = 4


class FormFields(HTMLParser):
    """The forms of one page: action, method, field names, and which fields take a file."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action") or "",
                    "method": (attrs.get("method") or "get").upper(),
                    "fields": set(),
                    "files": set(),
                }
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            if attrs["name"] == "csrfmiddlewaretoken":
                return
            self.forms[-1]["fields"].add(attrs["name"])
            if attrs.get("type") == "file":
                self.forms[-1]["files"].add(attrs["name"])


def _url_for(name, objects):
    needs = RULES[name][1]
    if not needs:
        return reverse(name)
    obj = objects[needs]
    return reverse(name, args=[obj.code if needs == "plan" else obj.pk])


def _fields_by_url(client, user_named, urls):
    """url name -> (field names, file field names), read from the forms every GET page renders."""
    fields = {name: set(NOT_RENDERED.get(name, ())) for name in urls}
    files = {name: set() for name in urls}
    for role in ("staff", "leader", "liaison_health"):
        client.force_login(user_named(role))
        for name, url in urls.items():
            if RULES[name][0] != "GET":
                continue
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormFields()
            parser.feed(response.content.decode())
            for form in parser.forms:
                path = urlsplit(form["action"]).path or url
                try:
                    target = resolve(path).view_name
                except Resolver404:
                    continue
                if target in fields:
                    fields[target] |= form["fields"]
                    files[target] |= form["files"]
    client.logout()
    return fields, files


def _encode(params: dict) -> str:
    parts = []
    for key, value in params.items():
        values = value if isinstance(value, tuple) else (value,)
        for one in values:
            encoded = quote(one, safe="") if isinstance(one, bytes) else quote(str(one).encode(), safe="")
            parts.append(f"{quote(key)}={encoded}")
    return "&".join(parts)


def _send(client, method, url, params, file_fields):
    if method == "GET":
        return client.get(f"{url}?{_encode(params)}")
    if file_fields & set(params):
        data = {k: v for k, v in params.items() if k not in file_fields and not isinstance(v, bytes | tuple)}
        for name in file_fields & set(params):
            data[name] = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n<html><script>x</script>", "application/pdf")
        return client.post(url, data)
    return client.post(url, _encode(params), content_type="application/x-www-form-urlencoded")


def test_no_input_gives_a_500(client, user_named, health_objects, capsys):  # noqa: F811
    names = sorted(project_url_names())
    urls = {name: _url_for(name, health_objects) for name in names}
    fields, files = _fields_by_url(client, user_named, urls)
    crashes, errors = [], []

    def record(sender, request=None, **kwargs):
        errors.append(repr(sys.exc_info()[1])[:300])

    got_request_exception.connect(record)
    client.raise_request_exception = False
    requests = 0
    combos = 0
    rotation = itertools.cycle(HOSTILE)
    try:
        for role in ROLES:
            user = None if role == "anonymous" else user_named(role)
            for name in names:
                method = RULES[name][0]
                params = sorted(fields[name] | (set(GENERIC_GET) if method == "GET" else set()))
                combos += len(params)
                attempts = [dict.fromkeys(params, next(rotation)[1]) for _ in range(ALL_AT_ONCE)]
                attempts += [{param: next(rotation)[1]} for param in params]
                paths = [urls[name]]
                if RULES[name][1]:
                    base = urls[name]
                    target = health_objects[RULES[name][1]]
                    key = target.code if RULES[name][1] == "plan" else str(target.pk)
                    paths += [base.replace(f"/{key}/", f"/{bad}/", 1) for bad in BEYOND_BIGINT]
                    if RULES[name][1] == "plan":
                        paths.append(base.replace(f"/{key}/", f"/{'a' * 5000}/", 1))
                client.logout()
                for path, params_now in [(urls[name], a) for a in attempts] + [(p, {}) for p in paths[1:]]:
                    if user and not client.cookies.get(settings.SESSION_COOKIE_NAME, None):
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
    url_count = len(names)
    summary = (
        f"模糊测试：{url_count} 个 URL，{combos} 个（URL×参数×角色）组合，{len(ROLES)} 种角色，"
        f"{len(HOSTILE)} 种恶意取值，共 {requests} 次请求，HTTP 500 共 {len(crashes)} 次"
    )
    with capsys.disabled():
        print("\n" + summary)
        for crash, error in list(zip(crashes, errors, strict=False))[:40]:
            print("  500:", crash, error)
    assert not crashes, summary
