"""Login throttling on top of django-axes: which address a request comes from, three failure limits, the
Chinese lockout page, and unlocking.

Limits (settings LOGIN_*), counted over the last LOGIN_LOCKOUT_MINUTES:
- one username from one address (AXES_FAILURE_LIMIT): the ordinary guesser;
- one username from any address: guessing spread over many addresses;
- one address for any username: password spraying, which also keeps the password hasher busy. Not for an
  address many people share (shares_one_address): behind a NAT one person must not lock out a department.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from talentplan.lib.client_address import client_ip  # noqa: F401  (AXES_CLIENT_IP_CALLABLE names it here)


def shares_one_address(request) -> bool:
    """The address is not one person's, so the per-address limit must not lock it: one person's failures would
    lock everyone behind it. That is an address in LOGIN_SHARED_ADDRESSES (a department's NAT gateway, a proxy
    not counted in TRUSTED_PROXY_COUNT), or, with TRUSTED_PROXY_COUNT set, a request that did not bring the
    whole X-Forwarded-For chain, whose address is then one of our own proxies (client_ip fell back to it)."""
    address = client_ip(request)
    if address is None:
        return False
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if any(parsed in network for network in shared_networks()):
        return True
    proxies = settings.TRUSTED_PROXY_COUNT
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return proxies > 0 and address == request.META.get("REMOTE_ADDR") and len(chain) < proxies


def shared_networks() -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.LOGIN_SHARED_ADDRESSES]


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
        per_address = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
        if request.axes_ip_address and per_address and not shares_one_address(request):
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
