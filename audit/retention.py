"""How long the audit log is kept: AUDIT_RETENTION_DAYS (at least 180, 网络安全法 §21), then pruned by the beat
task audit.tasks.prune_audit_log and the command prune_audit_log, both calling prune()."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.choices import Action
from audit.log import record
from audit.models import AuditEvent

MINIMUM_DAYS = 180


def retention_days() -> int:
    return max(settings.AUDIT_RETENTION_DAYS, MINIMUM_DAYS)


@transaction.atomic
def prune(now=None) -> int:
    """Delete the rows older than the retention period; the pruning itself is recorded. Returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    if deleted:
        record(Action.PRUNE, target="安全审计日志", detail=f"删除 {deleted} 条 {cutoff:%Y-%m-%d} 之前的记录")
    return deleted
