"""The counts in the nav: 待审核 for staff and unread 通知 for everyone, in a fixed number of queries
(one COUNT each, whatever the page and however many rows there are; tests/test_nav_counts.py)."""

from . import access
from .choices import ExtensionState, ReportState


def pending_reviews(user) -> int:
    """What waits in the 待审核 queue: submitted reports and pending extensions (plans/views/reviews.py)."""
    reports = access.reports(user).active().filter(state=ReportState.SUBMITTED).count()
    extensions = access.extensions(user).active().filter(state=ExtensionState.PENDING).count()
    return reports + extensions


def nav_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = {"nav_unread": lambda: access.notifications(user).filter(read_at__isnull=True).count()}
    if access.can(user, "review"):
        counts["nav_pending"] = lambda: pending_reviews(user)
    return counts
