from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.loading.load import load_plans
from talentplan.lib.fixtures import FixtureError


class Command(BaseCommand):
    help = (
        "从 fixtures/ 载入单位与行动计划。默认只新建数据库中没有的计划，已有的计划不作任何修改，可在每次启动时运行；"
        "--update 按 fixtures 更新已有计划（门户中修改过的字段、门户中新增的节点计划、"
        "有报送等记录的节点计划一律保留），"
        "逐条列出修改；加 --dry-run 只列出将要进行的修改，不写入。出错时不写入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "codes", nargs="*", help="只处理这些计划代码（默认全部）；点名的计划即使曾在门户中删除也会重新载入"
        )
        parser.add_argument("--fixtures-dir", help="从此目录读取（默认为项目的 fixtures/）")
        parser.add_argument(
            "--update", action="store_true", help="按 fixtures 更新已存在的计划（三方比对，不覆盖门户中的修改）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出将要进行的修改，数据库不作任何修改")

    def handle(self, *args, codes, fixtures_dir=None, update=False, dry_run=False, **options):
        if dry_run:
            self.stdout.write("预演（--dry-run）：以下为将要进行的修改，数据库不会被修改。")
        try:
            report = load_plans(
                fixtures_dir=Path(fixtures_dir) if fixtures_dir else None,
                codes=codes or None,
                update=update,
                dry_run=dry_run,
            )
        except FixtureError as exc:
            raise CommandError("载入失败，数据库未作任何修改：\n" + "\n".join(exc.messages)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("预演结束，未写入任何数据。去掉 --dry-run 即按上述内容执行。"))
            return
        done = {"created": 0, "updated": 0}
        for outcome in report.plans.values():
            done[outcome.status] = done.get(outcome.status, 0) + 1
        summary = f"完成：新建 {done['created']} 个行动计划"
        if update:
            summary += f"，按 fixtures 更新 {done['updated']} 个"
        self.stdout.write(self.style.SUCCESS(summary + "。"))
