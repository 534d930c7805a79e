# Production image: gunicorn serves the portal; the same image runs the Celery worker and beat.
# Only requirements.txt is installed: the test tools (requirements-dev.txt) are not needed here.
FROM python:3.11-slim
# var/ is a volume (uploads, beat schedule); static files belong to the image, so they live outside it.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TALENTPLAN_VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY requirements.txt .
# python-ldap (LDAP / AD sign-in) has no wheel: it builds against OpenLDAP's and Cyrus SASL's headers.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
EXPOSE 8000
CMD ["gunicorn", "talentplan.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
