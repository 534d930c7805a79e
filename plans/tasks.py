"""Celery tasks: thin wrappers around plans.notifications (the code send_reminders runs) and
plans.loading.import_jobs (the code a confirmed import runs)."""

from dataclasses import asdict
from datetime import date

from celery import shared_task
from django.utils import timezone

from plans.dashboard import stored_counts
from plans.loading import import_jobs
from plans.notifications import daily_run, outbox


@shared_task(name="plans.tasks.send_daily_reminders")
def send_daily_reminders(on_date: str | None = None) -> dict:
    """Covers every day since the last completed run (a missed morning is made good here)."""
    return asdict(daily_run.run_reminders(date.fromisoformat(on_date) if on_date else None))


@shared_task(name="plans.tasks.deliver_outbox")
def deliver_outbox() -> dict:
    """Every 5 minutes: starts the day's run if its scheduled time passed without one (the broker was down
    at 08:30, or the worker died), retries failed sends whose backoff has passed, and releases stale claims."""
    if daily_run.scheduled_run_missed():
        return asdict(daily_run.run_reminders())
    return asdict(outbox.deliver_pending())


@shared_task(name="plans.tasks.run_import")
def run_import_task(token: str) -> dict:
    """Writes a confirmed import preview: the same code a synchronous import runs."""
    state = import_jobs.run_import(token)
    return {"state": state.get("state"), "plan": state.get("plan_code")}


@shared_task(name="plans.tasks.expire_import_previews")
def expire_import_previews() -> int:
    return import_jobs.expire_previews()


@shared_task(name="plans.tasks.send_outbox_rows")
def send_outbox_rows(outbox_ids: list[int]) -> int:
    """Workflow notifications, sent as soon as they are recorded (notifications.sending); the rest wait for retry."""
    return sum(outbox.send_one(outbox_id) for outbox_id in outbox_ids)


@shared_task(name="plans.tasks.recount_dashboard_figures")
def recount_dashboard_figures() -> int:
    """Just after midnight: every plan's dashboard figures for the new day (the same code a reader runs)."""
    return stored_counts.recount_all(timezone.localdate())
