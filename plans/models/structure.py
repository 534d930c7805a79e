"""Plans as the documents write them: plan → category → item → measure → node plan (Milestone)."""

from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.choices import MilestoneStatus, Outcome, Rag, ScheduleKind, UnitRole
from plans.schedule import parse_schedule
from talentplan.lib.dates import cn_date
from units.models import Region, Unit


class PlanQuerySet(models.QuerySet):
    """Archived (归档) plans are withdrawn: no list shows them (only staff still see them: plans.access)."""

    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Plan(models.Model):
    code = models.SlugField("代码", max_length=60, unique=True)
    title = models.CharField("标题", max_length=200)
    document_number = models.CharField("文号", max_length=60, blank=True)
    issuers = models.CharField("发文机关", max_length=300, help_text="多个机关以“、”分隔")
    issue_date = models.DateField("印发日期")
    start_year = models.PositiveSmallIntegerField("起始年份")
    end_year = models.PositiveSmallIntegerField("截止年份")
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="plans")
    source_document = models.CharField("来源文件", max_length=200, blank=True)
    lead_unit_rule = models.CharField("牵头单位认定规则", max_length=200, blank=True)
    notes = models.TextField("整理说明", blank=True)
    overseer = models.ForeignKey(
        "auth.User",
        verbose_name="分管领导",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="逾期超过规定天数的事项上报给该领导；未设置时上报给全部领导",
    )
    notify_co_units = models.BooleanField("同时知会配合单位", default=False, help_text="配合单位每天收到知会性提醒")
    archived_at = models.DateTimeField(
        "归档时间", null=True, blank=True, help_text="归档后不再出现在清单、看板和提醒中"
    )
    archived_by = models.ForeignKey(
        "auth.User", verbose_name="归档人", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField("版本", default=1)
    # Raised in the transaction of every change to its node plans, deadlines or reports (plans.dashboard.stored_counts):
    # the dashboard's stored figures of an older version are counted again. Not a user's edit: no history.
    figures_version = models.PositiveBigIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["figures_version"])

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "行动计划"
        verbose_name_plural = "行动计划"
        ordering = ["-issue_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plan_years_in_order",
                violation_error_message="截止年份不能早于起始年份。",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # figures_version is raised in the database by other rows' changes; an instance read before them must
        # not write its older number back (the dashboard would trust figures counted before those changes).
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "figures_version"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.code])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class Category(models.Model):
    plan = models.ForeignKey(Plan, verbose_name="行动计划", on_delete=models.CASCADE, related_name="categories")
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("工作任务", max_length=100)

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="category_unique_name")]

    def __str__(self):
        return self.name


class Item(models.Model):
    """项目内容: a numbered task of the plan's body text (a Nanping 工程), or a closing section (组织保障,
    保障措施, 结尾段: no number, a key such as 四（二）), with its own 牵头/责任单位 and printed text."""

    class Part(models.TextChoices):
        BODY = "body", "正文任务"
        CLOSING = "closing", "组织保障/结尾部分"

    plan = models.ForeignKey(Plan, verbose_name="行动计划", on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(
        Category, verbose_name="工作任务", on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    part = models.CharField("部分", max_length=10, choices=Part.choices, default=Part.BODY)
    number = models.PositiveSmallIntegerField("序号", null=True, blank=True, help_text="结尾部分没有序号")
    closing_key = models.CharField("结尾部分代号", max_length=20, blank=True, help_text="如“四（二）”“结尾段”")
    title = models.CharField("项目内容", max_length=200)
    worklist_label = models.CharField("工作清单写法", max_length=200, blank=True, help_text="如“(一)制定人才发展规划”")
    heading = models.CharField("原文标题", max_length=200, blank=True)
    body = models.TextField("原文正文", blank=True, help_text="按文件印刷的段落，每段一行")
    lead_as_printed = models.CharField("原文牵头单位行", max_length=300, blank=True)
    responsible_as_printed = models.CharField("原文责任单位行", max_length=500, blank=True)
    source_lines = models.CharField("原文行号", max_length=20, blank=True)
    body_note = models.TextField("原文整理说明", blank=True)
    note = models.TextField("备注", blank=True)
    units = models.ManyToManyField(Unit, through="ItemUnit", verbose_name="单位", related_name="items")

    class Meta:
        verbose_name = "项目内容"
        verbose_name_plural = "项目内容"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="item_unique_number"),
            models.UniqueConstraint(
                fields=["plan", "closing_key"], condition=~models.Q(closing_key=""), name="item_unique_closing_key"
            ),
        ]

    def __str__(self):
        if self.part == self.Part.CLOSING:
            return f"{self.closing_key} {self.title}"
        return self.worklist_label or f"{self.number}.{self.title}"

    @property
    def key(self):
        """What the loader matches an item by: its number, or a closing section's key."""
        return self.number if self.number is not None else self.closing_key

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.body.splitlines() if line.strip()]


