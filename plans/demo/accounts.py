"""Demo accounts for a local run: staff, a leader and liaisons in each region, a 督查员 of the parent city and
one superuser (系统管理员), printed by `make run`. Besides the named liaisons, every unit that leads a node plan
gets a liaison of its own (lx-<region>-<position>), so the demo year can play every lead unit's deadlines."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from plans.choices import UnitRole
from units.accounts import create_user
from units.models import Membership, Unit
from units.roles import covered_unit_ids

DEMO_PASSWORD = "Talentplan-demo"  # passes AUTH_PASSWORD_VALIDATORS like any other password (tests/test_accounts.py)


@dataclass
class DemoAccount:
    username: str
    role: str
    full_name: str
    units: tuple[str | Unit, ...] = ()  # names, or the Unit itself (a per-unit liaison: names repeat across regions)
    region: str = ""  # the region shown (a liaison's is their unit's)
    regions: tuple[str, ...] = ()  # region codes where a staff member or leader acts (管理)
    superuser: bool = False

    @property
    def is_unit_liaison(self) -> bool:
        return self.username.startswith(UNIT_LIAISON_PREFIX)

    @property
    def description(self) -> str:
        units = f"：{'、'.join(map(str, self.units))}" if self.units else ""
        return f"{self.full_name}（{self.role_label}{units}）· {self.region}"

    @property
    def role_label(self) -> str:
        if self.superuser:
            return "系统管理员"
        if self.username == SUPERVISOR:
            return "督查员，只读并可留督办意见"
        return {"staff": "组织部工作人员", "leader": "领导", "liaison": "单位联络员"}[self.role]


SUPERVISOR = "jm-supervisor"
UNIT_LIAISON_PREFIX = "lx-"


JIANGHAI, NANPING = "江门市江海区", "南平市"
DEMO_ACCOUNTS = [
    DemoAccount("admin", "staff", "系统管理员", region="全部地区", superuser=True),
    DemoAccount("staff", "staff", "区委组织部 王明", region=JIANGHAI, regions=("jianghai",)),
    DemoAccount("leader", "leader", "区委 李书记", region=JIANGHAI, regions=("jianghai",)),
    DemoAccount("hr", "liaison", "区人社局 陈联络员", ("区人力资源和社会保障局",), region=JIANGHAI),
    DemoAccount("health", "liaison", "区卫健局 周联络员", ("区卫生健康局",), region=JIANGHAI),
    DemoAccount("science", "liaison", "区科技局 赵联络员", ("区科学技术局",), region=JIANGHAI),
    DemoAccount("lile", "liaison", "礼乐街道 黄联络员", ("礼乐街道",), region=JIANGHAI),
    DemoAccount("np-staff", "staff", "市委组织部 吴敏", region=NANPING, regions=("nanping",)),
    DemoAccount("np-shuji", "leader", "市委 郑书记", region=NANPING, regions=("nanping",)),
    DemoAccount("np-hr", "liaison", "南平市人社局 林联络员", ("市人社局",), region=NANPING),
    DemoAccount(SUPERVISOR, "leader", "江门市委组织部 何督查", region="江门市（可查看江海区）", regions=("jiangmen",)),
]


def unit_liaison_accounts() -> list[DemoAccount]:
    """A liaison for every lead unit of a node plan that no named demo liaison covers: the unit's own, or for a
    group unit (各县（市、区）) its first member's; a group without members gets one of its own."""
    named = [a.username for a in DEMO_ACCOUNTS if a.role == "liaison"]
    covered: set[int] = set()
    for membership in Membership.objects.filter(user__username__in=named).select_related("user"):
        covered |= covered_unit_ids(membership.user)
    leads = (
        Unit.objects.filter(milestone_assignments__role=UnitRole.LEAD)
        .distinct()
        .select_related("region")
        .prefetch_related("members")
        .order_by("region__code", "position")
    )
    accounts = []
    for lead in leads:
        if lead.pk in covered:
            continue
        members = sorted(lead.members.all(), key=lambda unit: unit.position) if lead.is_group else []
        unit = members[0] if members else lead
        covered |= {unit.pk, lead.pk, *unit.groups.values_list("pk", flat=True)}  # its liaison covers its groups
        name = f"{unit.short_name or unit.name}联络员"
        username = f"{UNIT_LIAISON_PREFIX}{unit.region.code}-{unit.position}"
        accounts.append(DemoAccount(username, "liaison", name, (unit,), region=unit.region.name))
    return accounts


def ensure_demo_accounts() -> list[DemoAccount]:
    """Creates or resets the demo accounts (after loadplans: the per-unit liaisons follow the node plans' lead
    units). Returns them all, the named ones first."""
    # Demo contact addresses so reminders have somewhere to go; real ones are set per unit by staff.
    for unit in Unit.objects.filter(email=""):
        unit.email = f"unit{unit.pk}@demo.talentplan.local"
        unit.save(update_fields=["email"])
    for account in DEMO_ACCOUNTS:
        user = create_user(
            account.username, account.role, account.units, DEMO_PASSWORD, account.full_name, regions=account.regions
        )
        # Not @…talentplan… (nor np-leader@…): Django's similarity validator would find DEMO_PASSWORD too close to
        # such an address and refuse it when the accounts are re-created. .invalid is reserved: nothing is delivered.
        user.email = f"{account.username}@demo.invalid"
        user.save(update_fields=["email"])
        if user.is_superuser != account.superuser:  # `staff` was the superuser before regions came
            user.is_superuser = account.superuser
            user.save(update_fields=["is_superuser"])
    unit_liaisons = unit_liaison_accounts()
    # One hash for them all: hashing (PBKDF2) per account would add seconds to every `make run`.
    hashed = make_password(DEMO_PASSWORD)
    for account in unit_liaisons:
        user = create_user(account.username, account.role, account.units, None, account.full_name)
        user.password, user.email = hashed, f"{account.username}@demo.invalid"
        user.save(update_fields=["password", "email"])
    return DEMO_ACCOUNTS + unit_liaisons


def liaison_by_unit(named_liaisons) -> dict[int, object]:
    """Unit id → the demo liaison who reports for it: a named one (hr, …) before a per-unit one (lx-…); a group
    unit (各街道) is answered for by a member's liaison."""
    named = {u.username: u for u in get_user_model().objects.filter(username__in=named_liaisons)}
    per_unit = get_user_model().objects.filter(username__startswith=UNIT_LIAISON_PREFIX).order_by("username")
    by_unit = {}
    for liaison in [*(named[name] for name in named_liaisons if name in named), *per_unit]:
        for unit_id in sorted(covered_unit_ids(liaison)):
            by_unit.setdefault(unit_id, liaison)
    return by_unit
