"""The one review workflow (审核) for everything staff decide on: progress reports, extension requests
and indicator entries (each a `Reviewable`).

Who may decide (plans.access), "a return (不批准) needs a comment", the version lock (a stale page is refused
and what the first reviewer saved stays), the reviewer fields and the change reason kept in history
are here once; what an approval changes (a node plan's status, a deadline, an indicator's actual) is
the `on_approved` callback of the kind's own service.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans import access
from plans.choices import ExtensionState, ReportState
from plans.models import Reviewable
from talentplan.lib.versioning import lock_current
from targets.models import IndicatorEntry


@transaction.atomic
def decide(
    user, item: Reviewable, approve: bool, comment: str, version: int | None = None, on_approved=None, check=None
):
    """Approve, or return with a comment. `version` is the one the reviewer saw (None: lock the current row).
    Access is asked here, once, for every kind; `check(item)` is a kind's own refusal, asked right after it
    (a 已完成 report that names no deadline, plans.workflow.reporting)."""
    model = type(item)
    access.require(user, "review", item, model.review_refusal)
    if check is not None:
        check(item)
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError(model.comment_required_message)
    if version is None:
        item = model.objects.select_for_update().get(pk=item.pk)
        item.version += 1
    else:
        item = lock_current(model, item.pk, version)  # a stale page is told so before anything else
    if item.state != model.PENDING:
        raise ValidationError(model.not_pending_message)
    item.state = model.APPROVED if approve else model.RETURNED
    item.reviewer, item.reviewed_at, item.review_comment = user, timezone.now(), comment
    item._change_reason = model.change_reasons[0 if approve else 1]
    item.save(update_fields=["state", "reviewer", "reviewed_at", "review_comment", "version"])
    if approve and on_approved is not None:
        on_approved(item)
    return item


def pending(user) -> dict:
    """待审核: what waits for this user's decision, oldest first, on plans that are not archived, in the regions
    where they act (a region they only read is not their queue)."""
    acted_on = access.plans_acted_on(user)
    return {
        "reports": access.reports(user)
        .active()
        .filter(milestone__plan__in=acted_on)
        .filter(state=ReportState.SUBMITTED)
        .select_related("milestone__plan", "unit", "author", "occurrence")  # the queue names the deadline
        .order_by("submitted_at"),
        "extensions": access.extensions(user)
        .active()
        .filter(milestone__plan__in=acted_on)
        .filter(state=ExtensionState.PENDING)
        .select_related("milestone__plan", "unit", "occurrence", "requested_by")
        .order_by("requested_at"),
        "entries": access.indicator_entries(user)
        .filter(indicator__plan__in=acted_on)
        .filter(state=IndicatorEntry.PENDING, indicator__plan__archived_at__isnull=True)
        .select_related("indicator__plan", "indicator__unit", "author")
        .order_by("submitted_at"),
    }
