"""/healthz for the on-call person (the process is alive, and what it depends on) and /readyz for the load
balancer (send this node requests: its database, broker and file storage answer). JSON, no login, no
secrets; 503 when a dependency is down."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from plans.probes import health, readiness


@login_not_required
@never_cache
@require_GET
def healthz(request):
    report = health()
    return JsonResponse(report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})


@login_not_required
@never_cache
@require_GET
def readyz(request):
    report = readiness()
    return JsonResponse(report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})
