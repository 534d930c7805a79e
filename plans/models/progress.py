"""What units report and what staff and leaders decide: progress reports, evidence, extensions, instructions."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.choices import ExtensionState, InstructionState, MilestoneStatus, ReportKind, ReportState
from plans.models.structure import Milestone, Occurrence
from talentplan.lib.dates import cn_date
from talentplan.lib.reviewable import Reviewable
from units.models import Unit


class OfActivePlanQuerySet(models.QuerySet):
    """Anything hanging off a node plan; who sees it is plans.access's question."""

    milestone_path = "milestone"

    def active(self):
        """Only what belongs to plans that are not archived (nothing is reviewed on a withdrawn plan)."""
        return self.filter(**{f"{self.milestone_path}__plan__archived_at__isnull": True})


class ProgressReport(Reviewable):
    """进展报送: a lead unit's consolidated report (reviewed by staff) or a co-responsible unit's input."""

    PENDING, APPROVED, RETURNED = ReportState.SUBMITTED, ReportState.APPROVED, ReportState.RETURNED
    review_refusal = "只有组织部工作人员可以审核进展报告。"
    not_pending_message = "该报告不在待审核状态。"

    milestone = models.ForeignKey(Milestone, verbose_name="节点计划", on_delete=models.CASCADE, related_name="reports")
    occurrence = models.ForeignKey(
        Occurrence, verbose_name="期次", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    unit = models.ForeignKey(Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField("类型", max_length=20, choices=ReportKind.choices, default=ReportKind.CONSOLIDATED)
    state = models.CharField("审核状态", max_length=20, choices=ReportState.choices, default=ReportState.SUBMITTED)
    status = models.CharField("工作状态", max_length=20, choices=MilestoneStatus.choices)
    percent = models.PositiveSmallIntegerField("完成进度（%）")
    narrative = models.TextField("进展情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="reports"
    )
    submitted_at = models.DateTimeField("报送时间")
    history = HistoricalRecords()

    objects = OfActivePlanQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-submitted_at"]
        # The 待审核 count in every staff page's nav reads the few submitted reports, not all of them.
        indexes = [
            models.Index(
                fields=["milestone", "submitted_at"],
                condition=models.Q(state="submitted"),
                name="report_awaiting_review_idx",
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {cn_date(self.submitted_at)}"


def evidence_path(instance, filename: str) -> str:
    # A random name: the original one is kept in the database, never used on disk.
    return f"evidence/{instance.report.milestone.plan_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Evidence(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name="进展报告", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("文件", upload_to=evidence_path)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    file_type = models.CharField("文件类型", max_length=10)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class ExtensionRequest(Reviewable):
    """延期申请: approved, the new date applies and the original completion time stays visible."""

    PENDING, APPROVED, RETURNED = ExtensionState.PENDING, ExtensionState.APPROVED, ExtensionState.REJECTED
    review_refusal = "只有组织部工作人员可以审批延期申请。"
    not_pending_message = "该延期申请已审批，不能重复处理。"
    comment_required_message = "不批准延期时请填写理由。"
    change_reasons = ("批准延期", "不批准延期")

    milestone = models.ForeignKey(
        Milestone, verbose_name="节点计划", on_delete=models.CASCADE, related_name="extension_requests"
    )
    occurrence = models.ForeignKey(
        Occurrence, verbose_name="期次", on_delete=models.CASCADE, related_name="extension_requests"
    )
    unit = models.ForeignKey(Unit, verbose_name="申请单位", on_delete=models.PROTECT)
    requested_due_date = models.DateField("申请延期至")
    reason = models.TextField("延期理由")
    state = models.CharField("审批状态", max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="extension_requests"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    history = HistoricalRecords()

    objects = OfActivePlanQuerySet.as_manager()

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.unit} 申请延期至 {cn_date(self.requested_due_date)}"


class Instruction(models.Model):
    """批示: a leader's instruction on a node plan, run as a loop: 批示 → 承办单位 反馈 → 组织部 办结."""

    milestone = models.ForeignKey(
        Milestone, verbose_name="节点计划", on_delete=models.CASCADE, related_name="instructions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批示人", on_delete=models.PROTECT)
    text = models.TextField("批示内容")
    created_at = models.DateTimeField("批示时间", auto_now_add=True)
    units = models.ManyToManyField(Unit, verbose_name="承办单位", blank=True, related_name="instructions")
    reply_by = models.DateField("反馈期限", null=True, blank=True)
    state = models.CharField("办理状态", max_length=10, choices=InstructionState.choices, default=InstructionState.OPEN)
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
    history = HistoricalRecords(excluded_fields=["author", "created_at", "closed_by"])

    objects = OfActivePlanQuerySet.as_manager()

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:40]

    def get_absolute_url(self):
        return reverse("plans:instruction", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != InstructionState.DONE


class InstructionReply(models.Model):
    """反馈: what an addressed unit did about a 批示, with files."""

    instruction = models.ForeignKey(Instruction, verbose_name="批示", on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey(Unit, verbose_name="反馈单位", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈人", on_delete=models.PROTECT)
    text = models.TextField("反馈内容")
    created_at = models.DateTimeField("反馈时间", auto_now_add=True)

    class Meta:
        verbose_name = "批示反馈"
        verbose_name_plural = "批示反馈"
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.unit} 的反馈"


def reply_file_path(instance, filename: str) -> str:
    return f"instructions/{instance.reply.instruction_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class AttachedFile(models.Model):
    """A file attached to an answer (a 批示's 反馈, a 督办单's 回执): each subclass gives its `reply` and `file`
    (its own upload path); the name, size and type are kept as for every upload."""

    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    file_type = models.CharField("文件类型", max_length=10)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class InstructionFile(AttachedFile):
    reply = models.ForeignKey(InstructionReply, verbose_name="反馈", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to=reply_file_path)

    class Meta(AttachedFile.Meta):
        verbose_name = "反馈附件"
        verbose_name_plural = "反馈附件"


class Chase(models.Model):
    """催办: staff chase one unit, about one node plan or about its work in general (league table)."""

    unit = models.ForeignKey(Unit, verbose_name="被催办单位", on_delete=models.CASCADE, related_name="chases")
    milestone = models.ForeignKey(
        Milestone, verbose_name="节点计划", on_delete=models.CASCADE, null=True, blank=True, related_name="chases"
    )
    message = models.CharField("催办说明", max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="催办人", on_delete=models.PROTECT)
    created_at = models.DateTimeField("催办时间", auto_now_add=True)
    idempotency_key = models.CharField("请求标识", max_length=64)
    history = HistoricalRecords(excluded_fields=["author", "created_at", "idempotency_key"])

    class Meta:
        verbose_name = "催办"
        verbose_name_plural = "催办"
        ordering = ["-created_at"]
        constraints = [
            # A double click sends the same key: the second request finds the first one's row.
            models.UniqueConstraint(fields=["idempotency_key", "unit"], name="chase_once_per_request")
        ]

    def __str__(self):
        return f"催办 {self.unit}"

    def get_absolute_url(self):
        if self.milestone_id:
            return reverse("plans:milestone", args=[self.milestone_id])
        return reverse("plans:chase_list") + f"?unit={self.unit_id}"
