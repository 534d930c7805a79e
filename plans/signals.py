"""Keep Milestone.next_due_date in step with its occurrences, in the transaction that changes them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Occurrence
from .tracking import refresh_next_due


@receiver(post_save, sender=Occurrence, dispatch_uid="occurrence_saved_next_due")
@receiver(post_delete, sender=Occurrence, dispatch_uid="occurrence_deleted_next_due")
def occurrence_changed(sender, instance, **kwargs):
    refresh_next_due([instance.milestone_id])
