"""Writing the audit log: one function, called by whatever does the act, inside the act's transaction where it has
one, so the act and its record are kept or lost together. Signal receivers for sign-in and 数据管理 are in
receivers.py; the apps record their own acts (units.account_audit, the download views of plans)."""

from audit.choices import Action, Outcome
from audit.context import current_request
from audit.models import AuditEvent
from talentplan.lib.client_address import client_ip

ADMIN_PREFIX = "/admin/"


def record(
    action: Action,
    *,
    request=None,
    actor=None,
    actor_name: str = "",
    target: str = "",
    obj=None,
    object_ref: tuple[str, str] | None = None,
    detail: str = "",
    outcome: Outcome = Outcome.SUCCESS,
) -> AuditEvent:
    """Record one act. Without a request, the current one (if any) gives the actor and the address; without
    either, the act came from a command or a task."""
    request = request if request is not None else current_request()
    user = getattr(request, "user", None) if request is not None else None
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    if actor is not None and not actor_name:
        actor_name = actor.get_username()
    path = request.path[:500] if request is not None else ""
    if request is None:
        source = "command"
    elif path.startswith(ADMIN_PREFIX):
        source = "admin"
    else:
        source = "web"
    if obj is not None:
        object_ref = (obj._meta.label_lower, str(obj.pk))
    object_type, object_id = object_ref or ("", "")
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor_name[:150],
        action=action,
        outcome=outcome,
        address=client_ip(request) if request is not None else None,
        target=str(target)[:300],
        object_type=object_type,
        object_id=str(object_id)[:64],
        detail=detail,
        path=path,
        source=source,
    )


def record_response(action: Action, request, response, target: str = "", obj=None, detail: str = ""):
    """Record a download as the response says it went (a missing file is a failure), and hand the response on."""
    outcome = Outcome.SUCCESS if 200 <= response.status_code < 300 else Outcome.FAILURE
    record(action, request=request, target=target, obj=obj, detail=detail, outcome=outcome)
    return response
