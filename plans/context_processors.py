"""A banner for staff when the daily reminders have not completed for more than a day."""

from . import access
from .reminders.runs import run_is_stale


def reminder_banner(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not access.can(user, "manage_reminders"):
        return {}
    return {"reminder_run_stale": run_is_stale()}
