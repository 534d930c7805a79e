"""Regions and units (单位). Every spelling a document uses is an alias of exactly one unit."""

import re

from django.db import models
from simple_history.models import HistoricalRecords

from units.choices import UnitKind

_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """The key a written unit name is matched on: no white space (PDF line breaks), full-width brackets."""
    return _SPACES.sub("", name).replace("(", "（").replace(")", "）")


class Region(models.Model):
    """A jurisdiction (辖区): it owns its plans and units. A city may be the parent of its districts."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级地区",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="上级地区的人员可查看本地区（只读，另行授权除外）",
    )

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="units")
    name = models.CharField("全称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices)
    is_group = models.BooleanField(
        "集合名称", default=False, help_text="如“各街道”“区直有关单位”，其成员单位可在下方设置"
    )
    members = models.ManyToManyField(
        "self", verbose_name="成员单位", symmetrical=False, blank=True, related_name="groups"
    )
    email = models.EmailField("联系邮箱", blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    position = models.PositiveIntegerField(
        "排序", default=0, help_text="本地区内的顺序：党委部门、政府部门、街道……（按单位文件顺序）"
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_per_region")]

    def __str__(self):
        return self.name


class UnitAlias(models.Model):
    """A spelling of a unit found in a document ("区人力资源和社会 保障局", "发改委")."""

    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.CASCADE, related_name="aliases")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("写法", max_length=100)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        ordering = ["region", "alias"]
        constraints = [
            models.UniqueConstraint(fields=["region", "alias"], name="alias_unique_per_region"),
        ]

    def __str__(self):
        return f"{self.alias} → {self.unit.name}"

    def save(self, *args, **kwargs):
        self.region_id = self.unit.region_id
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A user who acts for a unit (a liaison, 联络员). A user may act for several units."""

    user = models.ForeignKey("auth.User", verbose_name="用户", on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        verbose_name = "单位联络员"
        verbose_name_plural = "单位联络员"
        ordering = ["unit", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.unit}"


class RegionAccess(models.TextChoices):
    FULL = "full", "管理（按角色办理）"
    READ = "read", "只读（可留督办意见）"


class RegionMembership(models.Model):
    """A staff member or leader who works for a region. With 管理 they act there as their role allows; with
    只读 (a 督查员) they read everything and leave 督办意见, nothing else. A parent region's members read its
    children's data read-only unless they also hold a 管理 membership there."""

    user = models.ForeignKey(
        "auth.User", verbose_name="用户", on_delete=models.CASCADE, related_name="region_memberships"
    )
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.CASCADE, related_name="memberships")
    access = models.CharField("权限", max_length=10, choices=RegionAccess.choices, default=RegionAccess.FULL)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "所属地区"
        verbose_name_plural = "所属地区"
        ordering = ["region", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="region_membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.region}（{self.get_access_display()}）"


class PasswordState(models.Model):
    """Whether a user must choose a new password at their next sign-in (units/passwords.py), and when they last
    chose one themselves."""

    user = models.OneToOneField(
        "auth.User", verbose_name="用户", on_delete=models.CASCADE, related_name="password_state"
    )
    must_change = models.BooleanField("下次登录须修改密码", default=False)
    changed_at = models.DateTimeField("本人修改密码时间", null=True, blank=True)

    class Meta:
        verbose_name = "密码状态"
        verbose_name_plural = "密码状态"

    def __str__(self):
        return f"{self.user}：{'须修改密码' if self.must_change else '正常'}"
