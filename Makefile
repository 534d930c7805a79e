# 人才工作行动计划督办平台 — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/talentplan
export DEBUG ?= 1

.PHONY: setup run serve test test-sqlite test-postgres lint browsers clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "需要 Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed
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
	@mkdir -p var/celery/queue var/celery/processed
	@echo "门户地址：http://127.0.0.1:$(PORT)/   管理后台：http://127.0.0.1:$(PORT)/admin/   邮件：var/mail/"
	@$(VENV)/bin/celery -A talentplan worker -B --pool=solo --without-gossip --without-mingle --without-heartbeat \
		--loglevel=INFO --logfile=var/celery/worker.log & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# Command 2: set everything up and run the whole test suite (SQLite, then PostgreSQL where it runs).
test: lint test-sqlite test-postgres

test-sqlite: $(VENV)/.installed
	$(PY) -m pytest

test-postgres: $(VENV)/.installed
	@if $(PY) -c "import psycopg2; psycopg2.connect('$(PG_TEST_URL:talentplan=postgres)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== 在 PostgreSQL 上再运行一次测试套件 =="; \
		DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest; \
	elif [ -n "$$CI" ]; then \
		echo "CI 中连接不到 PostgreSQL（$(PG_TEST_URL)），测试失败。"; exit 1; \
	else \
		echo "跳过 PostgreSQL 测试：连接不到 $(PG_TEST_URL)。"; \
	fi

# Debian packages the full test suite uses: Chromium (driven by Playwright; its own browser download is
# never used), CJK fonts, LibreOffice (opens the Word bulletin) and poppler (renders its PDF to PNG).
SYSTEM_PACKAGES := chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils
browsers:
	@if command -v chromium >/dev/null && command -v libreoffice >/dev/null && command -v pdftoppm >/dev/null; then \
		echo "Chromium、LibreOffice、pdftoppm 均已安装"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
	else echo "需要 root 权限安装：sudo apt-get install $(SYSTEM_PACKAGES)"; fi

clean:
	rm -rf $(VENV) var .pytest_cache
