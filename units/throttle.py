"""Login throttling on top of django-axes: which address a request comes from, three failure limits, the
Chinese lockout page, and unlocking.

Limits (settings LOGIN_*), counted over the last LOGIN_LOCKOUT_MINUTES:
- one username from one address (AXES_FAILURE_LIMIT): the ordinary guesser;
- one username from any address: guessing spread over many addresses;
- one address for any username: password spraying, which also keeps the password hasher busy.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from talentplan.lib.client_address import client_ip  # noqa: F401  (AXES_CLIENT_IP_CALLABLE names it here)


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with the per-username and per-address limits added to its username+address one.

    Axes compares get_failures() with AXES_FAILURE_LIMIT in every place it decides on a lockout, so a
    wider limit that is reached reports the pair limit as reached."""

    def get_failures(self, request, credentials=None) -> int:
        pair_failures = super().get_failures(request, credentials)
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        wider = []
        if username and settings.LOGIN_FAILURE_LIMIT_PER_USERNAME:
            wider.append((recent.filter(username=username), settings.LOGIN_FAILURE_LIMIT_PER_USERNAME))
        if request.axes_ip_address and settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            wider.append((recent.filter(ip_address=request.axes_ip_address), settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS))
        if any(_failures(attempts) >= limit for attempts, limit in wider):
            return max(pair_failures, get_failure_limit(request, credentials))
        return pair_failures


def lockout_response(request, original_response=None, credentials=None):
    context = {"minutes": settings.LOGIN_LOCKOUT_MINUTES, "username": get_client_username(request, credentials)}
    return render(request, "registration/locked_out.html", context, status=429)


def unlock(usernames) -> int:
    """Forget the recorded failures of these usernames (from every address); returns how many records went."""
    return sum(AxesProxyHandler.reset_attempts(username=name) for name in usernames)
