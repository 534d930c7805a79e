"""Shared test setup: the three plans are loaded once per test session from the real fixtures."""

import pytest
from django.conf import settings

from plans.loading.load import load_plans
from units.accounts import create_user

PASSWORD = "test-pass-123"
# Named users, one per role, plus liaisons of several units (as in Healthchecks' tests): name -> (role, units,
# regions where they act). "staff" and "leader" work for both regions, so tests about one workflow read every
# plan; the region tests use the one-region users, the 江门市 督查员 and the superuser.
USERS = {
    "staff": ("staff", [], ["jianghai", "nanping"]),
    "leader": ("leader", [], ["jianghai", "nanping"]),
    "liaison_hr": ("liaison", ["区人力资源和社会保障局"], []),
    "liaison_health": ("liaison", ["区卫生健康局"], []),
    "liaison_lile": ("liaison", ["礼乐街道"], []),
    "liaison_np": ("liaison", ["市人社局"], []),
    "staff_jh": ("staff", [], ["jianghai"]),
    "leader_jh": ("leader", [], ["jianghai"]),
    "staff_np": ("staff", [], ["nanping"]),
    "leader_np": ("leader", [], ["nanping"]),
    "supervisor": ("leader", [], ["jiangmen"]),  # 江门市, the parent of 江海区: reads 江海区 only
    "superuser": ("staff", [], []),
}
SUPERUSERS = {"superuser"}

# Findings about the source documents themselves, printed at the end of the run.
DOCUMENT_FINDINGS: list[str] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_plans()
        create_test_users()


def create_test_users():
    for username, (role, units, regions) in USERS.items():
        user = create_user(username, role, units, PASSWORD, full_name=username, regions=regions)
        if user.is_superuser != (username in SUPERUSERS):
            user.is_superuser = username in SUPERUSERS
            user.save(update_fields=["is_superuser"])


@pytest.fixture
def user_named(django_user_model):
    return lambda name: django_user_model.objects.get(username=name)


@pytest.fixture
def client_as(client, user_named):
    """A test client logged in as one of the named users ("staff", "leader", "liaison_hr", ...)."""

    def login(name):
        client.force_login(user_named(name))
        return client

    return login


@pytest.fixture
def fixtures_dir():
    return settings.FIXTURES_DIR


@pytest.fixture
def seeds_dir():
    if not (settings.SEEDS_DIR / "README.md").exists():
        pytest.skip(f"找不到源文件目录 {settings.SEEDS_DIR}（需要 ../shared/seeds）")
    return settings.SEEDS_DIR


def pytest_sessionfinish(session):
    # Under pytest-xdist the findings are made in the workers: each hands its own to the controller.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["document_findings"] = DOCUMENT_FINDINGS


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for line in getattr(node, "workeroutput", {}).get("document_findings", []):
        if line not in DOCUMENT_FINDINGS:
            DOCUMENT_FINDINGS.append(line)


def pytest_terminal_summary(terminalreporter):
    if DOCUMENT_FINDINGS:
        terminalreporter.section("源文件核对结果")
        for line in DOCUMENT_FINDINGS:
            terminalreporter.write_line(line)


# --- Loopback peers for delivery tests (robot server, SMTP server); defined in tests/peers.py ---------
from tests.ldap_server import ldap_admin, slapd  # noqa: E402,F401
from tests.oidc_server import oidc_provider  # noqa: E402,F401
from tests.peers import robot_server, smtp_server  # noqa: E402,F401
# --- end of loopback peers ------------------------------------------------------------------------------
