"""What a backup holds, written beside it as manifest.json: the row count of every table and the SHA-256 of
every file, so a restore can prove that it brought back exactly what was saved."""

import hashlib
import json
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

FORMAT = "talentplan-backup"
VERSION = 1
MANIFEST = "manifest.json"
# A database "holds data" when any of these has a row; a freshly migrated one has content types and
# permissions only, and restoring over it needs no --force.
DATA_APPS = ("units", "plans", "targets")


class BackupError(Exception):
    """A refusal, in Chinese, that changed nothing."""


def concrete_models():
    """Every table Django owns, many-to-many link tables included."""
    return [
        model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy
    ]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.using("default").count() for model in concrete_models()}


def holds_data() -> bool:
    from django.contrib.auth import get_user_model

    try:
        if get_user_model().objects.exists():
            return True
        return any(model._default_manager.exists() for model in concrete_models() if model._meta.app_label in DATA_APPS)
    except Exception:  # noqa: BLE001  no tables yet: an empty database
        return False


def applied_migrations() -> dict[str, list[str]]:
    from django.db import connection

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(loader.applied_migrations):
        applied.setdefault(app_label, []).append(name)
    return applied


def unknown_migrations(recorded: dict[str, list[str]]) -> list[str]:
    """Migrations the backup's database had that this version of the code does not know."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    return [f"{app}.{name}" for app, names in recorded.items() for name in names if (app, name) not in known]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write(directory: Path, manifest: dict) -> None:
    text = json.dumps({"format": FORMAT, "version": VERSION, **manifest}, ensure_ascii=False, indent=1)
    (directory / MANIFEST).write_text(text + "\n", encoding="utf-8")


def read(directory: Path) -> dict:
    """The manifest of a backup directory, or BackupError saying what is wrong with it."""
    if not directory.is_dir():
        raise BackupError(f"备份目录不存在：{directory}")
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"目录 {directory} 中没有 {MANIFEST}，不是本系统的备份目录。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"备份清单 {path} 无法读取或不是有效的 JSON：{exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"备份清单 {path} 不是本系统的备份清单（缺少 format: {FORMAT}）。")
    if manifest.get("version") != VERSION:
        raise BackupError(f"备份清单的版本为 {manifest.get('version')}，本程序只能恢复版本 {VERSION} 的备份。")
    for key, kind in (("database", dict), ("rows", dict), ("files", list)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"备份清单 {path} 缺少或损坏了“{key}”一项。")
    return manifest
