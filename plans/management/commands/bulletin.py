from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.bulletin.document import build_bulletin
from plans.models import Plan


class Command(BaseCommand):
    help = "生成行动计划某年度的进展通报（Word）"

    def add_arguments(self, parser):
        parser.add_argument("code", help="计划代码")
        parser.add_argument("--year", type=int, required=True, help="通报年度")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.docx）")

    def handle(self, *args, code, year, output, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"找不到计划代码“{code}”。")
        if year not in plan.years:
            raise CommandError(f"{year}年不在该计划的实施年度（{plan.start_year}—{plan.end_year}年）内。")
        path = Path(output)
        if path.suffix.lower() != ".docx" or not path.parent.exists():
            raise CommandError(f"输出文件应以 .docx 结尾且目录存在：{output}")
        build_bulletin(plan, year).save(path)
        self.stdout.write(self.style.SUCCESS(f"已生成 {path}"))
