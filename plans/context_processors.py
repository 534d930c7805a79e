"""Template context for every page: the nav counts (待审核 for staff, unread 通知 for everyone, one COUNT
each, whatever the page; tests/test_loop_pages.py) and, for staff, a banner when the daily reminders have not
completed for more than a day."""

from plans import access
from plans.notifications.daily_run import run_is_stale
from plans.workflow import review


def pending_reviews(user) -> int:
    """What waits in the 待审核 queue (plans.workflow.review.pending): reports, extensions and indicator entries."""
    return sum(queryset.count() for queryset in review.pending(user).values())


def nav_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = {"nav_unread": lambda: access.notifications(user).filter(read_at__isnull=True).count()}
    if access.can(user, "review"):
        counts["nav_pending"] = lambda: pending_reviews(user)
    return counts


def reminder_banner(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not access.can(user, "manage_reminders"):
        return {}
    return {"reminder_run_stale": run_is_stale()}
