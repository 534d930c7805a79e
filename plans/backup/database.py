"""Copying the database out and back in, exactly.

- SQLite: the SQLite online backup API (a consistent page-by-page copy of the whole file, taken under a read
  lock, so a worker writing at the same time cannot tear it).
- PostgreSQL: pg_dump's custom format and pg_restore, where the client programs are installed. pg_dump reads
  the whole database in one snapshot and keeps what the ORM cannot see: sequence positions, indexes made by
  RunSQL (the trigram search indexes), every table whether a model owns it or not, and each value as stored.
- Otherwise (or with --method json): Django's dumpdata with natural keys, restored by loaddata into a freshly
  migrated database. Portable between engines, but it goes model by model through the ORM: sequences are
  reset to the highest id rather than kept, and only tables that have a model are saved.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction

from plans.backup.manifest import BackupError

SQLITE, PG_DUMP, JSON = "sqlite", "pg_dump", "json"
FILENAMES = {SQLITE: "database.sqlite3", PG_DUMP: "database.pgdump", JSON: "database.json"}
# Content types and permissions are made again by migrate; everything that points at them does so by natural key.
JSON_EXCLUDE = ["contenttypes", "auth.permission"]
INSTALL_CLIENT = "请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）。"


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 和 PostgreSQL）。")
    return vendor


def choose_method(requested: str = "") -> str:
    if requested == JSON:
        return JSON
    if requested not in ("", "native"):
        raise BackupError(f"未知的备份方式“{requested}”：可选 native（默认）或 json。")
    if engine() == "sqlite":
        return SQLITE
    return PG_DUMP if shutil.which("pg_dump") and shutil.which("pg_restore") else JSON


def dump(method: str, target: Path, snapshot: str | None = None) -> None:
    if method == SQLITE:
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    elif method == PG_DUMP:
        snapshot_args = [f"--snapshot={snapshot}"] if snapshot else []
        _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", *snapshot_args, f"--file={target}")
    else:
        # Inside run.backup's repeatable-read transaction on PostgreSQL: every table read in one snapshot.
        with transaction.atomic():
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=True,
                exclude=JSON_EXCLUDE,
                output=str(target),
                verbosity=0,
            )


def load(method: str, source: Path) -> None:
    """Replace the database's content with the backup's (the caller has checked that this is wanted)."""
    if method == SQLITE:
        if engine() != "sqlite":
            raise BackupError("该备份是 SQLite 数据库文件，只能恢复到 SQLite；请改用 json 方式备份后再迁移。")
        connection.ensure_connection()
        backup = sqlite3.connect(source)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
        connection.close()
    elif method == PG_DUMP:
        if engine() != "postgresql":
            raise BackupError("该备份是 pg_dump 格式，只能恢复到 PostgreSQL；请改用 json 方式备份后再迁移。")
        if not shutil.which("pg_restore"):
            raise BackupError(f"找不到 pg_restore：{INSTALL_CLIENT}")
        connection.close()
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(source),
            database_flag="--dbname",
        )
    elif method == JSON:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(source), verbosity=0)
    else:
        raise BackupError(f"备份清单中的数据库备份方式“{method}”无法识别。")


def _pg(program: str, *args: str, database_flag: str = "") -> None:
    settings_dict = connection.settings_dict
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    command = [program, *args]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{flag}={settings_dict[key]}")
    command.append(f"--dbname={settings_dict['NAME']}" if database_flag else settings_dict["NAME"])
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {program}：{INSTALL_CLIENT}") from exc
    if result.returncode != 0:
        raise BackupError(f"{program} 失败（退出码 {result.returncode}）：{result.stderr.strip()[-800:]}")
