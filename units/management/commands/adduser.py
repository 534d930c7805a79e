from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from units.accounts import create_user
from units.roles import Role


class Command(BaseCommand):
    help = "创建或更新用户：指定角色（staff 工作人员 / liaison 联络员 / leader 领导）及所属单位"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values, help="、".join(Role.values))
        parser.add_argument("--unit", action="append", default=[], help="单位名称或别名，可重复")
        parser.add_argument(
            "--region", action="append", default=[], help="所属地区（代码或名称，可重复）：在该地区按角色办理"
        )
        parser.add_argument(
            "--read-region",
            action="append",
            default=[],
            help="只读地区（代码或名称，可重复）：查看并可留督办意见（督查员）",
        )
        parser.add_argument("--password", help="初始密码（用户首次登录时须修改；不填则该用户暂不能登录）")
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args, username, role, unit, region, read_region, password, name, **options):
        try:
            user = create_user(
                username,
                role,
                unit,
                password,
                name,
                regions=region,
                read_regions=read_region,
                must_change_password=True,
            )
        except ValidationError as exc:
            raise CommandError("未创建用户：" + "；".join(exc.messages)) from exc
        units = "、".join(m.unit.name for m in user.memberships.select_related("unit")) or "无"
        regions = "、".join(
            f"{m.region.name}（{m.get_access_display()}）" for m in user.region_memberships.select_related("region")
        )
        self.stdout.write(
            self.style.SUCCESS(f"已保存用户 {username}（{Role(role).label}），单位：{units}，地区：{regions or '无'}")
        )
        if role != Role.LIAISON and not regions and not user.is_superuser:
            self.stdout.write(self.style.WARNING("未指定地区（--region）：该用户看不到任何计划。"))
