"""A fresh clone starts: the portal makes its own directories, and production installs only what it runs."""

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
# Every directory the portal writes to, relative to TALENTPLAN_VAR_DIR (README: SQLite, mail, uploads, Celery).
RUNTIME_DIRS = ["static", "uploads", "mail", "celery/queue", "celery/processed", "celery/control"]


def run_python(code: str, var_dir, cwd=ROOT, **extra_env) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", code], var_dir, cwd, **extra_env)


def run(args, var_dir, cwd=ROOT, **extra_env) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "talentplan.settings",
        "TALENTPLAN_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(ROOT),
        **extra_env,
    }
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_migrate_on_a_var_dir_that_does_not_exist_then_demo_progress_alone(tmp_path):
    var_dir = tmp_path / "new" / "var"
    result = run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], var_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (var_dir / "talentplan.sqlite3").stat().st_size > 0
    for name in RUNTIME_DIRS:
        assert (var_dir / name).is_dir(), name
    # demo_progress on this fresh database on its own, with no loadplans or demo_accounts before it (it once
    # failed with KeyError: 'admin'): it loads the plans and makes the demo accounts it needs.
    result = run([sys.executable, "manage.py", "demo_progress"], var_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "已先载入 fixtures/ 中的 3 个计划" in result.stdout and "已先创建演示账号" in result.stdout
    assert re.search(r"已写入演示进展 [1-9]\d* 条", result.stdout) and "已写入演示批示 1 条、催办 1 次" in result.stdout


def test_celery_keeps_its_exchange_table_under_var_not_in_the_working_directory(tmp_path):
    # kombu's filesystem transport writes <control_folder>/celery.exchange when a task is first sent;
    # its default control folder is ./control, which is how control/celery.exchange got committed.
    var_dir, cwd = tmp_path / "var", tmp_path / "elsewhere"
    cwd.mkdir()
    code = (
        "import django; django.setup(); from talentplan.celery import app; app.send_task('plans.tasks.deliver_outbox')"
    )
    result = run_python(code, var_dir, cwd=cwd)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (var_dir / "celery" / "control" / "celery.exchange").is_file()
    assert len(list((var_dir / "celery" / "queue").glob("*.msg"))) == 1
    assert list(cwd.iterdir()) == []


def test_an_unusable_var_dir_is_a_clear_chinese_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run_python("import django; django.setup()", blocker / "var")
    assert result.returncode != 0
    assert "无法创建运行目录" in result.stderr and str(blocker / "var") in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make 未安装")
def test_make_run_listens_on_this_machine_unless_asked():
    def dry_run(*args):
        return subprocess.run(["make", "-n", "serve", *args], cwd=ROOT, capture_output=True, text=True).stdout

    local = dry_run()
    assert "runserver 127.0.0.1:8000" in local and "演示账号的密码是公开的" not in local
    public = dry_run("HOST=0.0.0.0", "PORT=8123")
    assert "runserver 0.0.0.0:8123" in public and "演示账号的密码是公开的" in public


def requirement_names(path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[=<>~!\[ ]", line)[0].lower().replace("_", "-"))
    return names


def third_party_imports() -> set[str]:
    """Top-level modules the portal's own code (not tests) imports or names in its settings, less the stdlib."""
    local = {p.name for p in ROOT.iterdir() if p.is_dir()} | {"manage"}
    named = [*settings.INSTALLED_APPS, *settings.MIDDLEWARE, *(s["BACKEND"] for s in settings.STORAGES.values())]
    found = {name.split(".")[0] for name in named}
    for app in ["talentplan", "audit", "units", "identity", "plans", "targets"]:
        for source in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in local}


def test_production_requirements_cover_every_runtime_import_and_no_test_tool():
    # requirements-ldap.txt is runtime too: python-ldap has no wheel, so make directory installs it apart.
    runtime = requirement_names(ROOT / "requirements.txt") | requirement_names(ROOT / "requirements-ldap.txt")
    dev_file = ROOT / "requirements-dev.txt"
    assert dev_file.read_text().splitlines()[1] == "-r requirements.txt"  # after the comment line
    dev_only = requirement_names(dev_file)
    assert {"pytest", "pytest-django", "hypothesis", "time-machine", "ruff", "playwright"} <= dev_only
    assert not runtime & dev_only
    distributions = importlib.metadata.packages_distributions()
    for module in third_party_imports():
        owners = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        assert owners & runtime, f"运行时代码导入了 {module}，但 requirements.txt 中没有它（{owners}）"
    # The image installs the runtime lock only, with hashes: every runtime pin is in it, no test tool is.
    instructions = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.startswith("#")]
    assert "RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock" in instructions
    assert not [line for line in instructions if "requirements-dev" in line]
    locked = requirement_names(ROOT / "requirements.lock")
    assert runtime <= locked and not (dev_only - runtime) & locked - {"pip-tools"}
