from django.core.management.base import BaseCommand

from units.demo import DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = "创建（或重置）演示账号并打印出来；仅用于演示和本地开发"

    def handle(self, *args, **options):
        accounts = ensure_demo_accounts()
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            self.stdout.write(f"  {account.username:<14} {account.description}")
