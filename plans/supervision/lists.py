"""督办单 as the lists, the dashboard and the reminders count them: 未办结 (open), 未签收 (unsigned), 逾期
(open, not answered, past the reply date). Every list reads through plans.access.supervision_notices."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q

from plans import access
from plans.choices import SupervisionState
from plans.models import Milestone

LIST_STATES = {"open": "未办结", "unsigned": "未签收", "overdue": "逾期未回执", "done": "已办结", "all": "全部"}
DEFAULT_LIST_STATE = "open"
AWAITING_REPLY = [SupervisionState.ISSUED, SupervisionState.SIGNED, SupervisionState.RETURNED]


def open_q() -> Q:
    return ~Q(state=SupervisionState.DONE)


def unsigned_q() -> Q:
    return Q(state=SupervisionState.ISSUED)


def overdue_q(today: date) -> Q:
    """Past the reply date with no 回执 standing (not yet answered, or the answer was sent back)."""
    return Q(state__in=AWAITING_REPLY, reply_by__lt=today)


def is_overdue(notice, today: date) -> bool:
    return notice.state in AWAITING_REPLY and notice.reply_by < today


@dataclass(frozen=True)
class Counts:
    open: int
    unsigned: int
    overdue: int


def counts(queryset, today: date) -> Counts:
    """The three figures in one query."""
    figures = queryset.order_by().aggregate(
        open=Count("pk", filter=open_q()),
        unsigned=Count("pk", filter=unsigned_q()),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    return Counts(**figures)


def counts_for(user, today: date) -> Counts:
    return counts(access.supervision_notices(user), today)


def listed(user, state: str, today: date, unit_id: int | None = None):
    """The list page's rows, each with its unit, region and node plans (three queries whatever the number)."""
    rows = (
        access.supervision_notices(user)
        .select_related("unit", "region", "issued_by")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.select_related("plan").order_by("plan_id", "position"))
        )
    )
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if state == "open":
        rows = rows.filter(open_q()).order_by("reply_by", "pk")
    elif state == "unsigned":
        rows = rows.filter(unsigned_q()).order_by("reply_by", "pk")
    elif state == "overdue":
        rows = rows.filter(overdue_q(today)).order_by("reply_by", "pk")
    elif state == "done":
        rows = rows.filter(state=SupervisionState.DONE).order_by("-closed_at", "-pk")
    else:
        rows = rows.order_by("-issued_at", "-pk")
    return rows
