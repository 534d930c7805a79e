"""The security audit log (网络安全法 §21, 等保 level 2): who did what, when, from where, and how it ended.

Rows are only ever added. Changing or deleting one through the model is refused; the only way rows go is the
retention service (audit/retention.py), a queryset delete of rows past AUDIT_RETENTION_DAYS."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from audit.choices import Action, Outcome


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # a deleted user's rows keep their name, and deleting a user never waits on this table
    )
    actor_name = models.CharField("用户名", max_length=150, blank=True)  # as typed, for a failed sign-in too
    action = models.CharField("操作", max_length=30, choices=Action.choices, db_index=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    target = models.CharField("对象", max_length=300, blank=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    detail = models.TextField("详情", blank=True)
    path = models.CharField("请求地址", max_length=500, blank=True)
    source = models.CharField("途径", max_length=30, blank=True)  # "web", "admin", "command"; later "oidc", "ldap"

    class Meta:
        verbose_name = "安全审计日志"
        verbose_name_plural = "安全审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor_name", "at"], name="audit_actor_at")]

    def __str__(self):
        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M:%S")
        return f"{when} {self.actor_name or '（匿名）'} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("安全审计日志不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("安全审计日志不能删除，过期记录由系统按保存期限自动清理。")
