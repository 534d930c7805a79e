"""待审核: staff's queue of everything waiting for a decision (reports, extension requests, indicator entries)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from plans import access
from plans.workflow import review
from talentplan.lib.params import page_param

REVIEWS_PER_PAGE = 50  # oldest first, so the page staff see is the one waiting longest
PAGE_PARAMS = {"reports": "page", "extensions": "extensions_page", "entries": "entries_page"}


def review_queue(request):
    access.require_page(request.user, "review")
    pending = review.pending(request.user)
    context = {
        name: Paginator(queryset, REVIEWS_PER_PAGE).get_page(
            page_param(request.GET, PAGE_PARAMS.get(name, f"{name}_page"))
        )
        for name, queryset in pending.items()
    }
    # The nav's 待审核 is these pages' counts: reuse them rather than count the queue a second time.
    context["nav_pending"] = sum(page.paginator.count for page in context.values())
    return render(request, "plans/review_queue.html", context)
