"""The counts in the nav: 待审核 for staff and unread 通知 for everyone, in a fixed number of queries
(one COUNT each, whatever the page and however many rows there are; tests/test_nav_counts.py)."""

from . import access, review


def pending_reviews(user) -> int:
    """What waits in the 待审核 queue (plans.review.pending): reports, extensions and indicator entries."""
    return sum(queryset.count() for queryset in review.pending(user).values())


def nav_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = {"nav_unread": lambda: access.notifications(user).filter(read_at__isnull=True).count()}
    if access.can(user, "review"):
        counts["nav_pending"] = lambda: pending_reviews(user)
    return counts
