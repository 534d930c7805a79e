"""待审核: staff's queue of everything waiting for a decision."""

from django.core.paginator import Paginator
from django.shortcuts import render

from .. import access
from ..choices import ExtensionState, ReportState

REVIEWS_PER_PAGE = 50  # oldest first, so the page staff see is the one waiting longest


def review_queue(request):
    access.require_page(request.user, "review")
    reports = (
        access.reports(request.user)
        .active()
        .filter(state=ReportState.SUBMITTED)
        .select_related("milestone__plan", "unit", "author")
        .order_by("submitted_at")
    )
    extensions = (
        access.extensions(request.user)
        .active()
        .filter(state=ExtensionState.PENDING)
        .select_related("milestone__plan", "unit", "occurrence", "requested_by")
        .order_by("requested_at")
    )
    context = {
        "reports": Paginator(reports, REVIEWS_PER_PAGE).get_page(request.GET.get("page")),
        "extensions": Paginator(extensions, REVIEWS_PER_PAGE).get_page(request.GET.get("extensions_page")),
    }
    return render(request, "plans/review_queue.html", context)
