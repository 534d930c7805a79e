"""The sign-in pages: Django's, with the notice of why the last session ended."""

from django.contrib.auth import views as auth_views

from units import sessions


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_notice"] = sessions.notice(self.request.session.pop(sessions.EXPIRED, None))
        return context
