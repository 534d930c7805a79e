from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.loading.excel_import import PlanHeader, confirm_import, preview_import
from talentplan.lib.fixtures import FixtureError


class Command(BaseCommand):
    help = "从工作清单格式的 Excel 导入新的行动计划（先校验全部行；任何一行有误则不写入任何数据）"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--plan-code", required=True, help="新计划的代码，如 jianghai-rcqq-2025")
        parser.add_argument("--title", required=True, help="计划标题")
        parser.add_argument("--region", required=True, help="地区代码，如 jianghai、nanping")
        parser.add_argument("--start-year", type=int, required=True)
        parser.add_argument("--end-year", type=int, required=True)
        parser.add_argument("--issue-date", type=date.fromisoformat, default=date.today(), help="印发日期 YYYY-MM-DD")
        parser.add_argument("--document-number", default="", help="文号")
        parser.add_argument("--issuer", action="append", default=[], help="发文机关，可重复")
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览，不写入")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        header = PlanHeader(
            code=opts["plan_code"],
            title=opts["title"],
            region=opts["region"],
            start_year=opts["start_year"],
            end_year=opts["end_year"],
            issue_date=opts["issue_date"],
            document_number=opts["document_number"],
            issuers=opts["issuer"],
        )
        preview = preview_import(path, path.name, header)
        if not preview.ok:
            raise CommandError("未导入，数据库未作任何修改：\n" + "\n".join(preview.errors))
        for row in preview.rows:
            units = "、".join(f"{w}→{m}" if w != m else w for w, m in row.units)
            self.stdout.write(f"第{row.line}行  {row.row.milestone[:30]}  [{row.schedule}]  {units}")
        if opts["dry_run"]:
            self.stdout.write(self.style.WARNING(f"校验通过，共 {len(preview.rows)} 行（--dry-run，未写入）。"))
            return
        try:
            plan = confirm_import(path, path.name, header, preview)
        except FixtureError as exc:
            raise CommandError("未导入：\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入“{plan.title}”：{plan.milestones.count()} 个节点计划。"))
