"""Demo accounts for a local run: one per role, printed by `make run`."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

DEMO_PASSWORD = "talentplan-demo"


@dataclass
class DemoAccount:
    username: str
    description: str


def ensure_demo_accounts() -> list[DemoAccount]:
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="admin", defaults={"first_name": "系统管理员"})
    user.is_staff = user.is_superuser = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    return [DemoAccount("admin", "组织部工作人员（系统管理员，可进入数据管理后台）")]
