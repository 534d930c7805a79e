from celery import shared_task

from audit.retention import prune


@shared_task
def prune_audit_log() -> int:
    return prune()
