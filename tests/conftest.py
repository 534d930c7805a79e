"""Shared test setup: the three plans are loaded once per test session from the real fixtures."""

import pytest
from django.conf import settings

from plans.loader import load_plans

# Findings about the source documents themselves, printed at the end of the run.
DOCUMENT_FINDINGS: list[str] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_plans()


@pytest.fixture
def fixtures_dir():
    return settings.FIXTURES_DIR


@pytest.fixture
def seeds_dir():
    if not (settings.SEEDS_DIR / "README.md").exists():
        pytest.skip(f"找不到源文件目录 {settings.SEEDS_DIR}（需要 ../shared/seeds）")
    return settings.SEEDS_DIR


def pytest_terminal_summary(terminalreporter):
    if DOCUMENT_FINDINGS:
        terminalreporter.section("源文件核对结果")
        for line in DOCUMENT_FINDINGS:
            terminalreporter.write_line(line)