class ItemUnit(models.Model):
    item = models.ForeignKey(Item, verbose_name="项目内容", on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="item_assignments")
    role = models.CharField("角色", max_length=20, choices=UnitRole.choices)
    position = models.PositiveSmallIntegerField("顺序")
    written_name = models.CharField("文件写法", max_length=100)

    class Meta:
        verbose_name = "项目内容单位"
        verbose_name_plural = "项目内容单位"
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "position"], name="itemunit_unique_position")]

    def __str__(self):
        return f"{self.written_name}（{self.get_role_display()}）"


class Measure(models.Model):
    """工作举措."""

    plan = models.ForeignKey(Plan, verbose_name="行动计划", on_delete=models.CASCADE, related_name="measures")
    item = models.ForeignKey(Item, verbose_name="项目内容", on_delete=models.PROTECT, related_name="measures")
    position = models.PositiveSmallIntegerField("顺序")
    text = models.TextField("工作举措")
    version = models.PositiveIntegerField("版本", default=1)
    history = HistoricalRecords(excluded_fields=["plan", "position"])

    class Meta:
        verbose_name = "工作举措"
        verbose_name_plural = "工作举措"
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="measure_unique_position")]

    def __str__(self):
        return self.text[:60]


class MilestoneQuerySet(models.QuerySet):
    def active(self):
        """Node plans of plans that are not archived: what lists, exports, the dashboard and reminders use.
        (Who sees which node plans is plans.access's question.)"""
        return self.filter(plan__archived_at__isnull=True)


class Milestone(models.Model):
    """节点计划: a concrete commitment with its completion time as written and its parsed schedule."""

    plan = models.ForeignKey(Plan, verbose_name="行动计划", on_delete=models.CASCADE, related_name="milestones")
    measure = models.ForeignKey(Measure, verbose_name="工作举措", on_delete=models.PROTECT, related_name="milestones")
    position = models.PositiveSmallIntegerField("清单行号", help_text="在工作清单中的顺序，从 1 起")
    text = models.TextField("节点计划")
    due_text = models.CharField("完成时间（原文）", max_length=60, blank=True)
    schedule_text = models.CharField(
        "推定完成时间", max_length=60, blank=True, help_text="文件未列完成时间时，按措施文字推定"
    )
    schedule_kind = models.CharField("完成时间类型", max_length=20, choices=ScheduleKind.choices)
    status = models.CharField(
        "状态", max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField("完成进度（%）", default=0)
    rag_override = models.CharField("人工指定灯色", max_length=10, choices=Rag.choices, blank=True)
    rag_override_reason = models.CharField("指定灯色理由", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    note = models.TextField("整理说明", blank=True)
    origin = models.CharField(
        "来源",
        max_length=10,
        choices=[("worklist", "工作清单"), ("item", "正文承诺（工程）"), ("closing", "正文承诺（组织保障/结尾）")],
        default="worklist",
        help_text="工作清单所列，或由正文中的具体承诺整理而来",
    )
    source = models.TextField("原文出处", blank=True, help_text="正文承诺所依据的原文和行号")
    # Denormalised from the occurrences by plans.tracking.refresh_next_due (the one writer), in the same
    # transaction as the change, so lists sort and filter on an index instead of a subquery per row.
    next_due_date = models.DateField("下一截止日", null=True, blank=True, editable=False, db_index=True)
    next_deadline_id = models.IntegerField("下一截止期次", null=True, blank=True, editable=False)
    deadline_total = models.PositiveIntegerField("截止期限数", default=0, editable=False)  # the same writer
    # Written by plans.tracking.refresh_report_columns (on every report save or delete, and after
    # refresh_next_due): the light and the last report sort and filter on columns, not a subquery per row.
    latest_report_at = models.DateTimeField("最近报送", null=True, blank=True, editable=False, db_index=True)
    next_deadline_approved = models.BooleanField("下一截止期次已审核通过", default=False, editable=False)
    # Written by plans.search_text (the one writer) in the transaction of each change to what it holds.
    search_text = models.TextField("检索文本", blank=True, default="", editable=False)
    units = models.ManyToManyField(Unit, through="MilestoneUnit", verbose_name="责任单位", related_name="milestones")
    history = HistoricalRecords(
        excluded_fields=[
            *("plan", "measure", "position", "next_due_date", "next_deadline_id", "deadline_total", "search_text"),
            *("latest_report_at", "next_deadline_approved"),
        ]
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = "节点计划"
        verbose_name_plural = "节点计划"
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="milestone_unique_position")]

    def __str__(self):
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("plans:milestone", args=[self.pk])  # "task" in URLs, 节点计划 on the page

    @property
    def schedule_phrase(self) -> str:
        return self.due_text or self.schedule_text

    @property
    def schedule(self):
        return parse_schedule(self.schedule_phrase, source=f"{self.plan.code} 第{self.position}行")


class MilestoneUnit(models.Model):
    milestone = models.ForeignKey(
        Milestone, verbose_name="节点计划", on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="milestone_assignments")
    role = models.CharField("角色", max_length=20, choices=UnitRole.choices)
    position = models.PositiveSmallIntegerField("顺序")
    written_name = models.CharField("文件写法", max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "节点计划单位"
        verbose_name_plural = "节点计划单位"
        ordering = ["milestone", "position"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "position"], name="milestoneunit_unique_position"),
            models.UniqueConstraint(fields=["milestone", "unit"], name="milestoneunit_unique_unit"),
        ]

    def __str__(self):
        return f"{self.written_name}（{self.get_role_display()}）"

    @property
    def export_name(self) -> str:
        """Group units keep the document's own name ("各街道办事处"); others use the full name."""
        return self.export_name_of(self.written_name, self.unit.name, self.unit.is_group)

    @staticmethod
    def export_name_of(written_name: str, unit_name: str, is_group: bool) -> str:
        """`export_name` from plain column values (the streamed export reads values, not instances)."""
        return written_name.replace(" ", "") if is_group else unit_name


