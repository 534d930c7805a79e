"""The directories the portal writes to, created when the settings load.

Every entry point (manage.py, gunicorn, celery) imports the settings first, so creating the directories
here means a fresh clone, a new TALENTPLAN_VAR_DIR or an empty Docker volume works on the first command.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def sqlite_dir(database: dict) -> Path | None:
    """The folder of a file-based SQLite database (None for other engines and in-memory databases)."""
    name = str(database.get("NAME") or "")
    if not database.get("ENGINE", "").endswith("sqlite3") or name in {"", ":memory:"} or name.startswith("file:"):
        return None
    return Path(name).parent


def create_runtime_dirs(paths) -> None:
    """Create each directory (and its parents) if missing; a clear Chinese error if one cannot be made."""
    for path in paths:
        if path is None:
            continue
        try:
            Path(path).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"无法创建运行目录 {path}：{exc.strerror or exc}。请检查 TALENTPLAN_VAR_DIR 指向的位置是否可写。"
            ) from exc
