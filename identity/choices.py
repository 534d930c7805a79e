from django.db import models

from units.roles import Role


class Source(models.TextChoices):
    OIDC = "oidc", "统一身份认证（OpenID Connect）"
    LDAP = "ldap", "LDAP / AD 目录"


REFUSE = "refuse"
# What a directory group or claim value makes of a person: one of the portal's roles, or refused (停用).
MappedRole = models.TextChoices(
    "MappedRole", [(value, label) for value, label in Role.choices] + [(REFUSE, "拒绝登录（停用的账号）")]
)
