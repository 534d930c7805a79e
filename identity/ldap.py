"""LDAP / AD directory sign-in (django-auth-ldap) on the ordinary login form, configured by LDAP_* settings.

The person binds with their own password; their groups (names and DNs) go through the same mappings as
统一身份认证 (identity.sign_in), at every sign-in. A refusal, or a directory that does not answer, leaves a
Chinese reason on the request for the login form (identity.forms) and changes nothing.
"""

import logging

import ldap
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_auth_ldap.config import (
    ActiveDirectoryGroupType,
    GroupOfNamesType,
    GroupOfUniqueNamesType,
    LDAPSearch,
    NestedActiveDirectoryGroupType,
    PosixGroupType,
)

from identity.choices import Source
from identity.forms import REFUSAL_ATTR
from identity.sign_in import DirectoryPerson, SignInRefused, linked_user, sign_in, user_for

logger = logging.getLogger(__name__)

GROUP_TYPES = {
    "groupOfNames": GroupOfNamesType,
    "groupOfUniqueNames": GroupOfUniqueNamesType,
    "posixGroup": PosixGroupType,
    "activeDirectory": ActiveDirectoryGroupType,
    "nestedActiveDirectory": NestedActiveDirectoryGroupType,
}
UNREACHABLE = "目录服务器（LDAP / AD）暂时无法连接，请稍后再试；如持续出现，请联系系统管理员。"


def directory_settings() -> dict:
    """django-auth-ldap's settings from our LDAP_* ones (an AUTH_LDAP_* setting, where set, still wins)."""
    s = settings
    if s.LDAP_GROUP_TYPE not in GROUP_TYPES:
        raise ImproperlyConfigured(f"LDAP_GROUP_TYPE 应为 {'、'.join(GROUP_TYPES)} 之一，实际为“{s.LDAP_GROUP_TYPE}”")
    result = {
        "SERVER_URI": s.LDAP_SERVER_URI,
        "BIND_DN": s.LDAP_BIND_DN,
        "BIND_PASSWORD": s.LDAP_BIND_PASSWORD,
        "START_TLS": s.LDAP_START_TLS,
        "USER_ATTR_MAP": {"first_name": s.LDAP_ATTR_NAME, "email": s.LDAP_ATTR_EMAIL},
        "ALWAYS_UPDATE_USER": True,
        "CACHE_TIMEOUT": 0,  # groups are read at every sign-in
        "CONNECTION_OPTIONS": {ldap.OPT_NETWORK_TIMEOUT: s.LDAP_TIMEOUT, ldap.OPT_TIMEOUT: s.LDAP_TIMEOUT},
    }
    if s.LDAP_USER_DN_TEMPLATE:
        result["USER_DN_TEMPLATE"] = s.LDAP_USER_DN_TEMPLATE
    else:
        result["USER_SEARCH"] = LDAPSearch(s.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, s.LDAP_USER_FILTER)
    if s.LDAP_GROUP_SEARCH_BASE:
        result["GROUP_SEARCH"] = LDAPSearch(s.LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, s.LDAP_GROUP_FILTER)
        result["GROUP_TYPE"] = GROUP_TYPES[s.LDAP_GROUP_TYPE]()
    return result


def _first(attrs, name: str) -> str:
    values = (attrs or {}).get(name) or [] if name else []
    return str(values[0]) if values else ""


def person_from_ldap(ldap_user) -> DirectoryPerson:
    attrs = ldap_user.attrs
    units = [str(v) for v in (attrs or {}).get(settings.LDAP_UNIT_ATTR, [])] if settings.LDAP_UNIT_ATTR else []
    groups = set(ldap_user.group_names or ()) | set(ldap_user.group_dns or ())
    return DirectoryPerson(
        source=Source.LDAP,
        subject=ldap_user.dn.lower(),
        username=ldap_user._username,
        full_name=_first(attrs, settings.LDAP_ATTR_NAME),
        email=_first(attrs, settings.LDAP_ATTR_EMAIL),
        values=sorted(groups) + units,
        unit_names=units,
        region=_first(attrs, settings.LDAP_REGION_ATTR),
    )


def _refuse(request, message: str):
    if request is not None:
        setattr(request, REFUSAL_ATTR, message)
    raise PermissionDenied(message)  # authenticate() stops here and sends user_login_failed


class DirectoryLDAPBackend(LDAPBackend):
    @property
    def default_settings(self):
        return directory_settings()

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.LDAP_SERVER_URI or username is None:
            return None
        try:
            with transaction.atomic():  # a refusal after django-auth-ldap saved the user undoes that too
                return super().authenticate(request, username=username, password=password, **kwargs)
        except SignInRefused as exc:
            _refuse(request, exc.message)
        except ImproperlyConfigured as exc:
            logger.warning("LDAP misconfigured: %s", exc)
            _refuse(request, "目录登录（LDAP / AD）的配置有误，请联系系统管理员。")

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        return sign_in(person_from_ldap(ldap_user), user=user)

    def get_or_build_user(self, username, ldap_user):
        user = linked_user(Source.LDAP, ldap_user.dn.lower())
        if user is not None:
            if user.is_superuser:
                raise SignInRefused("系统管理员账号只能用本地密码登录。")
            return user, False
        return user_for(DirectoryPerson(source=Source.LDAP, subject=ldap_user.dn.lower(), username=username)), True


@receiver(ldap_error)
def directory_unreachable(sender, context, user, request, exception, **kwargs):
    if request is not None and isinstance(exception, ldap.SERVER_DOWN | ldap.TIMEOUT | ldap.CONNECT_ERROR):
        setattr(request, REFUSAL_ATTR, UNREACHABLE)
