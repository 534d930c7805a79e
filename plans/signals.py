"""Keep Milestone.next_due_date in step with its occurrences, and mark the dashboard's stored figures of a
plan stale (plans.dashboard.stored_counts), in the transaction that changes them."""

import functools

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from plans.models import Item, Measure, Milestone, MilestoneUnit, Occurrence, Plan, ProgressReport, figures_changed
from plans.search_text import milestones_of_units, refresh_search_text
from plans.tracking import refresh_next_due, refresh_report_columns
from targets.models import Indicator, IndicatorYear
from units.models import Unit, UnitAlias


def not_on_load(handler):
    """Skip a raw save (loaddata, as the json restore in plans.backup runs it): the rows loaded already hold
    every stored figure, date, per-year row and search text as they were; writing them again while loading
    duplicates the per-year rows (UNIQUE year, milestone) and moves figures_version, so restore is not exact."""

    @functools.wraps(handler)
    def wrapper(sender, instance, **kwargs):
        if kwargs.get("raw"):
            return None
        return handler(sender, instance, **kwargs)

    return wrapper


@receiver(post_save, sender=Occurrence, dispatch_uid="occurrence_saved_next_due")
@receiver(post_delete, sender=Occurrence, dispatch_uid="occurrence_deleted_next_due")
@not_on_load
def occurrence_changed(sender, instance, **kwargs):
    refresh_next_due([instance.milestone_id])


@receiver(post_save, sender=Milestone, dispatch_uid="milestone_saved_figures")
@receiver(post_delete, sender=Milestone, dispatch_uid="milestone_deleted_figures")
@receiver(post_save, sender=Indicator, dispatch_uid="indicator_saved_figures")
@receiver(post_delete, sender=Indicator, dispatch_uid="indicator_deleted_figures")
@not_on_load
def plan_part_changed(sender, instance, **kwargs):
    figures_changed(plan_ids=[instance.plan_id])


@receiver(post_save, sender=Plan, dispatch_uid="plan_saved_figures")
@not_on_load
def plan_changed(sender, instance, **kwargs):
    figures_changed(plan_ids=[instance.pk])  # its years frame every indicator's trajectory


@receiver(post_save, sender=IndicatorYear, dispatch_uid="indicator_year_saved_figures")
@receiver(post_delete, sender=IndicatorYear, dispatch_uid="indicator_year_deleted_figures")
@not_on_load
def indicator_year_changed(sender, instance, **kwargs):
    figures_changed(plan_ids=Indicator.objects.filter(pk=instance.indicator_id).values("plan_id"))


@receiver(post_save, sender=MilestoneUnit, dispatch_uid="assignment_saved_figures")
@receiver(post_delete, sender=MilestoneUnit, dispatch_uid="assignment_deleted_figures")
@receiver(post_save, sender=ProgressReport, dispatch_uid="report_saved_figures")
@receiver(post_delete, sender=ProgressReport, dispatch_uid="report_deleted_figures")
@not_on_load
def milestone_part_changed(sender, instance, **kwargs):
    figures_changed(milestone_ids=[instance.milestone_id])


@receiver(post_save, sender=ProgressReport, dispatch_uid="report_saved_columns")
@receiver(post_delete, sender=ProgressReport, dispatch_uid="report_deleted_columns")
@not_on_load
def report_changed(sender, instance, **kwargs):
    refresh_report_columns([instance.milestone_id])  # the last report, and whether the next deadline is approved


# The stored search text (plans.search_text): the node plan's own texts, its measure's, its item's and
# its units' names and aliases.
SEARCHED_FIELDS = {"text", "due_text", "schedule_text", "measure", "measure_id"}


@receiver(post_save, sender=Milestone, dispatch_uid="milestone_saved_search")
@not_on_load
def milestone_text_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or SEARCHED_FIELDS & set(update_fields):
        refresh_search_text([instance.pk])


@receiver(post_save, sender=MilestoneUnit, dispatch_uid="assignment_saved_search")
@receiver(post_delete, sender=MilestoneUnit, dispatch_uid="assignment_deleted_search")
@not_on_load
def assignment_text_changed(sender, instance, **kwargs):
    refresh_search_text([instance.milestone_id])  # a node plan already deleted has no row to write


@receiver(post_save, sender=Measure, dispatch_uid="measure_saved_search")
@not_on_load
def measure_text_changed(sender, instance, created=False, **kwargs):
    if not created:
        refresh_search_text(instance.milestones.values_list("pk", flat=True))


@receiver(post_save, sender=Item, dispatch_uid="item_saved_search")
@not_on_load
def item_text_changed(sender, instance, created=False, **kwargs):
    if not created:
        refresh_search_text(Milestone.objects.filter(measure__item=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Unit, dispatch_uid="unit_saved_search")
@not_on_load
def unit_name_changed(sender, instance, created=False, **kwargs):
    if not created:
        refresh_search_text(milestones_of_units([instance.pk]))


@receiver(post_save, sender=UnitAlias, dispatch_uid="alias_saved_search")
@receiver(post_delete, sender=UnitAlias, dispatch_uid="alias_deleted_search")
@not_on_load
def unit_alias_changed(sender, instance, **kwargs):
    refresh_search_text(milestones_of_units([instance.unit_id]))
