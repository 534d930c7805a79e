"""待审核: staff's queue of everything waiting for a decision (reports, extension requests, indicator entries)."""

from django.shortcuts import render

from .. import access, review


def review_queue(request):
    access.require_page(request.user, "review")
    return render(request, "plans/review_queue.html", review.pending(request.user))
