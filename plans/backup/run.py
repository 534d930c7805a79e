"""One command each way: backup(directory) and restore(directory). Both refuse bad input in Chinese before
they change anything, and both return what they counted, so the commands and the drill print the same."""

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from plans.backup import database, files, manifest
from plans.backup.manifest import BackupError

FILES_DIR = "files"


def backup(directory, method: str = "") -> dict:
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"备份目录 {directory} 已存在且不是空目录：请指定一个新目录，以免覆盖以前的备份。")
    chosen = database.choose_method(method)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / database.FILENAMES[chosen]
    with _one_snapshot(chosen) as snapshot:
        rows = manifest.row_counts() if chosen != database.SQLITE else None
        database.dump(chosen, target, snapshot=snapshot)
    if rows is None:
        rows = _sqlite_row_counts(target)
    entries = files.copy_out(directory / FILES_DIR)
    summary = {
        "created": timezone.now().isoformat(timespec="seconds"),
        "engine": connection.vendor,
        "database": {"method": chosen, "file": target.name, "sha256": manifest.sha256_of(target)},
        "migrations": manifest.applied_migrations(),
        "rows": rows,
        "files": entries,
    }
    manifest.write(directory, summary)  # last: a backup cut short has no manifest, and restore refuses it
    return summary


def restore(directory, force: bool = False) -> dict:
    directory = Path(directory)
    saved = manifest.read(directory)
    method = saved["database"].get("method")
    dump = directory / str(saved["database"].get("file", ""))
    if method not in database.FILENAMES or not dump.is_file() or dump.name != database.FILENAMES[method]:
        raise BackupError(f"备份中缺少数据库文件（清单写的是 {saved['database'].get('file')!r}）。")
    if manifest.sha256_of(dump) != saved["database"].get("sha256"):
        raise BackupError(f"数据库备份文件 {dump.name} 的校验和与清单不符，备份可能已损坏。")
    files.verify(directory / FILES_DIR, saved["files"])
    newer = manifest.unknown_migrations(saved.get("migrations") or {})
    if newer:
        raise BackupError(f"该备份来自更新版本的程序（本程序不认识迁移 {', '.join(newer[:5])}），请先升级程序再恢复。")
    here = database.engine()
    if method == database.SQLITE and here != "sqlite" or method == database.PG_DUMP and here != "postgresql":
        raise BackupError(f"该备份（{method}）不能恢复到 {here} 数据库；跨数据库迁移请用 backup --method json。")
    if not force:
        if manifest.holds_data():
            raise BackupError("当前数据库中已有数据，恢复会覆盖它们。如确需覆盖，请加 --force 重新运行。")
        clashing = files.existing(saved["files"])
        if clashing:
            raise BackupError(f"存储中已有同名文件（如 {clashing[0]}），恢复会覆盖它们。如确需覆盖，请加 --force。")
    database.load(method, dump)
    files.copy_in(directory / FILES_DIR, saved["files"])
    rows = manifest.row_counts()
    differing = {label: (count, rows.get(label)) for label, count in saved["rows"].items() if rows.get(label) != count}
    restored_files = files.checksums()
    missing = [e["name"] for e in saved["files"] if restored_files.get(e["name"]) != e["sha256"]]
    return {
        "method": method,
        "rows_before": sum(saved["rows"].values()),
        "rows_after": sum(rows.get(label, 0) for label in saved["rows"]),
        "tables": len(saved["rows"]),
        "differing": differing,
        "files_before": len(saved["files"]),
        "files_after": len(saved["files"]) - len(missing),
        "files_missing": missing,
    }


@contextmanager
def _one_snapshot(method: str):
    """On PostgreSQL, counts and dump read the same snapshot (pg_dump --snapshot), so the manifest's row
    counts are those of the dump even while the portal keeps writing."""
    if connection.vendor != "postgresql" or method == database.SQLITE:
        yield None
        return
    if connection.in_atomic_block:  # a caller's transaction (the tests'): no snapshot to export from a savepoint
        yield None
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            yield cursor.fetchone()[0]


def _sqlite_row_counts(path: Path) -> dict[str, int]:
    copy = sqlite3.connect(path)
    try:
        return {
            model._meta.label: copy.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"').fetchone()[0]
            for model in manifest.concrete_models()
        }
    finally:
        copy.close()
