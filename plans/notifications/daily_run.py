"""The daily job, idempotent and catching up: each run covers every day since the last completed run
(at most REMINDER_CATCH_UP_DAYS back), creates that day's outbox rows, and only then records the day as
completed. A run killed half-way, or a day whose 08:30 task never reached a worker (broker down), is
therefore done by the next run: the one beat fires the next morning, or the 5-minute delivery task,
which starts the day's run itself once the scheduled time has passed without one."""

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from plans.models import ReminderRun
from plans.notifications.outbox import RunReport, deliver_pending, record_digests

log = logging.getLogger(__name__)


def days_to_cover(today: dt.date) -> list[dt.date]:
    """Every day after the last completed run up to today (today always, it may be re-run safely)."""
    earliest = today - dt.timedelta(days=settings.REMINDER_CATCH_UP_DAYS - 1)
    last = ReminderRun.objects.filter(completed_at__isnull=False, date__lte=today).order_by("-date").first()
    start = max(earliest, last.date + dt.timedelta(days=1)) if last else today
    start = min(start, today)
    return [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]


def create_day(day: dt.date, plan_codes=None, missed_days: int = 0) -> RunReport:
    run, _ = ReminderRun.objects.get_or_create(date=day, defaults={"started_at": timezone.now()})
    report = record_digests(day, plan_codes, missed_days)
    if not plan_codes:  # a run for some plans only does not complete the day
        # F(): racing runs each add what they made; run.created was read before the others wrote theirs.
        ReminderRun.objects.filter(pk=run.pk).update(completed_at=timezone.now(), created=F("created") + report.created)
    return report


def run_reminders(today: dt.date | None = None, plan_codes=None, catch_up: bool = True) -> RunReport:
    today = today or timezone.localdate()
    days = days_to_cover(today) if catch_up and not plan_codes else [today]
    report = RunReport()
    # Missed days are made good by one catch-up per recipient, dated today, not one message per missed day (a unit
    # away for a week gets one message, and its robot is not flooded); the missed days are then complete too.
    made = create_day(days[-1], plan_codes, missed_days=len(days) - 1)
    report.created += made.created
    report.existing += made.existing
    if len(days) > 1:
        now = timezone.now()
        for day in days[:-1]:
            ReminderRun.objects.update_or_create(date=day, defaults={"started_at": now, "completed_at": now})
        log.warning("补发提醒：%s 至 %s 共 %s 天，合并为每个单位一条", days[0], days[-1], len(days))
    delivered = deliver_pending()
    report.sent, report.failed = delivered.sent, delivered.failed
    return report


def scheduled_run_missed(now: dt.datetime | None = None) -> bool:
    """Past today's scheduled time, and today has no completed run."""
    local = timezone.localtime(now or timezone.now())
    scheduled = local.replace(hour=settings.REMINDER_HOUR, minute=settings.REMINDER_MINUTE, second=0, microsecond=0)
    return local >= scheduled and not ReminderRun.objects.filter(date=local.date(), completed_at__isnull=False).exists()


def last_completed_run() -> ReminderRun | None:
    return ReminderRun.objects.filter(completed_at__isnull=False).order_by("-completed_at").first()


def run_is_stale(now: dt.datetime | None = None) -> bool:
    """The banner for staff: the last completed run is more than a day old (plus the hour a run may take).
    A portal that never ran one yet (a fresh install before its first morning) has nothing to compare."""
    last = last_completed_run()
    return last is not None and (now or timezone.now()) - last.completed_at > dt.timedelta(hours=25)
