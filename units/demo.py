"""Demo accounts for a local run: one per role and liaisons of several units, printed by `make run`."""

from dataclasses import dataclass

from .accounts import create_user
from .models import Unit

DEMO_PASSWORD = "talentplan-demo"  # passes AUTH_PASSWORD_VALIDATORS like any other password (tests/test_accounts.py)


@dataclass
class DemoAccount:
    username: str
    role: str
    full_name: str
    units: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        units = f"：{'、'.join(self.units)}" if self.units else ""
        return f"{self.full_name}（{self.role_label}{units}）"

    @property
    def role_label(self) -> str:
        return {"staff": "组织部工作人员", "leader": "领导", "liaison": "单位联络员"}[self.role]


DEMO_ACCOUNTS = [
    DemoAccount("staff", "staff", "组织部 王明"),
    DemoAccount("leader", "leader", "区委 李书记"),
    DemoAccount("hr", "liaison", "区人社局 陈联络员", ("区人力资源和社会保障局",)),
    DemoAccount("health", "liaison", "区卫健局 周联络员", ("区卫生健康局",)),
    DemoAccount("science", "liaison", "区科技局 赵联络员", ("区科学技术局",)),
    DemoAccount("lile", "liaison", "礼乐街道 黄联络员", ("礼乐街道",)),
    DemoAccount("np-hr", "liaison", "南平市人社局 林联络员", ("市人社局",)),
]


def ensure_demo_accounts() -> list[DemoAccount]:
    # Demo contact addresses so reminders have somewhere to go; real ones are set per unit by staff.
    for unit in Unit.objects.filter(email=""):
        unit.email = f"unit{unit.pk}@demo.talentplan.local"
        unit.save(update_fields=["email"])
    for account in DEMO_ACCOUNTS:
        user = create_user(account.username, account.role, account.units, DEMO_PASSWORD, account.full_name)
        # Not @…talentplan…: Django's similarity validator would find DEMO_PASSWORD too close to such an address
        # and refuse it when the accounts are re-created. .invalid is reserved, so nothing is ever delivered.
        user.email = f"{account.username}@demo.invalid"
        user.save(update_fields=["email"])
        if account.role == "staff":
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
    return DEMO_ACCOUNTS
