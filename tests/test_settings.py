"""Production settings (DEBUG off) are safe by default: `check --deploy` has nothing to say, and responses carry
HSTS, the CSP and the other security headers. Run in subprocesses, because settings.py reads the environment
once at import and the test suite itself runs with the test settings."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
HOST = "portal.example.org"
# Variables that would change what production looks like; the runs below start without them.
SECURITY_VARIABLES = {
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "TRUSTED_PROXY_COUNT",
    "ALLOWED_HOSTS",
    "SECRET_KEY",
    "DATABASE_URL",
}


def production_env(tmp_path, **overrides) -> dict:
    env = {name: value for name, value in os.environ.items() if name not in SECURITY_VARIABLES}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        DJANGO_SETTINGS_MODULE="talentplan.settings",
        TALENTPLAN_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
    )
    env.update(overrides)
    return env


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_passes_at_warning_level_with_production_settings(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    # Only W021 (HSTS preload, a separate decision for the parent domain) is silenced, as settings.py explains.
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_also_passes_with_preload_on_and_nothing_silenced(tmp_path):
    env = production_env(tmp_path, SECURE_HSTS_PRELOAD="1")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_turning_secure_cookies_off_is_reported(tmp_path):
    # The check is not toothless: the env override works, and check --deploy says what it costs.
    env = production_env(tmp_path, SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="false")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W012" in result.stderr and "security.W016" in result.stderr


PROBE = """
import json, os, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # no collectstatic manifest here
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
    client = Client()
    def probe(**extra):
        response = client.get("/accounts/login/", HTTP_HOST=os.environ["ALLOWED_HOSTS"], **extra)
        cookie = response.cookies.get("csrftoken")
        return {
            "status": response.status_code,
            "location": response.get("Location"),
            "headers": dict(response.headers),
            "csrf_cookie_secure": bool(cookie and cookie["secure"]),
        }
    print(json.dumps({
        "http": probe(),
        "https": probe(secure=True),
        "forwarded_https": probe(HTTP_X_FORWARDED_PROTO="https"),
        "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    }))
"""


def probe(tmp_path, **overrides) -> dict:
    result = run(["-c", PROBE], production_env(tmp_path, **overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_to_https_and_sends_hsts_csp_and_secure_cookies(tmp_path):
    seen = probe(tmp_path)
    assert (seen["http"]["status"], seen["http"]["location"]) == (301, f"https://{HOST}/accounts/login/")
    # No proxy header configured: a client's X-Forwarded-Proto is not believed.
    assert seen["forwarded_https"]["status"] == 301

    https = seen["https"]
    assert https["status"] == 200
    headers = https["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert https["csrf_cookie_secure"] and seen["session_cookie_secure"]
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in headers["Content-Security-Policy"]


def test_behind_a_proxy_the_configured_header_marks_https(tmp_path):
    seen = probe(
        tmp_path,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
    )
    forwarded = seen["forwarded_https"]
    assert forwarded["status"] == 200
    assert forwarded["headers"]["Strict-Transport-Security"] == "max-age=600"
    assert seen["http"]["status"] == 301  # without the header, still redirected


# Markup the CSP refuses: inline scripts, inline event handlers, <style> blocks and style="" attributes.
INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=|<style[\s>]|\sstyle\s*=", re.IGNORECASE)


def test_no_page_template_needs_inline_script_or_style():
    offenders = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        if "emails" in path.parts:  # e-mail bodies are read in mail clients, not served under our CSP
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()[:80]}")
    assert offenders == []


@pytest.mark.django_db
def test_every_page_carries_the_csp_in_development_too(client_as):
    response = client_as("staff").get("/dashboard/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in response.content.decode()
