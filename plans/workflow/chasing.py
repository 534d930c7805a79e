"""催办: staff chase a unit about a node plan (its lead units) or about its work in general (the league
table). Each unit's liaisons hear at once through their channels (plans.notifications.sending); the same request key
sent twice (a double click) records and sends nothing more."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from plans import access, audience
from plans.models import Chase, Milestone
from plans.notifications import notices

MESSAGE_LIMIT = 300


def new_request_key() -> str:
    return uuid.uuid4().hex


def _clean(message: str, key: str) -> tuple[str, str]:
    message = " ".join(message.split())
    if len(message) > MESSAGE_LIMIT:
        raise ValidationError(f"催办说明不能超过 {MESSAGE_LIMIT} 字。")
    key = (key or "").strip()[:64] or new_request_key()
    return message, key


def _record(user, unit, milestone, message, key) -> tuple[Chase, bool]:
    existing = Chase.objects.filter(idempotency_key=key, unit=unit).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            chase = Chase(unit=unit, milestone=milestone, message=message, author=user, idempotency_key=key)
            chase._history_user = user  # services run outside requests too (demo data, tests)
            chase.save()
    except IntegrityError:  # the other click of a double click won the race
        return Chase.objects.get(idempotency_key=key, unit=unit), False
    notices.chased(chase)
    return chase, True


@transaction.atomic
def chase_milestone(user, milestone: Milestone, message: str = "", key: str = "") -> list[Chase]:
    """Chase each lead unit of a node plan; returns the chases created now (none for a repeated key)."""
    access.require(user, "chase", milestone, "只有组织部工作人员可以催办。")
    message, key = _clean(message, key)
    units = audience.lead_units(milestone)
    if not units:
        raise ValidationError("该节点计划没有牵头单位，无法催办。")
    return [chase for chase, created in (_record(user, u, milestone, message, key) for u in units) if created]


@transaction.atomic
def chase_unit(user, unit, message: str = "", key: str = "") -> list[Chase]:
    access.require(user, "chase_unit", None, "只有组织部工作人员可以催办。")
    if not access.units_acted_on(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("只能催办本人管理地区的单位。")
    message, key = _clean(message, key)
    chase, created = _record(user, unit, None, message, key)
    return [chase] if created else []
