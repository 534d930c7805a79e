"""A separate portal for the drills (backup/restore, two web nodes): its own database and files, driven through
manage.py in subprocesses exactly as an operator would. Not a test itself.

The database follows the suite's: on PostgreSQL (DATABASE_URL set) a database of its own beside the test
database, dropped and made again by wipe(); otherwise an SQLite file under the drill's folder."""

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
EVIDENCE_SCRIPT = """
from django.contrib.auth import get_user_model
from plans import access
from tests.helpers import pdf_upload, submit
for i, user in enumerate(get_user_model().objects.filter(username__startswith="lx-jianghai").order_by("pk")[:3]):
    milestone = access.milestones(user).order_by("pk").first()
    upload = pdf_upload(f"演练佐证{i}.pdf", b"%PDF-1.4\\n" + f"drill {i} ".encode() * (200 + i))
    submit(user, milestone, narrative=f"演练报送 {i}", files=[(upload, "pdf")])
"""


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


class Site:
    def __init__(self, folder: Path, name: str, **env):
        self.folder = folder
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT", "CELERY_BROKER_URL")
        }
        self.env.update(
            DEBUG="1",
            DJANGO_SETTINGS_MODULE="talentplan.settings",
            TALENTPLAN_VAR_DIR=str(folder / "var"),
            MEDIA_ROOT=str(folder / "media"),
            NOTIFY_SEND_INLINE="1",
            IMPORT_IN_BACKGROUND="0",
        )
        if on_postgres():
            base = dict(os.environ)["DATABASE_URL"].rsplit("/", 1)[0]
            self.pg_name = f"{settings.DATABASES['default']['NAME']}_{name}"[:60]
            self.env["DATABASE_URL"] = f"{base}/{self.pg_name}"
        else:
            self.pg_name = None
            self.env["DATABASE_URL"] = f"sqlite:///{folder / (name + '.sqlite3')}"
        self.env.update(env)

    def manage(self, *args, check=True, timeout=300) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} 失败：{result.stdout}\n{result.stderr}")
        return result

    def python(self, code: str) -> str:
        """Run code inside the site's Django (the test helpers importable) and return the last line it printed
        (logs go to stdout too)."""
        prelude = "import django, sys; sys.path.insert(0, '.'); django.setup()\n"
        result = subprocess.run(
            [sys.executable, "-c", prelude + code],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    def wipe(self) -> None:
        """Drop the database and delete every file: what a lost machine leaves."""
        if self.pg_name:
            self._admin_sql(
                f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)', f'CREATE DATABASE "{self.pg_name}"'
            )
        else:
            Path(dj_database_url.parse(self.env["DATABASE_URL"])["NAME"]).unlink(missing_ok=True)
        subprocess.run(["rm", "-rf", str(self.folder / "media")], check=True)

    def build(self) -> None:
        """A portal as make run leaves it (the three plans, the demo accounts) plus three reports with evidence."""
        self.wipe()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("loadplans")
        self.manage("demo_accounts")
        self.python(EVIDENCE_SCRIPT)

    def _admin_sql(self, *statements: str) -> None:
        import psycopg2

        params = dj_database_url.parse(os.environ["DATABASE_URL"])
        connection = psycopg2.connect(
            dbname="postgres",
            user=params["USER"],
            host=params["HOST"],
            port=params["PORT"] or 5432,
            password=params["PASSWORD"] or None,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def drop(self) -> None:
        if self.pg_name:
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
