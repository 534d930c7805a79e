"""Celery tasks: thin wrappers around plans.notifications (the code send_reminders runs) and
plans.loading.import_jobs (the code a confirmed import runs)."""

import logging
from dataclasses import asdict
from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError

from plans.dashboard import stored_counts
from plans.loading import import_jobs
from plans.notifications import daily_run, outbox

log = logging.getLogger(__name__)


@shared_task(name="plans.tasks.send_daily_reminders")
def send_daily_reminders(on_date: str | None = None) -> dict:
    """Covers every day since the last completed run (a missed morning is made good here)."""
    return asdict(daily_run.run_reminders(date.fromisoformat(on_date) if on_date else None))


@shared_task(name="plans.tasks.deliver_outbox")
def deliver_outbox() -> dict:
    """Every 5 minutes: starts the day's run if its scheduled time passed without one (the broker was down
    at 08:30, or the worker died), retries failed sends whose backoff has passed, and releases stale claims."""
    if daily_run.scheduled_run_missed():
        report = asdict(daily_run.run_reminders())
    else:
        report = asdict(outbox.deliver_pending())
    come_back_for_paced_rows()
    return report


def come_back_for_paced_rows() -> None:
    """A robot's pacing held rows back for seconds: this task runs again when the first may go (Celery's eta)
    rather than at the next 5-minute beat. A second delivery at the same time is harmless (rows are claimed)."""
    due = outbox.next_paced_send()
    now = timezone.now()
    if due is None or due - now > timedelta(minutes=5):
        return  # nothing waits, or beat comes first
    try:
        deliver_outbox.apply_async(eta=max(due, now), expires=due + timedelta(minutes=5))
    except OperationalError:
        log.warning("无法预约机器人消息的顺延发送，将由每 5 分钟的任务发送")


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