class OccurrenceQuerySet(models.QuerySet):
    def open(self):
        """Not yet met (no approved 已完成 report) nor closed by 年度销号, each with its effective due date:
        the SQL form of `Occurrence.is_open` and `Occurrence.effective_due_date`.

        A deadline the close recorded 未完成 stays open when no later deadline of the same node plan takes
        over (a one-off item, or the last year of a yearly one): it stays 逾期未完成 until it is done."""
        later = Occurrence.objects.filter(
            milestone=models.OuterRef("milestone"), is_deadline=True, due_date__gt=models.OuterRef("due_date")
        )
        still_owed = models.Q(outcome=Outcome.MISSED, is_deadline=True) & ~models.Exists(later)
        return self.filter(models.Q(outcome="") | still_owed, completed_on__isnull=True).annotate(
            effective_due=Coalesce("extended_due_date", "due_date", output_field=models.DateField())
        )

    def open_deadlines(self):
        """Open occurrences that are deadlines (not the report periods of ongoing work)."""
        return self.open().filter(is_deadline=True)


class Occurrence(models.Model):
    """A concrete deadline (or, for ongoing work, a report period) derived from the schedule."""

    milestone = models.ForeignKey(
        Milestone, verbose_name="节点计划", on_delete=models.CASCADE, related_name="occurrences"
    )
    label = models.CharField("期次", max_length=40)
    start_date = models.DateField("开始日期")
    due_date = models.DateField("截止日期")
    is_deadline = models.BooleanField("是否为截止期限", default=True, help_text="长期推进事项的定期报送期不是截止期限")
    extended_due_date = models.DateField("延期后截止日期", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True, help_text="审核通过“已完成”报告的日期")
    outcome = models.CharField("年度销号结果", max_length=10, choices=Outcome.choices, blank=True)
    history = HistoricalRecords()

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = "期次"
        verbose_name_plural = "期次"
        ordering = ["milestone", "due_date"]
        constraints = [models.UniqueConstraint(fields=["milestone", "label"], name="occurrence_unique_label")]

    def __str__(self):
        return f"{self.label}（截止 {cn_date(self.effective_due_date)}）"

    @property
    def effective_due_date(self):
        """An approved extension replaces the original date (which stays visible)."""
        return self.extended_due_date or self.due_date

    @property
    def completed_on_time(self) -> bool:
        return self.completed_on is not None and self.completed_on <= self.effective_due_date

    @property
    def completed_late(self) -> bool:
        return self.completed_on is not None and self.completed_on > self.effective_due_date

    @property
    def is_open(self) -> bool:
        if self.completed_on is not None:
            return False
        if self.outcome != Outcome.MISSED:
            return not self.outcome
        later = Occurrence.objects.filter(milestone_id=self.milestone_id, is_deadline=True, due_date__gt=self.due_date)
        return self.is_deadline and not later.exists()


class PlanYearClosure(models.Model):
    """年度销号: staff close a plan year; each of its deadlines is recorded as met or missed."""

    plan = models.ForeignKey(Plan, verbose_name="行动计划", on_delete=models.CASCADE, related_name="closures")
    year = models.PositiveSmallIntegerField("年度")
    closed_by = models.ForeignKey("auth.User", verbose_name="销号人", on_delete=models.PROTECT)
    closed_at = models.DateTimeField("销号时间", auto_now_add=True)
    met_count = models.PositiveIntegerField("按期完成")
    late_count = models.PositiveIntegerField("逾期完成", default=0)
    missed_count = models.PositiveIntegerField("未完成")

    class Meta:
        verbose_name = "年度销号"
        verbose_name_plural = "年度销号"
        ordering = ["plan", "year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="closure_unique_year")]

    def __str__(self):
        return f"{self.plan} {self.year}年度销号"
