"""What /healthz reports and the staff banner reads: the database, the broker, and the age of the last
completed daily reminder run; what /readyz asks for a load balancer: the database, the broker and the file
storage. No secrets: the broker is named by its kind, never by its URL, the storage by its class."""

import os
import time

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.utils import timezone

from plans.notifications.daily_run import last_completed_run, run_is_stale

BROKER_TIMEOUT_SECONDS = 2


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  any failure is the answer
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    kind = url.split(":", 1)[0]
    if kind == "filesystem":
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return {"ok": bool(folder) and os.path.isdir(folder), "kind": kind}
    from kombu import Connection

    started = time.monotonic()
    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "kind": kind, "error": type(exc).__name__}
    return {"ok": True, "kind": kind, "ms": round((time.monotonic() - started) * 1000, 1)}


def reminder_run_status(now=None) -> dict:
    now = now or timezone.now()
    last = last_completed_run()
    if last is None:
        return {"last_completed_date": None, "age_hours": None, "stale": False}
    return {
        "last_completed_date": last.date.isoformat(),
        "completed_at": timezone.localtime(last.completed_at).isoformat(timespec="seconds"),
        "age_hours": round((now - last.completed_at).total_seconds() / 3600, 1),
        "stale": run_is_stale(now),
    }


def health() -> dict:
    database = check_database()
    broker = check_broker()
    reminders = reminder_run_status() if database["ok"] else {"stale": True, "error": "数据库不可用"}
    return {"ok": database["ok"] and broker["ok"], "database": database, "broker": broker, "reminders": reminders}


def check_storage() -> dict:
    """The evidence storage answers: on object storage a HEAD on the bucket's probe key (a missing key is
    an answer; a refused connection or bad credentials are not), on local disk a writable folder."""
    storage = storages["default"]
    kind = type(storage).__name__
    started = time.monotonic()
    try:
        storage.exists("readyz-probe")
        if isinstance(storage, FileSystemStorage) and not os.access(storage.location, os.W_OK):
            return {"ok": False, "kind": kind, "error": "NotWritable"}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "kind": kind, "error": type(exc).__name__}
    return {"ok": True, "kind": kind, "ms": round((time.monotonic() - started) * 1000, 1)}


def readiness() -> dict:
    checks = {"database": check_database(), "broker": check_broker(), "storage": check_storage()}
    return {"ok": all(check["ok"] for check in checks.values()), **checks}
