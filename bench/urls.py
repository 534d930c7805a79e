"""The portal's URLs plus the floor: the cheapest logged-in page, to separate framework cost from page cost."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def floor(request):
    return HttpResponse(f"<p>{request.user.username}</p>")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("talentplan.urls")),
]
