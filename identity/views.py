"""Sign-in and sign-out pages: the local form (which LDAP / AD accounts use too), 统一身份认证, the page for a
person no mapping covers, and the Chinese failure page."""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from identity.forms import DirectoryAuthenticationForm
from identity.models import DirectoryAccount
from identity.oidc import FAILURE_KEY, ProviderError, is_configured, oidc_setting, provider_logout_url
from identity.sign_in import contact_for
from units import views as account_views
from units.roles import user_role

NOT_CONFIGURED = "本平台没有配置统一身份认证，请用账号和密码登录。"
GENERIC_FAILURE = "统一身份认证登录没有完成，请重新登录；如持续出现，请联系系统管理员。"


def failure_page(request, message: str, status: int):
    return render(request, "identity/failed.html", {"message": message}, status=status)


class LoginView(account_views.LoginView):
    """The local form (with the session-expiry notice of units.views); "统一身份认证登录" shows only where a
    provider is configured."""

    authentication_form = DirectoryAuthenticationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "oidc_enabled": is_configured(),
            "ldap_enabled": bool(settings.LDAP_SERVER_URI),
        }


@method_decorator(login_not_required, name="dispatch")
class LogoutView(View):
    """Ends the portal's session and, for a 统一身份认证 sign-in, the provider's too (RP-initiated logout)."""

    http_method_names = ["post"]

    def post(self, request):
        provider_url = provider_logout_url(request)  # before logout() forgets the ID token
        auth.logout(request)
        return redirect(provider_url or resolve_url(settings.LOGOUT_REDIRECT_URL))


@method_decorator(login_not_required, name="dispatch")
class OIDCLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in page."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the provider is read in get(), where a failure is a page, not a 500

    def get(self, request):
        if not is_configured():
            return failure_page(request, NOT_CONFIGURED, 404)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
            return super().get(request)
        except ProviderError as exc:
            return failure_page(request, str(exc), 503)


@method_decorator(login_not_required, name="dispatch")
class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back with a code; a person with no mapping goes to their page."""

    get_settings = staticmethod(oidc_setting)

    @property
    def failure_url(self):
        return reverse("identity:failed")

    @property
    def success_url(self):
        if user_role(self.user) is None and not self.user.is_superuser:
            return reverse("identity:unmapped")
        return super().success_url

    def get(self, request):
        if not is_configured():
            return failure_page(request, NOT_CONFIGURED, 404)
        if request.GET.get("error"):
            error = request.GET["error"][:100]
            request.session[FAILURE_KEY] = f"统一身份认证平台没有完成登录（{error}），请重新登录。"
        try:
            return super().get(request)
        except SuspiciousOperation:
            return failure_page(request, "登录请求已失效或与本次会话不符，请从登录页重新登录。", 400)


@login_not_required
def sign_in_failed(request):
    message = request.session.pop(FAILURE_KEY, "") or GENERIC_FAILURE
    return failure_page(request, message, 200)


def unmapped(request):
    """The one page a person with no role sees: who they are and whom to ask."""
    if user_role(request.user) is not None or request.user.is_superuser:
        return redirect("plans:home")
    return render(request, "identity/unmapped.html", unmapped_context(request.user))


def unmapped_context(user) -> dict:
    account = DirectoryAccount.objects.filter(user=user).order_by("-last_sign_in").first()
    return {
        "account": account,
        "contact": contact_for(account.region_hint if account else ""),
    }


logout = require_POST(LogoutView.as_view())
