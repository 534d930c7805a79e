"""Portal users: creating them with a role and their units (one service for adduser, demo accounts and tests),
and who may administer whom in 数据管理."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from units.models import Membership, Region, RegionAccess, RegionMembership, Unit, UnitAlias, normalize_name
from units.passwords import require_change
from units.roles import Role, ensure_role_groups

STAFF_APPS = ["units", "plans", "targets", "identity"]


def find_units(names: list[str]) -> list[Unit]:
    """Units by full name, short name or alias, across regions; unknown or ambiguous names are errors. A Unit
    passes through as it is."""
    found, errors = [], []
    by_key: dict[str, set[int]] = {}
    for unit in Unit.objects.all():
        for spelling in (unit.name, unit.short_name):
            if spelling:
                by_key.setdefault(normalize_name(spelling), set()).add(unit.pk)
    for alias in UnitAlias.objects.all():
        by_key.setdefault(normalize_name(alias.alias), set()).add(alias.unit_id)
    for name in names:
        if isinstance(name, Unit):  # already resolved (demo accounts): a bare name may exist in two regions
            found.append(name)
            continue
        matches = by_key.get(normalize_name(name), set())
        if len(matches) == 1:
            found.append(Unit.objects.get(pk=next(iter(matches))))
        elif matches:
            candidates = "、".join(f"{u.region.name}{u.name}" for u in Unit.objects.filter(pk__in=matches))
            errors.append(f"单位“{name}”对应多个单位：{candidates}")
        else:
            errors.append(f"未知单位“{name}”")
    if errors:
        raise ValidationError(errors)
    return found


def find_regions(names: list[str]) -> list[Region]:
    """Regions by code or name (江海区 matches 江门市江海区 when only one region ends so); errors in Chinese."""
    regions = list(Region.objects.all())
    found, errors = [], []
    for name in names:
        key = name.strip()
        matches = [r for r in regions if key in (r.code, r.name)]
        matches = matches or [r for r in regions if key and r.name.endswith(key)]
        if len(matches) == 1:
            found.append(matches[0])
        elif matches:
            errors.append(f"地区“{name}”对应多个地区：{'、'.join(r.name for r in matches)}")
        else:
            known = "、".join(f"{r.code}（{r.name}）" for r in regions) or "（尚无地区，请先运行 loadplans）"
            errors.append(f"未知地区“{name}”，已有地区：{known}")
    if errors:
        raise ValidationError(errors)
    return found


def set_regions(user, full=(), read=()) -> None:
    """The user's region memberships become exactly these (Region objects); history records each change."""
    wanted = {region.pk: RegionAccess.FULL for region in full}
    for region in read:
        wanted.setdefault(region.pk, RegionAccess.READ)
    for membership in RegionMembership.objects.filter(user=user):
        access = wanted.pop(membership.region_id, None)
        if access is None:
            membership.delete()
        elif membership.access != access:
            membership.access = access
            membership.save()
    for region_id, access in wanted.items():
        RegionMembership.objects.create(user=user, region_id=region_id, access=access)


def grant_staff_permissions() -> None:
    """Staff manage units, users and plans in the admin: every permission on our apps and on users, and may
    look at groups. Editing groups and permissions stays with superusers."""
    groups = ensure_role_groups()
    permissions = Permission.objects.filter(
        Q(content_type__app_label__in=STAFF_APPS)
        | Q(content_type__app_label="auth", content_type__model="user")
        | Q(content_type__app_label="auth", codename="view_group")
    )
    groups[Role.STAFF].permissions.set(permissions)


def is_privileged(user) -> bool:
    """Superusers and staff (by flag or by the staff group): only a superuser may administer them."""
    return user.is_superuser or user.is_staff or user.groups.filter(name=Role.STAFF).exists()


def administrable_users(actor):
    """The users actor may see and edit in 数据管理: everyone for a superuser, else liaisons and leaders only."""
    users = get_user_model().objects.all()
    if actor.is_superuser:
        return users
    return users.filter(is_superuser=False, is_staff=False).exclude(groups__name=Role.STAFF)


def may_administer(actor, target) -> bool:
    return actor.is_superuser or not is_privileged(target)


def assignable_groups(actor):
    """Groups actor may give a user: any for a superuser, else every role but staff (a new role included)."""
    if actor.is_superuser:
        return Group.objects.all()
    ensure_role_groups()
    return Group.objects.filter(name__in=[role for role in Role.values if role != Role.STAFF])


def validate_new_password(password: str, username: str, full_name: str = "") -> None:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS); ValidationError in Chinese when refused."""
    User = get_user_model()
    candidate = User.objects.filter(username=username).first() or User(username=username)
    candidate.first_name = full_name or candidate.first_name
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError([f"密码不符合要求：{message}" for message in exc.messages]) from exc


@transaction.atomic
def create_user(
    username: str,
    role: str,
    unit_names=(),
    password: str | None = None,
    full_name: str = "",
    regions=(),
    read_regions=(),
    must_change_password: bool = False,
):
    """Create or update a user. Staff and leaders work for `regions` (管理) and read `read_regions` (只读,
    督查员); a liaison's region is their units'. Everything is checked before anything is written. With
    must_change_password (adduser), a password given here must be replaced at the user's next sign-in."""
    if role not in Role.values:
        raise ValidationError(f"角色“{role}”无效，应为 {'、'.join(Role.values)}")
    if role == Role.LIAISON and not unit_names:
        raise ValidationError("联络员必须至少指定一个单位（--unit）。")
    if role == Role.LIAISON and (regions or read_regions):
        raise ValidationError("联络员的地区由其单位决定，不能另行指定地区（--region）。")
    units = find_units(list(unit_names))
    full, read = find_regions(list(regions)), find_regions(list(read_regions))
    if password:
        validate_new_password(password, username, full_name)  # before anything is written
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.first_name = full_name or user.first_name
    if password:
        user.set_password(password)
        if must_change_password:
            require_change(user)
    elif not user.has_usable_password():
        user.set_unusable_password()
    user.save()
    assign_role(user, role, units, full, read)
    return user


def assign_role(user, role: str | None, units=(), full=(), read=()) -> None:
    """The user's role, units and regions become exactly these (a saved user; Unit and Region objects). None:
    no role at all (a directory person no mapping covers). adduser and the directory sign-in both come here."""
    is_staff = role == Role.STAFF
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    groups = ensure_role_groups()
    if role == Role.STAFF:
        grant_staff_permissions()
    user.groups.remove(*[g for name, g in groups.items() if name != role])
    if role:
        user.groups.add(groups[role])
    Membership.objects.filter(user=user).exclude(unit__in=units).delete()
    for unit in units:
        Membership.objects.get_or_create(user=user, unit=unit)
    set_regions(user, full, read)
    for cached in ("_talentplan_role", "_talentplan_regions", "_talentplan_units", "_talentplan_covered"):
        user.__dict__.pop(cached, None)
