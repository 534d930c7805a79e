"""待审核: staff's queue of everything waiting for a decision."""

from django.shortcuts import render

from .. import access
from ..choices import ExtensionState, ReportState


def review_queue(request):
    access.require_page(request.user, "review")
    acted_on = access.plans_acted_on(request.user)  # a region the reviewer only reads is not their queue
    reports = (
        access.reports(request.user)
        .active()
        .filter(milestone__plan__in=acted_on)
        .filter(state=ReportState.SUBMITTED)
        .select_related("milestone__plan", "unit", "author")
        .order_by("submitted_at")
    )
    extensions = (
        access.extensions(request.user)
        .active()
        .filter(milestone__plan__in=acted_on)
        .filter(state=ExtensionState.PENDING)
        .select_related("milestone__plan", "unit", "occurrence", "requested_by")
        .order_by("requested_at")
    )
    return render(request, "plans/review_queue.html", {"reports": reports, "extensions": extensions})
