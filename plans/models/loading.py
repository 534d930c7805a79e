"""What the fixture files said at the last load: the base `loadplans --update` compares against."""

from django.db import models
from django.utils import timezone


class FixtureSnapshot(models.Model):
    """One plan's (or one region's units') values as the fixtures gave them at the last load, keyed by the
    database rows they were written to. At an update, a field whose current value differs from this base
    was edited in the portal and is kept. No foreign key to the plan: a plan deleted in the portal leaves
    its snapshot behind, so a plain `loadplans` knows not to bring it back."""

    class Kind(models.TextChoices):
        PLAN = "plan", "行动计划"
        UNITS = "units", "单位"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    code = models.CharField("代码", max_length=60, help_text="计划代码或地区代码")
    values = models.JSONField("上次载入时 fixtures 的值", default=dict)
    loaded_at = models.DateTimeField("上次载入时间")

    class Meta:
        verbose_name = "载入记录"
        verbose_name_plural = "载入记录"
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="fixturesnapshot_unique_code")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code}（{timezone.localtime(self.loaded_at):%Y-%m-%d %H:%M}）"
