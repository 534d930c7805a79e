"""A directory's groups and claims → the portal's roles, units and regions (统一身份认证 and LDAP / AD)."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from identity.choices import REFUSE, MappedRole, Source
from units.models import Region, RegionAccess, Unit
from units.roles import Role


class DirectoryGroupMapping(models.Model):
    """One group (or claim value) of a directory: who its members are in the portal. Kept by the 组织部 of
    `region` in 数据管理; a person's role, units and regions are set from these rows at each sign-in."""

    source = models.CharField("目录", max_length=10, choices=Source.choices)
    value = models.CharField(
        "目录中的组或取值",
        max_length=300,
        help_text="目录发送的组名、组 DN 或单位取值（不区分大小写），如 jianghai-hr 或 "
        "cn=jianghai-hr,ou=groups,dc=example,dc=gov",
    )
    region = models.ForeignKey(
        Region, verbose_name="维护地区", on_delete=models.PROTECT, related_name="directory_mappings"
    )
    role = models.CharField("角色", max_length=20, choices=MappedRole.choices)
    units = models.ManyToManyField(Unit, verbose_name="单位（联络员）", blank=True, related_name="directory_mappings")
    unit_from_directory = models.BooleanField(
        "单位取自目录",
        default=False,
        help_text="联络员的单位按目录中的单位名称（OIDC_CLAIM_UNIT / LDAP_UNIT_ATTR）在本地区查找",
    )
    regions = models.ManyToManyField(
        Region, verbose_name="地区（工作人员、领导）", blank=True, related_name="directory_region_mappings"
    )
    region_access = models.CharField("地区权限", max_length=10, choices=RegionAccess.choices, default=RegionAccess.FULL)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=[units, regions])

    class Meta:
        verbose_name = "目录组映射"
        verbose_name_plural = "目录组映射"
        ordering = ["source", "value"]
        constraints = [
            models.UniqueConstraint(fields=["source", "value", "region"], name="directory_mapping_unique"),
        ]

    def __str__(self):
        return f"{self.value} → {self.get_role_display()}"

    def clean(self):
        if self.role in (Role.STAFF, Role.LEADER, REFUSE) and self.unit_from_directory:
            raise ValidationError({"unit_from_directory": "只有联络员的单位可以取自目录。"})


class DirectoryAccount(models.Model):
    """The link between a person in a directory (an OIDC subject, an LDAP DN) and their portal user. A
    directory sign-in only ever reaches a user linked here, never a local account of the same name."""

    user = models.ForeignKey(
        "auth.User", verbose_name="用户", on_delete=models.CASCADE, related_name="directory_accounts"
    )
    source = models.CharField("目录", max_length=10, choices=Source.choices)
    subject = models.CharField("目录标识", max_length=500, help_text="OIDC 的 sub，或 LDAP 的 DN")
    last_values = models.JSONField("最近一次登录时的组", default=list, blank=True)
    region_hint = models.CharField("目录给出的地区", max_length=100, blank=True)
    last_sign_in = models.DateTimeField("最近一次目录登录", null=True, blank=True)

    class Meta:
        verbose_name = "目录账号"
        verbose_name_plural = "目录账号"
        ordering = ["source", "subject"]
        constraints = [models.UniqueConstraint(fields=["source", "subject"], name="directory_account_unique")]

    def __str__(self):
        return f"{self.get_source_display()} {self.subject} → {self.user}"
