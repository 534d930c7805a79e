"""Who a user is in the portal: staff (组织部工作人员), liaison (单位联络员) or leader (领导).

Roles are Django groups. Superusers count as staff. The result is cached on the user object for
the request, so scoping costs a fixed number of queries however often it is asked.
"""

from django.contrib.auth.models import Group
from django.db import models

from .models import Membership, Unit


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


def sees_everything(user) -> bool:
    return user_role(user) in (Role.STAFF, Role.LEADER)


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
