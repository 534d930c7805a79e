from django.shortcuts import render
from django.urls import Resolver404, resolve

from identity.views import unmapped_context
from units.roles import user_role

# What a signed-in person with no role may still open: their own page, signing out, the probes.
OPEN_TO_UNMAPPED = {"identity:unmapped", "logout", "login", "healthz", "identity:failed", "identity:oidc_callback"}


class UnmappedPersonMiddleware:
    """A signed-in person with no role (a directory account no mapping covers) sees only whom to ask: every
    other page answers 403 with that page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_superuser and user_role(user) is None:
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            if name not in OPEN_TO_UNMAPPED:
                return render(request, "identity/unmapped.html", unmapped_context(user), status=403)
        return self.get_response(request)
