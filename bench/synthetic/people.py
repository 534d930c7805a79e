"""Synthetic regions, units (with one group unit per region) and users: liaisons, staff and leaders."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from bench.synthetic.ids import IdAllocator, bulk
from units.accounts import grant_staff_permissions
from units.choices import UnitKind
from units.models import Membership, Region, RegionAccess, RegionMembership, Unit
from units.roles import Role, ensure_role_groups

REGIONS = [("syn-a", "合成市甲区"), ("syn-b", "合成市乙区")]
KINDS = [UnitKind.PARTY, UnitKind.GOVERNMENT, UnitKind.GOVERNMENT, UnitKind.STREET, UnitKind.MASS_ORG]
# Everyone shares one password, hashed once: the benchmark signs in through sessions, not the login form.
PASSWORD = "synthetic-bench-password"


class People:
    """What the plan builder needs: units per region (and their liaisons), staff and leaders."""

    def __init__(self):
        self.regions: list[Region] = []
        self.units: dict[int, list[Unit]] = {}  # region id → ordinary units
        self.groups: dict[int, Unit] = {}  # region id → its group unit (各街道)
        self.liaison_of: dict[int, int] = {}  # unit id → liaison user id
        self.staff_ids: list[int] = []
        self.leader_ids: list[int] = []


def build_people(size, ids: IdAllocator) -> People:
    people = People()
    for code, name in REGIONS:
        region = Region(pk=ids.next(Region), code=code, name=name)
        people.regions.append(region)
    bulk(Region, people.regions)

    per_region = size.units // len(REGIONS)
    units, members = [], []
    for region_index, region in enumerate(people.regions):
        ordinary = []
        for n in range(1, per_region):  # the last slot is the group unit
            kind = KINDS[n % len(KINDS)]
            suffix = "街道" if kind == UnitKind.STREET else "局"
            unit = Unit(
                pk=ids.next(Unit),
                region=region,
                name=f"{region.name}第{n:03d}{suffix}",
                short_name=f"{'甲乙'[region_index]}{n:03d}",
                kind=kind,
                email=f"unit-{region_index}-{n:03d}@synthetic.example",
            )
            ordinary.append(unit)
        group = Unit(pk=ids.next(Unit), region=region, name=f"{region.name}各街道", kind=UnitKind.GROUP, is_group=True)
        units += [*ordinary, group]
        people.units[region.pk], people.groups[region.pk] = ordinary, group
        streets = [u for u in ordinary if u.kind == UnitKind.STREET]
        members += [Unit.members.through(from_unit_id=group.pk, to_unit_id=s.pk) for s in streets]
    bulk(Unit, units)
    bulk(Unit.members.through, members)
    _build_users(people, size, ids)
    return people


def _build_users(people: People, size, ids: IdAllocator) -> None:
    User = get_user_model()
    groups = ensure_role_groups()
    grant_staff_permissions()
    password = make_password(PASSWORD)
    users, in_groups, memberships = [], [], []

    def add(username, full_name, role, is_staff=False):
        user = User(
            pk=ids.next(User),
            username=username,
            first_name=full_name,
            email=f"{username}@synthetic.example",
            password=password,
            is_staff=is_staff,
        )
        users.append(user)
        in_groups.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
        return user.pk

    for n in range(1, size.staff + 1):
        people.staff_ids.append(add(f"syn-staff-{n}", f"工作人员{n}", Role.STAFF, is_staff=True))
    for n in range(1, size.leaders + 1):
        people.leader_ids.append(add(f"syn-leader-{n}", f"领导{n}", Role.LEADER))
    for region_units in people.units.values():
        for unit in region_units:
            user_id = add(f"syn-liaison-{unit.pk}", f"{unit.short_name}联络员", Role.LIAISON)
            people.liaison_of[unit.pk] = user_id
            memberships.append(Membership(pk=ids.next(Membership), user_id=user_id, unit_id=unit.pk))
    # Synthetic staff and leaders work for every synthetic region (管理), as staff and leaders saw every plan
    # before regions came: the benchmark's pages show the same rows with the region condition added.
    region_memberships = [
        RegionMembership(pk=ids.next(RegionMembership), user_id=user_id, region=region, access=RegionAccess.FULL)
        for user_id in people.staff_ids + people.leader_ids
        for region in people.regions
    ]
    bulk(User, users)
    bulk(User.groups.through, in_groups)
    bulk(Membership, memberships)
    bulk(RegionMembership, region_memberships)
