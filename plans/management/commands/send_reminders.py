from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans.notifications.daily_run import run_reminders
from plans.notifications.due import plan_digests


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期“{value}”格式不对，应为 YYYY-MM-DD。") from exc


class Command(BaseCommand):
    help = "生成并发送今天（或指定日期）的到期提醒；与 Celery 定时任务调用同一段代码"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天计算（YYYY-MM-DD，默认今天，Asia/Shanghai）")
        parser.add_argument("--plan", action="append", default=[], help="只处理这些计划代码，可重复")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不发送、不记录")

    def handle(self, *args, **opts):
        today = _parse_date(opts["date"]) if opts["date"] else timezone.localdate()
        if opts["dry_run"]:
            digests = plan_digests(today, opts["plan"] or None)
            for digest in digests:
                who = digest.unit.name if digest.unit else (digest.user.get_full_name() or digest.user.username)
                self.stdout.write(f"【{digest.kind}】{who}（{len(digest.items)} 项）")
                for item in digest.items:
                    state = f"逾期 {-item.days_left} 天" if item.days_left < 0 else f"还有 {item.days_left} 天"
                    self.stdout.write(f"  - #{item.milestone_id} {item.milestone[:40]}｜截止 {item.due}｜{state}")
            self.stdout.write(self.style.WARNING(f"{today}：共 {len(digests)} 份提醒（--dry-run，未发送）。"))
            return
        report = run_reminders(today, opts["plan"] or None)
        summary = (
            f"新生成 {report.created} 条，已存在 {report.existing} 条，"
            f"发送成功 {report.sent} 条，失败 {report.failed} 条"
        )
        self.stdout.write(self.style.SUCCESS(f"{today}：{summary}。"))
