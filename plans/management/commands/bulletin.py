from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.bulletin.document import build_bulletin
from plans.bulletin.periods import period_named, periods
from plans.models import Plan


class Command(BaseCommand):
    help = "生成行动计划某期间（年度、季度或月度）的进展通报草稿（Word，未编号；编号印发在“进展通报”页面）"

    def add_arguments(self, parser):
        parser.add_argument("code", help="计划代码")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", help="通报期间：2023（年度）、2023Q2（季度）或 2023-05（月度）")
        which.add_argument("--year", help="通报年度（同 --period）")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.docx）")

    def handle(self, *args, code, period, year, output, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"找不到计划代码“{code}”。")
        chosen = period_named(plan, period or year)
        if chosen is None:
            offered = "、".join(p.key for p in periods(plan) if p.kind == "year")
            span = f"{plan.start_year}—{plan.end_year}年"
            raise CommandError(f"{period or year}不在该计划的实施年度（{span}）内（可选的通报期间如：{offered}）。")
        path = Path(output)
        if path.suffix.lower() != ".docx" or not path.parent.exists():
            raise CommandError(f"输出文件应以 .docx 结尾且目录存在：{output}")
        build_bulletin(plan, chosen).save(path)
        self.stdout.write(self.style.SUCCESS(f"已生成 {path}"))
