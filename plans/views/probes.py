"""/healthz for the load balancer and the on-call person: JSON, no login, no secrets; 503 when the
database or the broker is down."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from plans.probes import health


@login_not_required
@never_cache
@require_GET
def healthz(request):
    report = health()
    return JsonResponse(report, status=200 if report["ok"] else 503, json_dumps_params={"ensure_ascii": False})
