from django.core.management.base import BaseCommand

from plans.demo.accounts import DEMO_PASSWORD, UNIT_LIAISON_PREFIX, ensure_demo_accounts


class Command(BaseCommand):
    help = "创建（或重置）演示账号并打印出来；仅用于演示和本地开发"

    def handle(self, *args, **options):
        accounts = ensure_demo_accounts()
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            if not account.is_unit_liaison:
                self.stdout.write(f"  {account.username:<14} {account.description}")
        # One line for the per-unit liaisons, so make run's output stays short; the admin lists them all.
        unit_liaisons = [account for account in accounts if account.is_unit_liaison]
        if unit_liaisons:
            examples = "、".join(f"{a.username}（{a.full_name}）" for a in unit_liaisons[:2])
            self.stdout.write(
                f"  {UNIT_LIAISON_PREFIX}<地区>-<序号> 另有牵头单位联络员 {len(unit_liaisons)} 个，如 {examples}；"
                "全部见管理后台“用户”"
            )
