"""督办单: a numbered document staff issue to a lead unit about one node plan or a batch of them; the unit
签收s it, answers with a 回执, and staff 办结 it or send it back. The rules are in plans/supervision/."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.choices import SupervisionColour, SupervisionState
from plans.models.progress import AttachedFile
from plans.models.structure import Milestone
from units.models import Region, Unit


class SupervisionSequence(models.Model):
    """The last number issued per region and year: locked (SELECT … FOR UPDATE) by whoever issues the next."""

    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    last_number = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "督办单编号"
        verbose_name_plural = "督办单编号"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="supervision_sequence_once")]

    def __str__(self):
        return f"{self.region} {self.year}年 已用至{self.last_number}号"


class SupervisionNotice(models.Model):
    """督办单, e.g. 江海督〔2026〕7号, addressed to one unit (the lead unit of its node plans)."""

    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("督办单编号", max_length=40)
    unit = models.ForeignKey(
        Unit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="supervision_notices"
    )
    milestones = models.ManyToManyField(Milestone, verbose_name="督办事项", related_name="supervision_notices")
    colour = models.CharField("督办等级", max_length=10, choices=SupervisionColour.choices)
    proposed_colour = models.CharField("建议等级", max_length=10, choices=SupervisionColour.choices)
    colour_reason = models.CharField("调整等级理由", max_length=300, blank=True)
    proposal_basis = models.CharField("建议依据", max_length=300, blank=True)
    requirement = models.TextField("督办要求")
    reply_by = models.DateField("回执期限")
    state = models.CharField(
        "办理状态", max_length=10, choices=SupervisionState.choices, default=SupervisionState.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下发人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("下发时间")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    staff_comment = models.TextField("办理意见", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    history = HistoricalRecords(excluded_fields=["region", "year", "serial", "number", "issued_by", "issued_at"])

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # The office's number is unique per region and year, whatever two staff members do at once.
            models.UniqueConstraint(fields=["region", "year", "serial"], name="supervision_number_once")
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("plans:supervision", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != SupervisionState.DONE


class SupervisionReply(models.Model):
    """回执: what the unit did (progress, measures), with evidence files."""

    notice = models.ForeignKey(
        SupervisionNotice, verbose_name="督办单", on_delete=models.CASCADE, related_name="replies"
    )
    unit = models.ForeignKey(Unit, verbose_name="回执单位", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT)
    progress = models.TextField("办理进展")
    measures = models.TextField("整改措施")
    created_at = models.DateTimeField("回执时间")

    class Meta:
        verbose_name = "督办单回执"
        verbose_name_plural = "督办单回执"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.notice} 的回执"


def supervision_file_path(instance, filename: str) -> str:
    # A random name, as for every evidence file: the original one is kept in the database only.
    return f"supervision/{instance.reply.notice_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class SupervisionFile(AttachedFile):
    reply = models.ForeignKey(SupervisionReply, verbose_name="回执", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to=supervision_file_path)

    class Meta(AttachedFile.Meta):
        verbose_name = "回执佐证材料"
        verbose_name_plural = "回执佐证材料"
