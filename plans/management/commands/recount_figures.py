"""Count every plan's dashboard figures for today again (plans.dashboard.stored_counts), as the nightly task does."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from plans.dashboard.stored_counts import recount_all


class Command(BaseCommand):
    help = "重新统计各行动计划的看板数据（每晚自动运行；数据异常时可手动运行）"

    def handle(self, *args, **options):
        count = recount_all(timezone.localdate(), force=True)
        self.stdout.write(f"已重新统计 {count} 个行动计划的看板数据。")
