"""Back up the database and the evidence files into a new directory (plans.backup.run.backup)."""

from django.core.management.base import BaseCommand, CommandError

from plans.backup.manifest import BackupError
from plans.backup.run import backup


class Command(BaseCommand):
    help = "备份数据库和佐证材料文件到一个新目录（含行数与文件 SHA-256 清单 manifest.json）"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="备份目录（须不存在或为空）")
        parser.add_argument(
            "--method",
            choices=["native", "json"],
            default="native",
            help="native（默认）：SQLite 用在线备份，PostgreSQL 用 pg_dump；json：Django dumpdata，可跨数据库迁移",
        )

    def handle(self, *args, **options):
        try:
            summary = backup(options["directory"], method=options["method"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(summary["rows"].values())
        size = sum(entry["size"] for entry in summary["files"])
        self.stdout.write(
            f"已备份到 {options['directory']}：数据库（{summary['database']['method']}）{len(summary['rows'])} 张表 "
            f"{rows} 行，文件 {len(summary['files'])} 个（{size} 字节）。"
        )
