"""Restore a backup made by manage.py backup (plans.backup.run.restore), then check it against its manifest."""

from django.core.management.base import BaseCommand, CommandError

from plans.backup.manifest import BackupError
from plans.backup.run import restore


class Command(BaseCommand):
    help = "从备份目录恢复数据库和佐证材料文件，并按清单核对行数与文件校验和"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="manage.py backup 生成的备份目录")
        parser.add_argument("--force", action="store_true", help="当前数据库已有数据或存储中已有同名文件时仍然覆盖")

    def handle(self, *args, **options):
        try:
            result = restore(options["directory"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已恢复（{result['method']}）：{result['tables']} 张表，行数 备份 {result['rows_before']} / "
            f"恢复后 {result['rows_after']}；文件 备份 {result['files_before']} / 恢复后 {result['files_after']}。"
        )
        if result["differing"] or result["files_missing"]:
            differing = list(result["differing"].items())[:10]
            details = "；".join(f"{label} 备份 {a} 行、现 {b} 行" for label, (a, b) in differing)
            raise CommandError(f"恢复后与清单不一致：{details or ''} 文件不符 {result['files_missing'][:10]}")
