from django.core.management.base import BaseCommand

from plans.demo import seed_demo_progress


class Command(BaseCommand):
    help = "写入演示用的进展报告和指标实际值（已有进展报告时不做任何事）；仅用于演示"

    def handle(self, *args, **options):
        added = seed_demo_progress()
        self.stdout.write(f"已写入演示进展 {added} 条。" if added else "已有进展数据，未写入演示进展。")
