"""Keep Milestone.next_due_date in step with its occurrences, and mark the dashboard's stored figures of a
plan stale (plans.figures), in the transaction that changes them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from targets.models import Indicator, IndicatorYear

from .models import Milestone, MilestoneUnit, Occurrence, Plan, ProgressReport, figures_changed
from .tracking import refresh_next_due


@receiver(post_save, sender=Occurrence, dispatch_uid="occurrence_saved_next_due")
@receiver(post_delete, sender=Occurrence, dispatch_uid="occurrence_deleted_next_due")
def occurrence_changed(sender, instance, **kwargs):
    refresh_next_due([instance.milestone_id])


@receiver(post_save, sender=Milestone, dispatch_uid="milestone_saved_figures")
@receiver(post_delete, sender=Milestone, dispatch_uid="milestone_deleted_figures")
@receiver(post_save, sender=Indicator, dispatch_uid="indicator_saved_figures")
@receiver(post_delete, sender=Indicator, dispatch_uid="indicator_deleted_figures")
def plan_part_changed(sender, instance, **kwargs):
    figures_changed(plan_ids=[instance.plan_id])


@receiver(post_save, sender=Plan, dispatch_uid="plan_saved_figures")
def plan_changed(sender, instance, **kwargs):
    figures_changed(plan_ids=[instance.pk])  # its years frame every indicator's trajectory


@receiver(post_save, sender=IndicatorYear, dispatch_uid="indicator_year_saved_figures")
@receiver(post_delete, sender=IndicatorYear, dispatch_uid="indicator_year_deleted_figures")
def indicator_year_changed(sender, instance, **kwargs):
    figures_changed(plan_ids=Indicator.objects.filter(pk=instance.indicator_id).values("plan_id"))


@receiver(post_save, sender=MilestoneUnit, dispatch_uid="assignment_saved_figures")
@receiver(post_delete, sender=MilestoneUnit, dispatch_uid="assignment_deleted_figures")
@receiver(post_save, sender=ProgressReport, dispatch_uid="report_saved_figures")
@receiver(post_delete, sender=ProgressReport, dispatch_uid="report_deleted_figures")
def milestone_part_changed(sender, instance, **kwargs):
    figures_changed(milestone_ids=[instance.milestone_id])
