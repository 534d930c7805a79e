from django.core.management.base import BaseCommand

from audit.retention import prune, retention_days


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS，至少 180 天）的安全审计日志"

    def handle(self, *args, **options):
        deleted = prune()
        self.stdout.write(self.style.SUCCESS(f"已删除 {deleted} 条超过 {retention_days()} 天的安全审计日志。"))
