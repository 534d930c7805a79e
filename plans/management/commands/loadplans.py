from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.loader import load_plans
from talentplan.lib.fixtures import FixtureError


class Command(BaseCommand):
    help = "从 fixtures/ 载入单位与行动计划（可重复执行，结果不变；出错时不写入任何数据）"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="只载入这些计划代码（默认全部）")
        parser.add_argument("--fixtures-dir", help="从此目录读取（默认为项目的 fixtures/）")

    def handle(self, *args, codes, fixtures_dir=None, **options):
        try:
            report = load_plans(fixtures_dir=Path(fixtures_dir) if fixtures_dir else None, codes=codes or None)
        except FixtureError as exc:
            raise CommandError("载入失败，数据库未作任何修改：\n" + "\n".join(exc.messages)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"已载入 {len(report.plans)} 个行动计划。"))
