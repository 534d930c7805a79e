from django.db import models

from units.roles import Role


class Source(models.TextChoices):
    OIDC = "oidc", "统一身份认证（OpenID Connect）"
    LDAP = "ldap", "LDAP / AD 目录"


REFUSE = "refuse"


class MappedRole(models.TextChoices):
    """What a directory group or claim value makes of a person: one of the portal's roles, or refused (停用)."""

    STAFF = Role.STAFF.value, Role.STAFF.label
    LIAISON = Role.LIAISON.value, Role.LIAISON.label
    LEADER = Role.LEADER.value, Role.LEADER.label
    REFUSE = REFUSE, "拒绝登录（停用的账号）"
