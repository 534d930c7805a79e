"""核查: a 督查员 or staff member samples completed deadlines (at random with a recorded seed, a set share per
unit, or by hand) and records 属实 or 不实; 不实 reopens the deadline. The rules are in plans/verification/."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plans.choices import Verdict, VerificationMethod
from plans.models.structure import Milestone, Occurrence
from units.models import Region, Unit


class VerificationRound(models.Model):
    """One 核查 round: how its items were drawn, so the draw can be repeated from its seed."""

    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("核查批次", max_length=100)
    method = models.CharField("抽取方式", max_length=10, choices=VerificationMethod.choices)
    seed = models.BigIntegerField("随机种子", null=True, blank=True)
    share = models.PositiveSmallIntegerField("抽取比例（%）", null=True, blank=True)
    sample_size = models.PositiveIntegerField("抽取数量", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "核查批次"
        verbose_name_plural = "核查批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class VerificationCheck(models.Model):
    """One sampled completed deadline, its lead unit when drawn, and the verdict."""

    round = models.ForeignKey(
        VerificationRound, verbose_name="核查批次", on_delete=models.CASCADE, related_name="checks"
    )
    occurrence = models.ForeignKey(Occurrence, verbose_name="期次", on_delete=models.CASCADE, related_name="checks")
    milestone = models.ForeignKey(Milestone, verbose_name="节点计划", on_delete=models.CASCADE, related_name="checks")
    unit = models.ForeignKey(Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField("核查时的完成日期")
    verdict = models.CharField("核查结果", max_length=5, choices=Verdict.choices, blank=True, default="")
    note = models.TextField("核查说明", blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField("核查时间", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["round", "occurrence", "milestone", "unit", "completed_on"])

    class Meta:
        verbose_name = "核查事项"
        verbose_name_plural = "核查事项"
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "occurrence", "unit"], name="verification_once_per_round")
        ]

    def __str__(self):
        return f"{self.unit} · {self.occurrence}"


def verification_file_path(instance, filename: str) -> str:
    return f"verification/{instance.item_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class VerificationFile(models.Model):
    item = models.ForeignKey(VerificationCheck, verbose_name="核查事项", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to=verification_file_path)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    file_type = models.CharField("文件类型", max_length=10)

    class Meta:
        verbose_name = "核查佐证材料"
        verbose_name_plural = "核查佐证材料"
        ordering = ["pk"]

    def __str__(self):
        return self.original_name
