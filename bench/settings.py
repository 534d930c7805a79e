"""Settings for the benchmark: production-like (DEBUG off, manifest static files), the bench database
from DATABASE_URL (bench/run.py sets it), e-mail measured and dropped, and bench/urls.py for the floor view."""

import os
from pathlib import Path

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("TALENTPLAN_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "bench"))

from talentplan.settings import *  # noqa: E402,F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# The benchmark speaks plain HTTP on loopback; production's HTTPS redirect and secure cookies would turn
# every request into a 301 (the HTTPS settings are checked in tests/test_settings.py).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "bench.mail.SizeRecordingBackend"
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405

if os.environ.get("BENCH_PLAIN_STATIC"):  # the smoke run: no collectstatic, plain static file names
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
