"""Run by tests/test_delivery_drills.py as a subprocess: the daily job for one day, slowed down while it
creates the day's outbox rows (0.3 s a row), so the test can kill -9 it half-way. Not a test itself."""

import os
import sys
import time
from datetime import date

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentplan.settings")
django.setup()

from plans.reminders import outbox, runs  # noqa: E402

original = outbox._side_effects


def slow_side_effects(*args, **kwargs):
    original(*args, **kwargs)
    time.sleep(0.3)


outbox._side_effects = slow_side_effects
print("started", flush=True)
runs.run_reminders(date.fromisoformat(sys.argv[1]))
print("finished", flush=True)
