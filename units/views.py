"""The sign-in pages: Django's, with the notice of why the last session ended."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from audit.choices import Action, Outcome
from audit.log import record
from units import passwords, second_factor, sessions


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


def second_factor_view(request):
    """After the password: enrol an authenticator (QR code) the first time, then enter its code."""
    if not request.session.get(second_factor.PENDING):
        return redirect("plans:home")
    error = ""
    if request.method == "POST":
        if second_factor.verify(request, request.POST.get("token", "")):
            record(Action.SECOND_FACTOR, request=request, detail="动态验证码正确")
            target = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
            return redirect(target if safe and target else "plans:home")
        record(Action.SECOND_FACTOR, request=request, detail="动态验证码不正确", outcome=Outcome.FAILURE)
        error = "验证码不正确或已过期，请输入验证器中当前显示的验证码。"
    context = {"error": error, "enrolling": second_factor.confirmed_device(request.user) is None}
    if context["enrolling"]:
        device = second_factor.enrolment_device(request.user)
        context["qr"] = second_factor.qr_svg_data_uri(second_factor.otpauth_uri(device))
        context["secret"] = second_factor.secret_base32(device)
    return render(request, "registration/second_factor.html", context, status=200 if not error else 400)
