"""Who a user is in the portal: staff (组织部工作人员), liaison (单位联络员) or leader (领导).

Roles are Django groups. Superusers count as staff. The result is cached on the user object for
the request, so scoping costs a fixed number of queries however often it is asked.
"""

from django.contrib.auth.models import Group
from django.db import models

from units.models import Membership, Region, RegionAccess, RegionMembership, Unit


class Role(models.TextChoices):
    STAFF = "staff", "组织部工作人员"
    LIAISON = "liaison", "单位联络员"
    LEADER = "leader", "领导"


def user_role(user) -> str | None:
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_talentplan_role"):
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser or Role.STAFF in names:
            user._talentplan_role = Role.STAFF
        elif Role.LEADER in names:
            user._talentplan_role = Role.LEADER
        elif Role.LIAISON in names:
            user._talentplan_role = Role.LIAISON
        else:
            user._talentplan_role = None
    return user._talentplan_role


EVERY_REGION = None  # a superuser's (系统管理员) region access: every region, in full


def region_access(user) -> dict[int, str] | None:
    """Region id -> "full" or "read" for a staff member or leader; EVERY_REGION for a superuser.

    A membership gives its region at its own access and every region below it read-only, unless a membership
    there says more. Two queries, cached on the user for the request, whatever the number of rows.
    """
    if not user.is_authenticated:
        return {}
    if user.is_superuser:
        return EVERY_REGION
    if user_role(user) not in (Role.STAFF, Role.LEADER):
        return {}  # a liaison's region is their units' (plans.access scopes them by unit)
    if not hasattr(user, "_talentplan_regions"):
        direct = dict(RegionMembership.objects.filter(user=user).values_list("region_id", "access"))
        access = dict(direct)
        if direct:
            children: dict[int, list[int]] = {}
            for pk, parent_id in Region.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
                children.setdefault(parent_id, []).append(pk)
            stack = list(direct)
            while stack:
                for child in children.get(stack.pop(), []):
                    if child not in access:
                        access[child] = RegionAccess.READ
                        stack.append(child)
        user._talentplan_regions = access
    return user._talentplan_regions


def readable_region_ids(user) -> set[int] | None:
    """Regions whose plans the user reads (None: every region)."""
    access = region_access(user)
    return None if access is EVERY_REGION else set(access)


def full_region_ids(user) -> set[int] | None:
    """Regions where the user acts as their role allows (None: every region)."""
    access = region_access(user)
    return None if access is EVERY_REGION else {pk for pk, level in access.items() if level == RegionAccess.FULL}


def home_region_id(user) -> int | None:
    """The region a person reads first: their first 管理 membership (by region order), else any one."""
    access = region_access(user)
    if not access:
        if user_role(user) != Role.LIAISON:
            return None
        if not hasattr(user, "_talentplan_home"):
            units = Unit.objects.filter(pk__in=own_unit_ids(user)).order_by("region_id")
            user._talentplan_home = units.values_list("region_id", flat=True).first()
        return user._talentplan_home
    full = sorted(pk for pk, level in access.items() if level == RegionAccess.FULL)
    return (full or sorted(access))[0]


def own_unit_ids(user) -> set[int]:
    """The units the user acts for directly."""
    if not hasattr(user, "_talentplan_units"):
        user._talentplan_units = set(Membership.objects.filter(user=user).values_list("unit_id", flat=True))
    return user._talentplan_units


def covered_unit_ids(user) -> set[int]:
    """The user's units plus every group unit that contains one of them (a street's liaison covers 各街道)."""
    if not hasattr(user, "_talentplan_covered"):
        units = own_unit_ids(user)
        groups = Unit.members.through.objects.filter(to_unit_id__in=units).values_list("from_unit_id", flat=True)
        user._talentplan_covered = units | set(groups)
    return user._talentplan_covered


def ensure_role_groups() -> dict[str, Group]:
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
