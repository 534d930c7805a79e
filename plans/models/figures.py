"""The dashboard's stored figures (plans.dashboard.stored_counts): per plan and day, what the grouped scans
over every node plan, deadline and report would count. Plan.figures_version is raised in the transaction of every change
that moves a figure; rows computed from an older version, or on another day, are counted again."""

from django.db import models

from plans.models.structure import Milestone, Plan
from units.models import Unit


class PlanFigures(models.Model):
    """Which version of the plan, and which day, the stored rows below were counted for."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField()
    computed_on = models.DateField()
    # [[indicator id, position, standing], ...]: each indicator of the plan judged (targets.standing) that day.
    standings = models.JSONField(default=list)

    class Meta:
        verbose_name = verbose_name_plural = "看板统计（按计划）"

    def __str__(self):
        return f"{self.plan_id} v{self.version} {self.computed_on}"


class PlanStatusFigures(models.Model):
    """Node plans of one plan in one status: the plan cards' counts."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    total = models.PositiveIntegerField()
    percent_sum = models.PositiveBigIntegerField()
    overdue = models.PositiveIntegerField()
    due_soon = models.PositiveIntegerField()
    completed = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "看板统计（按计划和状态）"
        constraints = [models.UniqueConstraint(fields=["plan", "status"], name="plan_status_figures_once")]

    def __str__(self):
        return f"{self.plan_id} {self.status}: {self.total}"


class PlanUnitFigures(models.Model):
    """One unit's figures within one plan: the league table sums these over the plans a reader sees."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    led = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    deadlines_passed = models.PositiveIntegerField(default=0)
    met_on_time = models.PositiveIntegerField(default=0)
    awaiting_review = models.PositiveIntegerField(default=0)
    last_report_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = verbose_name_plural = "看板统计（按计划和单位）"
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="plan_unit_figures_once")]

    def __str__(self):
        return f"{self.plan_id} {self.unit_id}: {self.led}"


def figures_changed(plan_ids=None, milestone_ids=None) -> None:
    """Call in the transaction of a change that moves a dashboard figure: raises the version of the plans
    named, or of the plans of the node plans named, or of every plan (both None)."""
    plans = Plan.objects.all()
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids if isinstance(plan_ids, models.QuerySet) else list(plan_ids))
    elif milestone_ids is not None:
        plans = plans.filter(pk__in=Milestone.objects.filter(pk__in=list(milestone_ids)).values("plan_id"))
    plans.update(figures_version=models.F("figures_version") + 1)
