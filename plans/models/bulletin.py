"""进展通报 as a 公文: a draft staff write, then a numbered document issued once and kept as issued."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models.structure import Plan
from units.models import Region


class BulletinState(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


class Bulletin(models.Model):
    """One 进展通报 of a plan for a period (plans.bulletin.periods). Staff write its three narrative sections;
    the figures are counted when it is shown or issued. Issued, it has a 文号 unique in its region and year,
    and the Word and PDF as issued are stored here, so a download later gives exactly those bytes."""

    plan = models.ForeignKey(Plan, verbose_name="行动计划", on_delete=models.PROTECT, related_name="bulletins")
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="bulletins")
    period_key = models.CharField("通报期间", max_length=10)
    state = models.CharField("状态", max_length=10, choices=BulletinState.choices, default=BulletinState.DRAFT)
    recipients = models.CharField("主送", max_length=200)
    work_done = models.TextField("工作开展情况", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)
    # Set once, when issued.
    issue_year = models.PositiveSmallIntegerField("发文年度", null=True, blank=True)
    serial = models.PositiveIntegerField("发文序号", null=True, blank=True)
    document_number = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    cut_off = models.DateField("截至日期", null=True, blank=True)
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="印发人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    docx = models.BinaryField("Word 文件（印发稿）", null=True, blank=True, editable=False)
    pdf = models.BinaryField("PDF 文件（印发稿）", null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["docx", "pdf", "created_at", "updated_at"])

    class Meta:
        verbose_name = "进展通报"
        verbose_name_plural = "进展通报"
        ordering = ["-issued_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "issue_year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="bulletin_number_once_per_region_year",
            ),
        ]

    def __str__(self):
        return self.document_number or f"{self.plan.title}进展通报（草稿）"

    @property
    def is_issued(self) -> bool:
        return self.state == BulletinState.ISSUED
