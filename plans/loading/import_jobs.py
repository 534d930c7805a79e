"""An import after its preview: the confirmed file is written by a background task (a 3,000-row file must
not hold a web request), and its state is kept beside the file so the page can show progress.

Each preview lives in the "imports" storage (var/uploads/imports/, or the object store: no shared disk) as
<token>.xlsx with <token>.json (the header typed on the form, who uploaded it, and the job's state). Previews
nobody confirms expire: a periodic task deletes them, and so does any access to one that is too old. The web
view, the Celery task and the management command all go through confirm_import
(plans/loading/excel_import.py)."""

import json
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from plans.loading.excel_import import PlanHeader, confirm_import
from talentplan.lib.fixtures import FixtureError

TOKEN = re.compile(r"[0-9a-f]{32}")
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_LABELS = {QUEUED: "排队等待写入", RUNNING: "正在写入", DONE: "已导入", FAILED: "导入失败，未写入任何数据"}
FOLDER = "imports/"


def preview_ttl_seconds() -> int:
    return getattr(settings, "IMPORT_PREVIEW_TTL_SECONDS", 2 * 3600)


def storage():
    """The "imports" storage (settings.STORAGES): local disk under MEDIA_ROOT, or the object store, so the
    node that took the upload, the node that confirms it and the worker that writes it need no shared disk."""
    return storages["imports"]


def names(token: str) -> tuple[str, str] | None:
    """(file, state) of a well-formed token, else None: a token never reaches the storage unchecked."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return f"{FOLDER}{token}.xlsx", f"{FOLDER}{token}.json"


def has_file(token: str) -> bool:
    found = names(token)
    return bool(found) and storage().exists(found[0])


def save_file(token: str, upload) -> None:
    storage().save(names(token)[0], upload)


@contextmanager
def local_copy(token: str):
    """The preview's workbook as a local temporary file, for the readers that take a path."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.xlsx"
        with storage().open(names(token)[0], "rb") as source, open(path, "wb") as out:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                out.write(chunk)
        yield path


def save_preview(token: str, name: str, header: PlanHeader, user_id: int, row_count: int, ok: bool) -> None:
    _, state_path = names(token)
    header_data = {**asdict(header), "issue_date": header.issue_date.isoformat()}
    state = {"name": name, "header": header_data, "user": user_id, "rows": row_count, "ok": ok, "state": ""}
    _write_state(state_path, state)


def load(token: str) -> dict | None:
    """The preview's state, or None when it is unknown or expired (an expired one is deleted here)."""
    found = names(token)
    if found is None:
        return None
    _, state_path = found
    if not storage().exists(state_path):
        return None
    state = _read_state(state_path)
    if _expired(state_path) and state.get("state") not in (QUEUED, RUNNING):
        delete(token)
        return None
    return state


def header_of(state: dict) -> PlanHeader:
    data = dict(state["header"])
    data["issue_date"] = date.fromisoformat(data["issue_date"])
    return PlanHeader(**data)


def mark(token: str, state: str, **extra) -> dict:
    _, state_path = names(token)
    data = {**_read_state(state_path), **extra, "state": state, "updated": time.time()}
    _write_state(state_path, data)
    return data


def run_import(token: str) -> dict:
    """Write a confirmed preview (what the Celery task runs). Nothing is written unless every row is good."""
    state = load(token)
    if state is None:
        return {"state": FAILED, "errors": ["导入预览已失效，请重新上传文件。"]}
    if state.get("state") in (RUNNING, DONE):
        return state  # a task delivered twice writes once
    file_name, _ = names(token)
    mark(token, RUNNING)
    try:
        with local_copy(token) as file_path:
            plan = confirm_import(file_path, state["name"], header_of(state))
    except FixtureError as exc:
        return mark(token, FAILED, errors=exc.messages[:20])
    except Exception:
        mark(token, FAILED, errors=["写入时发生意外错误，未写入任何数据；请稍后重试或联系管理员。"])
        raise
    storage().delete(file_name)
    return mark(token, DONE, plan_code=plan.code, plan_title=plan.title, milestones=plan.milestones.count())


def delete(token: str) -> None:
    found = names(token)
    if found:
        for name in found:
            storage().delete(name)


def expire_previews(now: float | None = None) -> int:
    """Delete previews (and finished jobs' state) older than the TTL; files with no state are strays."""
    now = now or time.time()
    removed = 0
    try:
        _, stored = storage().listdir(FOLDER)
    except FileNotFoundError:
        return 0
    for filename in stored:
        stem, _, suffix = filename.rpartition(".")
        if suffix not in ("xlsx", "json") or not TOKEN.fullmatch(stem):
            continue
        name = f"{FOLDER}{filename}"
        if now - _modified(name) <= preview_ttl_seconds():
            continue
        state = _read_state(f"{FOLDER}{stem}.json")
        if state.get("state") in (QUEUED, RUNNING):
            continue  # a job still writing keeps its file
        storage().delete(name)
        removed += suffix == "xlsx"
    return removed


def _modified(name: str) -> float:
    try:
        return storage().get_modified_time(name).timestamp()
    except (FileNotFoundError, OSError):
        return time.time()


def _expired(name: str) -> bool:
    return time.time() - _modified(name) > preview_ttl_seconds()


def _read_state(name: str) -> dict:
    try:
        with storage().open(name, "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(name: str, data: dict) -> None:
    """One write of the whole state: an atomic rename on local disk (allow_overwrite), one PUT on object storage."""
    storage().save(name, ContentFile(json.dumps(data, ensure_ascii=False).encode("utf-8")))
