# Production image: gunicorn serves the portal; the same image runs the Celery worker and beat.
# Only the runtime lock is installed, every package checked against its hash (requirements.lock, made by
# pip-compile --generate-hashes from requirements.txt): two builds install the same files.
FROM python:3.11-slim
# var/ is a volume (uploads, beat schedule); static files belong to the image, so they live outside it.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TALENTPLAN_VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles
WORKDIR /app
# pg_dump / pg_restore for manage.py backup and restore (README "备份与恢复"); python-ldap (LDAP / AD sign-in)
# has no wheel: it builds against OpenLDAP's and Cyrus SASL's headers.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client gcc libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
# A user of its own: the processes never run as root; it owns only var/ (the volume) and nothing of the code.
RUN useradd --system --uid 10001 --home-dir /app --no-create-home talentplan && mkdir -p /app/var \
    && chown talentplan /app/var
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"
CMD ["gunicorn", "talentplan.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
