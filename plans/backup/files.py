"""The evidence files, read and written through Django's default storage, so the same code backs up local
disk and object storage. Import previews (imports/) are work in progress that expires within hours: not kept."""

import hashlib
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from plans.backup.manifest import BackupError, sha256_of

SKIPPED_PREFIXES = ("imports/",)


def stored_names(storage=None, folder: str = "") -> list[str]:
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names.extend(stored_names(storage, f"{folder}{sub}/"))
    return sorted(name for name in names if not name.startswith(SKIPPED_PREFIXES))


def copy_out(target: Path) -> list[dict]:
    """Copy every stored file under target/, returning [{name, size, sha256}]."""
    entries = []
    for name in stored_names():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with default_storage.open(name, "rb") as source, open(destination, "wb") as out:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        entries.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    return entries


def verify(source: Path, entries: list[dict]) -> None:
    """Every file the manifest names is in the backup with its checksum, before anything is changed."""
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name or name.startswith("/") or ".." in Path(name).parts:
            raise BackupError(f"备份清单中的文件名无效：{name!r}")
        path = source / name
        if not path.is_file():
            raise BackupError(f"备份中缺少文件 {name}（清单中有记录）。")
        if sha256_of(path) != entry.get("sha256"):
            raise BackupError(f"备份中的文件 {name} 校验和与清单不符，备份可能已损坏。")


def existing(entries: list[dict]) -> list[str]:
    return [entry["name"] for entry in entries if default_storage.exists(entry["name"])]


def copy_in(source: Path, entries: list[dict]) -> None:
    for entry in entries:
        name = entry["name"]
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(source / name, "rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"文件 {name} 恢复后被存储改名为 {saved}，请检查存储配置。")


def checksums() -> dict[str, str]:
    """name → SHA-256 of every stored file now (what the drill compares with the manifest)."""
    result = {}
    for name in stored_names():
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        result[name] = digest.hexdigest()
    return result
