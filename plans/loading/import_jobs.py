"""An import after its preview: the confirmed file is written by a background task (a 3,000-row file must
not hold a web request), and its state is kept beside the file so the page can show progress.

Each preview lives under var/uploads/imports/ as <token>.xlsx with <token>.json (the header typed on the
form, who uploaded it, and the job's state). Previews nobody confirms expire: a periodic task deletes them,
and so does any access to one that is too old. The web view, the Celery task and the management command
all go through confirm_import (plans/loading/excel_import.py)."""

import json
import re
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.conf import settings

from plans.loading.excel_import import PlanHeader, confirm_import
from talentplan.lib.fixtures import FixtureError

TOKEN = re.compile(r"[0-9a-f]{32}")
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_LABELS = {QUEUED: "排队等待写入", RUNNING: "正在写入", DONE: "已导入", FAILED: "导入失败，未写入任何数据"}


def preview_ttl_seconds() -> int:
    return getattr(settings, "IMPORT_PREVIEW_TTL_SECONDS", 2 * 3600)


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def paths(token: str) -> tuple[Path, Path] | None:
    """(file, state) of a well-formed token, else None: a token never reaches the file system unchecked."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    base = import_dir() / token
    return base.with_suffix(".xlsx"), base.with_suffix(".json")


def save_preview(token: str, name: str, header: PlanHeader, user_id: int, row_count: int, ok: bool) -> None:
    _, state_path = paths(token)
    header_data = {**asdict(header), "issue_date": header.issue_date.isoformat()}
    state = {"name": name, "header": header_data, "user": user_id, "rows": row_count, "ok": ok, "state": ""}
    _write_state(state_path, state)


def load(token: str) -> dict | None:
    """The preview's state, or None when it is unknown or expired (an expired one is deleted here)."""
    found = paths(token)
    if found is None:
        return None
    file_path, state_path = found
    if not state_path.exists():
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
    _, state_path = paths(token)
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
    file_path, _ = paths(token)
    mark(token, RUNNING)
    try:
        plan = confirm_import(file_path, state["name"], header_of(state))
    except FixtureError as exc:
        return mark(token, FAILED, errors=exc.messages[:20])
    except Exception:
        mark(token, FAILED, errors=["写入时发生意外错误，未写入任何数据；请稍后重试或联系管理员。"])
        raise
    file_path.unlink(missing_ok=True)
    return mark(token, DONE, plan_code=plan.code, plan_title=plan.title, milestones=plan.milestones.count())


def delete(token: str) -> None:
    found = paths(token)
    if found:
        for path in found:
            path.unlink(missing_ok=True)


def expire_previews(now: float | None = None) -> int:
    """Delete previews (and finished jobs' state) older than the TTL; files with no state are strays."""
    now = now or time.time()
    removed = 0
    for path in import_dir().iterdir():
        if path.suffix not in (".xlsx", ".json") or not TOKEN.fullmatch(path.stem):
            continue
        if now - path.stat().st_mtime <= preview_ttl_seconds():
            continue
        state = _read_state(path.with_suffix(".json"))
        if state.get("state") in (QUEUED, RUNNING):
            continue  # a job still writing keeps its file
        path.unlink(missing_ok=True)
        removed += path.suffix == ".xlsx"
    return removed


def _expired(path: Path) -> bool:
    return time.time() - path.stat().st_mtime > preview_ttl_seconds()


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(path: Path, data: dict) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
