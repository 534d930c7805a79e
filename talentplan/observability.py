"""Logs, metrics and error reporting for operators; no app owns them, and nothing here imports an app.

- JsonFormatter: one JSON object per line on stdout (LOG_FORMAT=json), for a log collector.
- MetricsMiddleware + metrics view: Prometheus counters of requests and their durations by route, served at
  /metrics to the monitoring network only (METRICS_ALLOWED_CIDRS, loopback by default). Under gunicorn
  with several workers, set PROMETHEUS_MULTIPROC_DIR so that every worker's counts are summed.
- Sentry is started in settings.py when SENTRY_DSN is set (off by default)."""

import ipaddress
import json
import logging
import os
import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter("talentplan_http_requests", "HTTP requests answered", ["method", "route", "status"])
DURATION = Histogram(
    "talentplan_http_request_duration_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key in ("status_code", "request_path"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return json.dumps(entry, ensure_ascii=False, default=str)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match and match.view_name else "unresolved"  # bounded: one per URL name
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        DURATION.labels(route).observe(time.monotonic() - started)
        return response


def allowed_networks() -> list:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.METRICS_ALLOWED_CIDRS]


def address_allowed(address: str) -> bool:
    """REMOTE_ADDR only: Prometheus scrapes each node directly, so X-Forwarded-For (forgeable) is never read."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in allowed_networks())


@login_not_required
@never_cache
def metrics(request):
    if not address_allowed(request.META.get("REMOTE_ADDR", "")):
        return HttpResponseForbidden(
            "监控指标仅对监控网络开放（METRICS_ALLOWED_CIDRS）。", content_type="text/plain; charset=utf-8"
        )
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
