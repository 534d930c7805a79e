"""A person the directory vouches for → a portal user with the role, units and regions the mappings give.

One service for both directories: the OIDC backend (identity/oidc.py) and the LDAP backend (identity/ldap.py)
describe the person as a DirectoryPerson and call sign_in(), at every sign-in, so a change of groups in the
directory changes the role and units at the next sign-in. Everything is decided before anything is written;
a refusal (a 停用 group, a unit name the portal does not know, a local account of the same name) raises
SignInRefused with a Chinese message and changes nothing.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from identity.choices import REFUSE
from identity.models import DirectoryAccount, DirectoryGroupMapping
from units.accounts import assign_role, find_units
from units.models import Region, RegionAccess
from units.roles import Role

ROLE_ORDER = [Role.STAFF, Role.LEADER, Role.LIAISON]  # a person in several groups takes the first of these


class SignInRefused(Exception):
    """The directory said yes, the portal says no: the message (Chinese) is shown on the failure page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class DirectoryPerson:
    source: str  # identity.choices.Source
    subject: str  # OIDC sub, LDAP DN: what links the person to their portal user
    username: str
    full_name: str = ""
    email: str = ""
    values: list[str] = field(default_factory=list)  # group names, group DNs, claim values
    unit_names: list[str] = field(default_factory=list)  # the unit the directory names (OIDC_CLAIM_UNIT ...)
    region: str = ""  # a region code or name the directory gives (OIDC_CLAIM_REGION ...), for the contact


@dataclass
class Outcome:
    role: str | None
    units: list = field(default_factory=list)
    full: list = field(default_factory=list)
    read: list = field(default_factory=list)
    mappings: list = field(default_factory=list)


def matching_mappings(source: str, values) -> list[DirectoryGroupMapping]:
    wanted = {str(value).strip().casefold() for value in values if str(value).strip()}
    rows = DirectoryGroupMapping.objects.filter(source=source).prefetch_related("units", "regions")
    return [m for m in rows if m.value.strip().casefold() in wanted]


def region_and_below(region_id: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pk, parent_id in Region.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = {region_id}, [region_id]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _units_from_directory(person: DirectoryPerson, mapping: DirectoryGroupMapping) -> list:
    if not person.unit_names:
        raise SignInRefused(f"目录没有给出您的单位，而“{mapping.value}”的映射要求按目录中的单位确定联络单位。")
    try:
        units = find_units(person.unit_names)
    except ValidationError as exc:
        raise SignInRefused(f"目录中的单位在本平台中找不到：{'；'.join(exc.messages)}。") from exc
    allowed = region_and_below(mapping.region_id)
    outside = [unit.name for unit in units if unit.region_id not in allowed]
    if outside:
        raise SignInRefused(f"目录中的单位“{'、'.join(outside)}”不属于{mapping.region.name}。")
    return units


def decide(person: DirectoryPerson) -> Outcome:
    """The role, units and regions the mappings give this person (reads only)."""
    mappings = matching_mappings(person.source, person.values)
    refusing = [m for m in mappings if m.role == REFUSE]
    if refusing:
        groups = "、".join(m.value for m in refusing)
        raise SignInRefused(f"您的目录账号已被停用（属于“{groups}”），不能登录本平台。")
    roles = {m.role for m in mappings}
    role = next((r for r in ROLE_ORDER if r in roles), None)
    outcome = Outcome(role=role, mappings=mappings)
    if role == Role.LIAISON:
        units = {}
        for m in mappings:
            if m.role != Role.LIAISON:
                continue
            found = _units_from_directory(person, m) if m.unit_from_directory else list(m.units.all())
            units.update({unit.pk: unit for unit in found})
        if not units:
            raise SignInRefused("您的目录组映射为联络员，但没有指定单位。")
        outcome.units = list(units.values())
    elif role in (Role.STAFF, Role.LEADER):
        full, read = {}, {}
        for m in mappings:
            if m.role not in (Role.STAFF, Role.LEADER):
                continue
            as_full = m.role == role and m.region_access == RegionAccess.FULL
            for region in m.regions.all():
                (full if as_full else read)[region.pk] = region
        if not full and not read:
            raise SignInRefused(f"您的目录组映射为{Role(role).label}，但没有指定地区。")
        outcome.full = list(full.values())
        outcome.read = [region for pk, region in read.items() if pk not in full]
    return outcome


def linked_user(source: str, subject: str):
    account = DirectoryAccount.objects.select_related("user").filter(source=source, subject=subject).first()
    return account.user if account else None


def user_for(person: DirectoryPerson):
    """The portal user linked to this directory person, or a new unsaved one. A local account of the same
    username is never taken over (it may be the superuser's): that is a refusal, for 系统管理员 to resolve."""
    user = linked_user(person.source, person.subject)
    if user is not None:
        if user.is_superuser:
            raise SignInRefused("系统管理员账号只能用本地密码登录。")
        return user
    User = get_user_model()
    username = person.username.strip()[: User._meta.get_field("username").max_length]
    if not username:
        raise SignInRefused("目录没有给出用户名，无法登录。")
    if User.objects.filter(username__iexact=username).exists():
        raise SignInRefused(f"本平台已有本地账号“{username}”，不能用目录账号登录它。请联系系统管理员处理。")
    return User(username=username)


@transaction.atomic
def sign_in(person: DirectoryPerson, user=None):
    """The user, linked, named and with their role, units and regions set from the mappings. `user` is the
    one the LDAP backend has already found or built (user_for); the OIDC backend leaves it to this function."""
    outcome = decide(person)
    if user is None:
        user = user_for(person)
    if person.full_name:
        user.first_name = person.full_name[:150]
    if person.email:
        user.email = person.email[:254]
    if user.pk is None:
        user.set_unusable_password()
    user.save()
    assign_role(user, outcome.role, outcome.units, outcome.full, outcome.read)
    DirectoryAccount.objects.update_or_create(
        source=person.source,
        subject=person.subject,
        defaults={
            "user": user,
            "last_values": sorted(set(person.values)),
            "region_hint": person.region[:100],
            "last_sign_in": timezone.now(),
        },
    )
    return user


def contact_for(region_hint: str = "") -> str:
    """Whom a person with no mapping asks: their region's 组织部 (IDENTITY_REGION_CONTACTS) or the default."""
    contacts = settings.IDENTITY_REGION_CONTACTS
    key = (region_hint or "").strip()
    if key in contacts:
        return contacts[key]
    region = Region.objects.filter(name=key).first() if key else None
    if region is not None and region.code in contacts:
        return contacts[region.code]
    return settings.IDENTITY_CONTACT
