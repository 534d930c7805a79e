"""Indicators (指标): a baseline, yearly targets (blank stays blank), an end target with its comparator."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from talentplan.lib.reviewable import Reviewable
from targets.choices import Cadence, Comparator, IndicatorKind, default_cadence
from targets.comparators import parse_target
from units.models import Unit


class Indicator(models.Model):
    plan = models.ForeignKey("plans.Plan", verbose_name="行动计划", on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField("顺序")
    table = models.CharField("所属表格/章节", max_length=100)
    name = models.CharField("指标", max_length=200)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    kind = models.CharField("类型", max_length=20, choices=IndicatorKind.choices)
    baseline_year = models.PositiveSmallIntegerField("基期年份", null=True, blank=True)
    baseline_text = models.CharField("基期值（原文）", max_length=40, blank=True)
    baseline_value = models.DecimalField("基期值", max_digits=14, decimal_places=2, null=True, blank=True)
    target_text = models.CharField("目标值（原文）", max_length=40, blank=True)
    target_value = models.DecimalField("目标值", max_digits=14, decimal_places=2, null=True, blank=True)
    target_upper = models.DecimalField("目标上限", max_digits=14, decimal_places=2, null=True, blank=True)
    comparator = models.CharField("比较方式", max_length=10, choices=Comparator.choices, blank=True)
    target_year = models.PositiveSmallIntegerField("目标年份", null=True, blank=True)
    cadence = models.CharField(
        "周期", max_length=10, choices=Cadence.choices, blank=True, help_text="空：期末目标为一次性，其余为每年"
    )
    batch_years = models.JSONField("批次年份", default=list, blank=True, help_text="每两年（批次）指标应完成的年份")
    wording = models.TextField("原文措辞", blank=True, help_text="判断比较方式和周期所依据的原文")
    wording_line = models.PositiveIntegerField("原文行号", null=True, blank=True)
    judgement_note = models.TextField("解读说明", blank=True)
    source = models.CharField("出处", max_length=300, blank=True)
    note = models.TextField("整理说明", blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="报送单位",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="该单位的联络员填报实际值",
    )
    unit_note = models.TextField("报送单位依据", blank=True)
    member_label = models.CharField(
        "逐一达标的对象",
        max_length=40,
        blank=True,
        help_text="标准适用于每个成员（如“每个县（市、区）”“每位党政领导”）时填写；空：按一个数字判断",
    )
    members = models.JSONField(
        "成员", default=list, blank=True, help_text="逐一判断的成员名单，如各县（市、区）的名称；每个成员分别填报"
    )

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="indicator_unique_position")]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:indicator", args=[self.pk])

    @property
    def target(self):
        target = parse_target(self.target_text, source=f"{self.plan_id}:{self.name}")
        return target.judged_by(self.comparator) if target else None

    @property
    def effective_cadence(self) -> str:
        return self.cadence or default_cadence(self.kind)

    @property
    def cadence_display(self) -> str:
        label = Cadence(self.effective_cadence).label
        if self.effective_cadence == Cadence.BIENNIAL and self.batch_years:
            return f"{label}：{'、'.join(map(str, self.batch_years))}年"
        return label

    @property
    def target_display(self) -> str:
        """The target as printed with its unit ("100 以上人", "达80%"), or 无目标值 when none is set."""
        text = self.target_text.strip()
        if not text:
            return "无目标值"
        return text if text.endswith(self.measure_unit) else f"{text}{self.measure_unit}"


class IndicatorYear(models.Model):
    """One plan year of an indicator: the planned figure as printed, and room for the actual figure."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("年份")
    planned_text = models.CharField("计划值（原文）", max_length=40, blank=True)
    planned_value = models.DecimalField("计划值", max_digits=14, decimal_places=2, null=True, blank=True)
    actual_value = models.DecimalField("实际值", max_digits=14, decimal_places=2, null=True, blank=True)
    actual_note = models.CharField("实际值来源说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标年度值"
        verbose_name_plural = "指标年度值"
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicatoryear_unique_year")]

    def __str__(self):
        return f"{self.indicator.name} {self.year}年"


class IndicatorEntry(Reviewable):
    """An actual figure for one indicator and year, entered by staff or the assigned unit, then reviewed."""

    class ValueKind(models.TextChoices):
        INCREMENT = "increment", "当年增量"
        TOTAL = "total", "年末总量"

    class State(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "已通过"
        RETURNED = "returned", "已退回"

    PENDING, APPROVED, RETURNED = State.SUBMITTED, State.APPROVED, State.RETURNED
    review_refusal = "只有组织部工作人员可以审核指标实际值。"
    not_pending_message = "该填报不在待审核状态。"

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="entries")
    year = models.PositiveSmallIntegerField("年份")
    value_kind = models.CharField("填报口径", max_length=10, choices=ValueKind.choices, default=ValueKind.INCREMENT)
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    increment = models.DecimalField("折算当年增量", max_digits=14, decimal_places=2)
    member = models.CharField("成员", max_length=40, blank=True, help_text="逐一达标的指标：这一数值属于哪个成员")
    source_note = models.CharField("数据来源", max_length=300)
    evidence = models.FileField("佐证材料", upload_to="indicator-evidence/", blank=True)
    evidence_name = models.CharField("佐证材料原文件名", max_length=200, blank=True)
    state = models.CharField("审核状态", max_length=10, choices=State.choices, default=State.SUBMITTED)
    author = models.ForeignKey("auth.User", verbose_name="填报人", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("填报时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标实际值填报"
        verbose_name_plural = "指标实际值填报"
        ordering = ["-submitted_at"]

    def __str__(self):
        member = f"（{self.member}）" if self.member else ""
        return f"{self.indicator.name}{member} {self.year}年 {self.value}"
