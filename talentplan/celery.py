"""The Celery app, laid out as in Paperless-ngx: settings come from the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentplan.settings")

app = Celery("talentplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
