"""统一身份认证 through OpenID Connect (mozilla-django-oidc), configured only by environment variables.

The provider's endpoints come from OIDC_OP_* or, when those are empty, from its discovery document
(OIDC_OP_DISCOVERY), read once on first use, never at start-up, so a provider that is down cannot stop the
portal. The ID token is checked for signature, algorithm, expiry, audience (our client id) and issuer;
anything wrong with the provider or the token becomes a Chinese message on the failure page, and the
user_login_failed signal is sent (the security audit log records it).
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from identity.choices import Source
from identity.sign_in import DirectoryPerson, SignInRefused, sign_in

logger = logging.getLogger(__name__)

# Our setting -> the discovery document's key (OpenID Connect Discovery 1.0, RP-Initiated Logout 1.0).
PROVIDER_KEYS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
    "OIDC_OP_ISSUER": "issuer",
}
REQUIRED = {"OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"}
FAILURE_KEY = "identity_failure"  # the session key the failure page reads its message from
BAD_TOKEN = "统一身份认证返回的身份令牌无效（签名、签发方、受众或有效期不符），已拒绝登录。请重新登录。"


class ProviderError(Exception):
    """The provider is misconfigured or does not answer: a Chinese message for the failure page."""


_discovered: dict[str, dict] = {}


def is_configured() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and (settings.OIDC_OP_DISCOVERY or settings.OIDC_OP_AUTHORIZATION_ENDPOINT))


def discovery() -> dict:
    url = settings.OIDC_OP_DISCOVERY
    if not url:
        return {}
    if url not in _discovered:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderError(f"无法读取统一身份认证平台的配置（{url}）：{exc.__class__.__name__}") from exc
        if not isinstance(document, dict) or not document.get("authorization_endpoint"):
            raise ProviderError(f"统一身份认证平台的配置（{url}）不是有效的 OpenID Connect 配置。")
        _discovered[url] = document
    return _discovered[url]


def forget_discovery() -> None:
    _discovered.clear()


def oidc_setting(name, *default):
    """A setting as mozilla-django-oidc asks for it, the provider's endpoints filled in from discovery."""
    if name in PROVIDER_KEYS:
        value = getattr(settings, name, "") or discovery().get(PROVIDER_KEYS[name], "")
        if not value and name in REQUIRED:
            raise ProviderError(f"统一身份认证未配置完整：缺少 {name}（或 OIDC_OP_DISCOVERY）。")
        return value or (default[0] if default else "")
    return import_from_settings(name, *default)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def person_from_claims(claims: dict) -> DirectoryPerson:
    """The claims (ID token, then userinfo) as a DirectoryPerson; claim names from OIDC_CLAIM_*."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("统一身份认证没有给出用户标识（sub），无法登录。")
    units = _as_list(claims.get(settings.OIDC_CLAIM_UNIT)) if settings.OIDC_CLAIM_UNIT else []
    region = str(claims.get(settings.OIDC_CLAIM_REGION) or "") if settings.OIDC_CLAIM_REGION else ""
    return DirectoryPerson(
        source=Source.OIDC,
        subject=subject,
        username=str(claims.get(settings.OIDC_CLAIM_USERNAME) or subject),
        full_name=str(claims.get(settings.OIDC_CLAIM_NAME) or ""),
        email=str(claims.get(settings.OIDC_CLAIM_EMAIL) or ""),
        values=_as_list(claims.get(settings.OIDC_CLAIM_GROUPS)) + units,
        unit_names=units,
        region=region,
    )


def refuse(request, message: str):
    """Keep the message for the failure page and make Django's authenticate() send user_login_failed."""
    if request is not None:
        request.session[FAILURE_KEY] = message
        request.session.pop("oidc_id_token", None)
    raise PermissionDenied(message)


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with our checks and our user (identity.sign_in), never by e-mail."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in, the local ones too: read the provider only when used.
        self.UserModel = get_user_model()

    def get_user(self, user_id):
        return self.UserModel.objects.filter(pk=user_id).first()

    def authenticate(self, request, nonce=None, code_verifier=None, **kwargs):
        if request is None or not request.GET.get("code") or kwargs:
            return None  # not the callback: a local sign-in, which the other backends answer
        try:
            super().__init__()
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except SignInRefused as exc:
            refuse(request, exc.message)
        except ProviderError as exc:
            refuse(request, str(exc))
        except (SuspiciousOperation, jwt.PyJWTError) as exc:
            logger.warning("OIDC token refused: %s", exc)
            refuse(request, BAD_TOKEN)
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            logger.warning("OIDC provider error: %r", exc)
            refuse(request, "与统一身份认证平台通信失败，请稍后再试；如持续出现，请联系系统管理员。")
        except ImproperlyConfigured as exc:
            logger.warning("OIDC misconfigured: %s", exc)
            refuse(request, "统一身份认证的配置有误，请联系系统管理员。")

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"alg {header.get('alg')!r} is not OIDC_RP_SIGN_ALGO")
        issuer = oidc_setting("OIDC_OP_ISSUER", "")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer or None,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "sub", "aud"]},
            )
        except jwt.PyJWTError as exc:  # signature, expiry, audience, issuer: all the same refusal
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if oidc_setting("OIDC_OP_USER_ENDPOINT", ""):
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if str(userinfo.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo sub differs from the ID token's")
            claims.update(userinfo)
        return sign_in(person_from_claims(claims))


def provider_logout_url(request) -> str | None:
    """RP-initiated logout: the provider's end_session_endpoint with the ID token as hint, or None when the
    provider has none (then only the portal's session ends)."""
    id_token = request.session.get("oidc_id_token")
    if not id_token or not is_configured():
        return None
    try:
        endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
    except ProviderError as exc:
        logger.warning("OIDC logout endpoint unknown: %s", exc)
        return None
    if not endpoint:
        return None
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
