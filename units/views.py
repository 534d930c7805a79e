"""The sign-in pages: Django's, with the notice of why the last session ended."""

from django.conf import settings
from django.contrib.auth import views as auth_views

from units import passwords, sessions


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_notice"] = sessions.notice(self.request.session.pop(sessions.EXPIRED, None))
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change page; a forced change says why, and choosing a password lifts it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = bool(self.request.session.get(passwords.MUST_CHANGE))
        context["min_length"], context["min_classes"] = settings.PASSWORD_MIN_LENGTH, settings.PASSWORD_MIN_CLASSES
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.changed_by_owner(self.request, form.user)
        return response
