from datetime import date

from django.core.management.base import BaseCommand, CommandError

from bench.synthetic import SyntheticError, generate, parse_scale, size_for


class Command(BaseCommand):
    help = (
        "生成省级规模的合成数据（用于性能基准）：默认 200 个计划、500 个单位（2 个地区）、"
        "100,000 个节点计划及其期次、300,000 条进展报告、2,000 项指标；同一种子生成相同数据"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="100k", help="节点计划数，如 1k、10k、100k（其余按比例缩放），默认 100k")
        parser.add_argument("--seed", type=int, default=1, help="随机种子，默认 1")
        parser.add_argument("--today", help="按这一天生成（YYYY-MM-DD，默认今天）：逾期、待审核等都相对这一天")
        parser.add_argument("--force", action="store_true", help="数据库中已有非合成的计划时仍然写入")

    def handle(self, *args, scale, seed, today, force, **options):
        try:
            size = size_for(parse_scale(scale))
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"参数有误：{exc}") from exc
        try:
            summary = generate(size, seed=seed, today=day, force=force, log=self.stdout.write)
        except SyntheticError as exc:
            raise CommandError(str(exc)) from exc
        rows = summary["rows"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成合成数据：计划 {rows['Plan']} 个、节点计划 {rows['Milestone']:,} 个、"
                f"期次 {rows['Occurrence']:,} 个、"
                f"进展报告 {rows['ProgressReport']:,} 条、指标 {rows['Indicator']:,} 项，用时 {summary['seconds']} 秒。"
            )
        )
