# 人才工作行动计划督办平台 — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# make run serves on this machine only; HOST=0.0.0.0 serves the whole network (the demo password is public).
HOST ?= 127.0.0.1
PORT ?= 8000
VAR_DIR := $(or $(TALENTPLAN_VAR_DIR),var)
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/talentplan
# pytest-xdist workers for make test: one per core; TEST_WORKERS=0 runs the suite in this one process.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS)
export DEBUG ?= 1
ifeq ($(filter $(HOST),127.0.0.1 localhost),)
# Serving the network: accept the machine's own addresses as host names unless ALLOWED_HOSTS says otherwise.
export ALLOWED_HOSTS ?= *
PUBLIC_WARNING := 注意：正在监听 $(HOST)，网络上的其他人也能访问；演示账号的密码是公开的（见 README），用完请停止。
endif

.PHONY: setup run serve test test-sqlite test-postgres lint browsers directory clean screenshots

# The virtualenv is created once; each requirements file has its own stamp, so `make run` installs what the
# portal needs and a later `make test` adds the test tools.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "需要 Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed-runtime
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py loadplans
	$(PY) manage.py demo_accounts
	$(PY) manage.py demo_progress

# Command 1: set everything up and serve the portal on SQLite with the plans loaded.
run: setup serve

# The portal plus a Celery worker with embedded beat (kombu's filesystem transport: no Redis needed),
# so reminders go out on schedule; stopping the portal (Ctrl-C) stops the worker too.
serve:
	@echo "门户地址：http://$(HOST):$(PORT)/   管理后台：http://$(HOST):$(PORT)/admin/   邮件：$(VAR_DIR)/mail/"
	$(if $(PUBLIC_WARNING),@echo "$(PUBLIC_WARNING)")
	@$(VENV)/bin/celery -A talentplan worker -B --pool=solo --without-gossip --without-mingle --without-heartbeat \
		--loglevel=INFO --logfile=$(VAR_DIR)/celery/worker.log & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The leader's dashboard, first screen at 1366 and 390 px, on make run's data in a throwaway SQLite.
screenshots: $(VENV)/.installed-dev
	$(PY) tools/dashboard_screenshots.py

# ruff, then the dependency layers (import-linter; the contracts are in pyproject.toml).
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Command 2: set everything up and run the whole test suite (SQLite, then PostgreSQL where it runs).
test: lint test-sqlite test-postgres

test-sqlite: $(VENV)/.installed-dev
	$(PYTEST)

test-postgres: $(VENV)/.installed-dev
	@if $(PY) -c "import psycopg2; psycopg2.connect('$(PG_TEST_URL:talentplan=postgres)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== 在 PostgreSQL 上再运行一次测试套件 =="; \
		DATABASE_URL=$(PG_TEST_URL) $(PYTEST); \
	elif [ -n "$$CI" ]; then \
		echo "CI 中连接不到 PostgreSQL（$(PG_TEST_URL)），测试失败。"; exit 1; \
	else \
		echo "跳过 PostgreSQL 测试：连接不到 $(PG_TEST_URL)。"; \
	fi

# Debian packages the full test suite uses: Chromium (driven by Playwright; its own browser download is
# never used), CJK fonts, LibreOffice (opens the Word bulletin; Calc opens the xlsx exports to prove no formula
# is evaluated) and poppler (renders its PDF to PNG).
SYSTEM_PACKAGES := chromium fonts-noto-cjk libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
browsers:
	@if command -v chromium >/dev/null && command -v libreoffice >/dev/null && command -v pdftoppm >/dev/null \
		&& dpkg -s libreoffice-calc-nogui >/dev/null 2>&1; then \
		echo "Chromium、LibreOffice、pdftoppm 均已安装"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
	else echo "需要 root 权限安装：sudo apt-get install $(SYSTEM_PACKAGES)"; fi

# Directory sign-in's LDAP half: OpenLDAP's and Cyrus SASL's headers, which python-ldap (requirements-ldap.txt, no
# wheel) builds against, slapd + ldap-utils (the real OpenLDAP server the LDAP sign-in tests start on a free loopback
# port, tests/ldap_server.py; installed unconfigured, so no system directory is created or started), then
# requirements-ldap.txt into the virtualenv. Without it the portal runs and its LDAP tests skip, saying so.
DIRECTORY_PACKAGES := libldap2-dev libsasl2-dev slapd ldap-utils
directory: $(VENV)/.installed-ldap

$(VENV)/.installed-ldap: requirements-ldap.txt | $(PY)
	@if dpkg -s $(DIRECTORY_PACKAGES) >/dev/null 2>&1; then \
		echo "libldap2-dev、libsasl2-dev、slapd、ldap-utils 均已安装"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "slapd slapd/no_configuration boolean true" | debconf-set-selections; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DIRECTORY_PACKAGES); \
	else echo "需要 root 权限安装：sudo apt-get install $(DIRECTORY_PACKAGES)"; exit 1; fi
	$(PY) -m pip install --quiet -r requirements-ldap.txt
	touch $@

clean:
	rm -rf $(VENV) var .pytest_cache

# Benchmark (issue 13): PostgreSQL at 127.0.0.1, database talentplan_bench_<scale>; see docs/benchmark.md.
SCALE ?= 10k
.PHONY: bench
bench: $(VENV)/.installed-runtime
	$(PY) bench/run.py --scale $(SCALE)
	$(PY) bench/table.py --write
