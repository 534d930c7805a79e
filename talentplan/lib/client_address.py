"""Which address a request comes from, for the login throttle and the audit log alike."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address. X-Forwarded-For is read only when TRUSTED_PROXY_COUNT says how many of our own
    proxies append to it; then the entry the outermost of them added is the client, and anything to its left
    was written by the client and is ignored."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < proxies:
        return remote  # the request did not pass through all our proxies
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
