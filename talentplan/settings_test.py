"""Settings for the test suite: the normal settings with a fixed, non-secret key."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")

from talentplan.runtime_dirs import create_runtime_dirs  # noqa: E402
from talentplan.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# One upload directory per pytest-xdist worker (gw0, gw1, ...): a test that expires or counts import previews
# never sees another worker's files.
MEDIA_ROOT = VAR_DIR / f"test-uploads{os.environ.get('PYTEST_XDIST_WORKER', '')}"  # noqa: F405
create_runtime_dirs([MEDIA_ROOT])
# The test client speaks plain HTTP; production's HTTPS settings are checked in a subprocess instead
# (tests/test_settings.py).
SECURE_SSL_REDIRECT = False
# Imports are written in the request in most tests; tests/test_import_jobs.py turns the background task on.
IMPORT_IN_BACKGROUND = False
NOTIFY_SEND_INLINE = True  # the suite runs no worker; tests/test_reminders_live.py covers the Celery path
