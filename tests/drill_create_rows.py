"""Run by tests/test_delivery_drills.py as a subprocess: the daily job for one day, slowed down while it
creates the day's outbox rows (one digest per transaction, 0.3 s each), so the test can kill -9 it half-way.
Not a test itself."""

import os
import sys
import time
from datetime import date

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentplan.settings")
django.setup()

from plans.notifications import daily_run, outbox  # noqa: E402

outbox.CREATE_BATCH = 1  # the job writes 50 digests per transaction; one here, so a kill lands between them
original = outbox._create_batch


def slow_create_batch(*args, **kwargs):
    made = original(*args, **kwargs)
    time.sleep(0.3)
    return made


outbox._create_batch = slow_create_batch
print("started", flush=True)
daily_run.run_reminders(date.fromisoformat(sys.argv[1]))
print("finished", flush=True)
