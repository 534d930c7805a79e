"""PgBouncer in transaction mode (README "部署与扩展"): the portal works through a real PgBouncer, started by
the test on a loopback port. Two recounts of the dashboard's figures run at once through it (the advisory
lock is pg_advisory_xact_lock, released with its transaction, so no session is assumed), a page renders, and a
queryset iterates with DISABLE_SERVER_SIDE_CURSORS. PostgreSQL only; skipped, saying why, elsewhere."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

from plans.models import Milestone, PlanFigures
from tests.sites import on_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
THROUGH_POOLER = """
import django, sys; sys.path.insert(0, "."); django.setup()
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.contrib.auth import get_user_model
from plans.dashboard.stored_counts import recount_all
from plans.models import Milestone
assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
counted = recount_all(timezone.localdate(), force=True)
iterated = sum(1 for _ in Milestone.objects.iterator(chunk_size=25))
client = Client()
client.force_login(get_user_model().objects.get(username="staff"))
page = client.get("/tasks/")
print(counted, iterated, page.status_code)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pgbouncer():
    if not on_postgres():
        pytest.skip("PgBouncer 只在 PostgreSQL 轮次测试（DATABASE_URL 为 PostgreSQL 时）")
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if binary is None:
        pytest.skip("未安装 PgBouncer（apt-get install -y pgbouncer）")
    params = dj_database_url.parse(os.environ["DATABASE_URL"])
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    folder.chmod(0o777)
    port = free_port()
    (folder / "users.txt").write_text(f'"{params["USER"]}" "{params["PASSWORD"] or ""}"\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={params['HOST'] or '127.0.0.1'} port={params['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\npool_mode = transaction\n"
        f"max_client_conn = 50\ndefault_pool_size = 2\nlogfile = {folder / 'pgbouncer.log'}\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    for path in folder.iterdir():
        path.chmod(0o666)
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]  # PgBouncer will not run as root
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        process.kill()
        pytest.skip(f"PgBouncer 未能启动：{process.stdout.read().decode()[-500:]}")
    yield port, params
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


def test_two_recounts_a_page_and_an_iterator_through_pgbouncer_in_transaction_mode(pgbouncer):
    port, params = pgbouncer
    name = settings.DATABASES["default"]["NAME"]  # the test database, with the three plans
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "talentplan.settings",
        "DATABASE_URL": f"postgres://{params['USER']}@127.0.0.1:{port}/{name}",
        "DISABLE_SERVER_SIDE_CURSORS": "1",
    }
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", THROUGH_POOLER],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=300) for run in runs]
    for run, (_, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err[-3000:]
    answers = [out.strip().splitlines()[-1].split() for out, _ in results]
    # Each run: plans counted, node plans iterated, the page's status. The lock held across pooled
    # connections: a run that waited found the plans fresh (0) or, started after, counted them again (3).
    assert {a[0] for a in answers} <= {"0", "3"} and "3" in {a[0] for a in answers}, answers
    assert [a[1:] for a in answers] == [[str(Milestone.objects.count()), "200"]] * 2, answers
    assert PlanFigures.objects.count() == 3  # one stored row per plan: no second writer beside the first
