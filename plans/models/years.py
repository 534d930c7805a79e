"""A node plan's deadlines in one year, stored (plans.tracking.refresh_year_states, the one writer, called with
refresh_next_due in the transaction of every change to an occurrence): the year filters of the task list, the
dashboard for a chosen year and the 期限完成情况 filters read these indexed rows instead of every deadline."""

from django.db import models

from plans.models.structure import Milestone


class MilestoneYear(models.Model):
    """One node plan in one year in which it has an occurrence (a deadline or a report period)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="year_states")
    year = models.PositiveSmallIntegerField()
    deadlines = models.PositiveIntegerField(default=0)  # occurrences of the year that are deadlines
    undone = models.PositiveIntegerField(default=0)  # deadlines of the year not met (completed_on empty)
    open_due = models.DateField(null=True)  # the earliest effective due date of those
    met_on = models.DateField(null=True)  # the earliest approval of a deadline met on time
    late_on = models.DateField(null=True)  # the earliest approval of a deadline met late
    last_done_on = models.DateField(null=True)  # the latest approval of any deadline of the year

    class Meta:
        verbose_name = verbose_name_plural = "节点计划年度期限（统计）"
        constraints = [models.UniqueConstraint(fields=["year", "milestone"], name="milestone_year_once")]
        indexes = [
            models.Index(fields=["year", "open_due"], name="milestone_year_open_due"),
            models.Index(fields=["milestone", "year"], name="milestone_year_by_milestone"),
        ]

    def __str__(self):
        return f"{self.milestone_id} {self.year}: {self.undone}/{self.deadlines}"
