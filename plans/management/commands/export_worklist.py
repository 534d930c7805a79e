from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.excel.worklist import save_worklist
from plans.models import Plan


class Command(BaseCommand):
    help = "导出行动计划的工作清单（每个节点计划一行）及“指标”工作表为 Excel 文件"

    def add_arguments(self, parser):
        parser.add_argument("code", help="计划代码，如 jianghai-rcqq-2022")
        parser.add_argument("-o", "--output", required=True, help="输出文件路径（.xlsx）")

    def handle(self, *args, code, output, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            known = "、".join(Plan.objects.values_list("code", flat=True)) or "（尚未载入任何计划，请先运行 loadplans）"
            raise CommandError(f"找不到计划代码“{code}”。可用的计划：{known}")
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"输出文件应以 .xlsx 结尾：{output}")
        if not path.parent.exists():
            raise CommandError(f"输出目录不存在：{path.parent}")
        save_worklist(plan, path)
        self.stdout.write(self.style.SUCCESS(f"已导出 {plan.milestones.count()} 个节点计划到 {path}"))
