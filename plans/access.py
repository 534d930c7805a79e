"""Who may see which rows, and who may do what to them: the one place that answers both.

- Which rows may this user see? `plans(user)`, `milestones(user)`, `reports(user)`, `indicators(user)`,
  ... Every view, export, JSON endpoint and service fetches through these, so anything outside a
  user's scope is simply not found: 404 (as NetBox's `restrict(user)` and Healthchecks'
  `_get_check_for_user` do).
- May this user do this to that object? `can(user, action, obj)`, asked by views (through `require`,
  which answers 403), services and templates (`{% can "review" report as may_review %}`). A role that
  sees an object but may not act on it gets 403; nobody is ever told that an unseen object exists.

The roles (units.roles): staff (组织部工作人员) see and act on everything; leaders (领导) see
everything and only leave instructions; liaisons (单位联络员) see the node plans of their units,
directly or through a group unit (各街道), and report on them. An archived (归档) plan is seen by staff
only, and nobody acts on it any more. A new role, such as one that sees a single region, is a change
to this module and its tests.

Regions (jurisdictions, 辖区) are one more condition here. A staff member or leader reads the plans of the
regions they belong to (units.RegionMembership) and of those regions' children; they act as their role
allows only where their access is 管理 (full). Where it is 只读 (read), as a parent region's 督查员, they
read everything and leave 督办意见 (an instruction), nothing else. A superuser (系统管理员) is staff in every
region. Liaisons are scoped by their units, which belong to one region each.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404

from plans.choices import UnitRole
from plans.models import (
    Bulletin,
    BulletinState,
    Chase,
    Evidence,
    ExtensionRequest,
    Instruction,
    InstructionFile,
    Milestone,
    MilestoneUnit,
    Notification,
    Outbox,
    Plan,
    ProgressReport,
    SupervisionFile,
    SupervisionNotice,
    VerificationCheck,
    VerificationRound,
)
from targets.models import Indicator, IndicatorEntry
from units.models import Region, RegionAccess, RegionMembership, Unit
from units.roles import (
    EVERY_REGION,
    Role,
    covered_unit_ids,
    full_region_ids,
    home_region_id,
    readable_region_ids,
    region_access,
    user_role,
)

OVERSEERS = (Role.STAFF, Role.LEADER)
SUPERVISOR = "supervisor"  # 督查员: a staff member or leader in a region they only read (access 只读)


def _in(region_ids, field="region_id") -> Q | None:
    """The region condition; None when the user reads every region (a superuser)."""
    return None if region_ids is None else Q(**{f"{field}__in": region_ids})


def role_in(user, plan) -> str | None:
    """The role a user acts in on a plan: their own where their region access is full, SUPERVISOR where it is
    read-only, None outside their regions. Liaisons keep their role (their units decide what they see)."""
    return role_in_region(user, plan.region_id)


def role_in_region(user, region_id) -> str | None:
    """role_in for what belongs to a region rather than to one plan (a 督办单 may cover several plans)."""
    role = user_role(user)
    if role not in OVERSEERS:
        return role
    access = region_access(user)
    if access is EVERY_REGION:
        return role
    level = access.get(region_id)
    if level is None:
        return None
    return role if level == "full" else SUPERVISOR


def acting_users(role: str) -> list[tuple]:
    """Every active user who acts in `role`, each with the regions where they do (None: every region, a
    superuser): `role_in(user, plan) == role` for many people at once, as the daily reminders ask it (two
    queries, whatever the number of people). A 只读 membership (a 督查员's) is not acting. The role is
    units.roles.user_role's: a superuser or a member of 组织部工作人员 is staff, whatever else they are."""
    if role not in OVERSEERS:
        raise ValueError(f"acting_users is for staff and leaders, not {role!r}")
    staff = Q(is_superuser=True) | Q(groups__name=Role.STAFF)
    users = get_user_model().objects.filter(is_active=True)
    if role == Role.STAFF:
        users = users.filter(staff)
    else:
        users = users.filter(groups__name=role).exclude(pk__in=users.filter(staff).values("pk"))
    full = defaultdict(set)
    memberships = RegionMembership.objects.filter(access=RegionAccess.FULL, user__in=users.values("pk"))
    users = list(users.distinct().order_by("pk"))
    for user_id, region_id in memberships.values_list("user_id", "region_id"):
        full[user_id].add(region_id)
    return [(user, EVERY_REGION if user.is_superuser else full[user.pk]) for user in users]


def acts_as_staff_somewhere(user) -> bool:
    full = full_region_ids(user)
    return user_role(user) == Role.STAFF and (full is None or bool(full))


# --- Which rows a user may see ------------------------------------------------------------------------


def plans(user):
    """Plans whose plan-wide pages (plan page, dashboard, bulletin, 工作清单, year close) the user reads:
    those of the user's regions. Staff still read an archived plan of a region they act in."""
    role = user_role(user)
    if role not in OVERSEERS:
        return Plan.objects.none()
    readable = _in(readable_region_ids(user))
    queryset = Plan.objects.all() if readable is None else Plan.objects.filter(readable)
    if role == Role.LEADER:
        return queryset.active()
    acting = _in(full_region_ids(user))
    return queryset if acting is None else queryset.filter(Q(archived_at__isnull=True) | acting)


def plans_acted_on(user):
    """Visible plans where the user acts as staff (the 待审核 queue, imports, reminders' records)."""
    acting = _in(full_region_ids(user))
    if user_role(user) != Role.STAFF:
        return Plan.objects.none()
    return plans(user) if acting is None else plans(user).filter(acting)


def bulletins(user):
    """进展通报: the issued ones of the plans the user reads; drafts only where the user acts as staff.
    Liaisons never see one."""
    if user_role(user) not in OVERSEERS:
        return Bulletin.objects.none()
    issued = Q(state=BulletinState.ISSUED, plan__in=plans(user))
    drafts = Q(state=BulletinState.DRAFT, plan__in=plans_acted_on(user))
    return Bulletin.objects.filter(issued | drafts)


def milestones(user, active=False):
    """Node plans: every node plan of a visible plan, or, for a liaison, those their units answer for.
    active: only those of plans not archived (Milestone.active()), asked here so an overseer's scope and
    the archive test are one condition on plan_id, not a second join over every node plan (issue 13)."""
    role = user_role(user)
    if role in OVERSEERS:
        return Milestone.objects.filter(plan__in=plans(user).active() if active else plans(user))
    if role == Role.LIAISON:
        assigned = MilestoneUnit.objects.filter(unit_id__in=covered_unit_ids(user)).values("milestone_id")
        return Milestone.objects.active().filter(pk__in=assigned)
    return Milestone.objects.none()


def _of_milestones(user):
    """A filter on a row's node plan. For an overseer the plan alone decides (milestones): a join, rather
    than a subquery over every node plan that the 待审核 count probed once per report (issue 13)."""
    if user_role(user) in OVERSEERS:
        return Q(milestone__plan__in=plans(user))
    return Q(milestone__in=milestones(user))


def reports(user):
    return ProgressReport.objects.filter(_of_milestones(user))


def extensions(user):
    return ExtensionRequest.objects.filter(_of_milestones(user))


def instructions(user):
    """批示 on the node plans the user sees, and, for a liaison, those addressed to their units."""
    if user_role(user) == Role.LIAISON:
        addressed = Instruction.objects.filter(
            milestone__plan__archived_at__isnull=True, units__in=covered_unit_ids(user)
        )
        return Instruction.objects.filter(pk__in=addressed.values("pk")) | Instruction.objects.filter(
            milestone__in=milestones(user)
        )
    return Instruction.objects.filter(milestone__in=milestones(user))


def instruction_files(user):
    return InstructionFile.objects.filter(reply__instruction__in=instructions(user))


def chases(user):
    """催办 records of the regions staff and leaders read (the league table counts them)."""
    if user_role(user) not in OVERSEERS:
        return Chase.objects.none()
    readable = readable_region_ids(user)
    on_tasks = Chase.objects.filter(milestone__plan__archived_at__isnull=True)
    on_units = Chase.objects.filter(milestone__isnull=True)
    if readable is not None:
        on_tasks = on_tasks.filter(milestone__plan__region_id__in=readable)
        on_units = on_units.filter(unit__region_id__in=readable)
    return on_tasks | on_units


def supervision_notices(user):
    """督办单: those of the regions staff and leaders read; for a liaison, those addressed to their units."""
    role = user_role(user)
    if role in OVERSEERS:
        readable = _in(readable_region_ids(user))
        return SupervisionNotice.objects.all() if readable is None else SupervisionNotice.objects.filter(readable)
    if role == Role.LIAISON:
        return SupervisionNotice.objects.filter(unit_id__in=covered_unit_ids(user))
    return SupervisionNotice.objects.none()


def supervision_files(user):
    return SupervisionFile.objects.filter(reply__notice__in=supervision_notices(user))


def verification_rounds(user):
    """核查 rounds of the regions staff and leaders read (a liaison sees its unit's checks, not the rounds)."""
    if user_role(user) not in OVERSEERS:
        return VerificationRound.objects.none()
    readable = _in(readable_region_ids(user))
    return VerificationRound.objects.all() if readable is None else VerificationRound.objects.filter(readable)


def verification_checks(user):
    """核查 items: those of the rounds the user reads; for a liaison, its own units' items."""
    if user_role(user) == Role.LIAISON:
        return VerificationCheck.objects.filter(unit_id__in=covered_unit_ids(user))
    return VerificationCheck.objects.filter(round__in=verification_rounds(user))


def evidence(user):
    return Evidence.objects.filter(report__milestone__in=milestones(user))


def indicators(user):
    """Indicators of a visible plan, or, for a liaison, those assigned to their units."""
    role = user_role(user)
    if role in OVERSEERS:
        return Indicator.objects.filter(plan__in=plans(user))
    if role == Role.LIAISON:
        return Indicator.objects.filter(plan__archived_at__isnull=True, unit_id__in=covered_unit_ids(user))
    return Indicator.objects.none()


def indicator_entries(user):
    return IndicatorEntry.objects.filter(indicator__in=indicators(user))


def plans_with_tasks(user):
    """The plans a user has at least one visible node plan in (the task list's plan filter)."""
    if user_role(user) == Role.LIAISON:
        # From the units' assignments, DISTINCT so PostgreSQL reads them once: as a plain IN (or through
        # milestones()) it probed every node plan of every plan for the unit (issue 13).
        assigned = (
            MilestoneUnit.objects.filter(unit_id__in=covered_unit_ids(user))
            .order_by()
            .values("milestone__plan_id")
            .distinct()
        )
        return Plan.objects.active().filter(pk__in=assigned)
    return Plan.objects.filter(pk__in=milestones(user).values("plan_id"))


def units(user):
    """Units a user may pick in the filters: those of the regions they read (a liaison: their units' regions),
    their own region first, each region in its order (party, government, streets...)."""
    role = user_role(user)
    if role == Role.LIAISON:
        own_regions = Unit.objects.filter(pk__in=covered_unit_ids(user)).values("region_id")
        queryset = Unit.objects.filter(region_id__in=own_regions)
    elif role in OVERSEERS:
        readable = _in(readable_region_ids(user))
        queryset = Unit.objects.all() if readable is None else Unit.objects.filter(readable)
    else:
        return Unit.objects.none()
    return own_region_first(queryset.select_related("region"), user, "position", "name")


def units_acted_on(user):
    """Units of the regions where the user acts as staff (催办 a unit, its reminder settings)."""
    if not acts_as_staff_somewhere(user):
        return Unit.objects.none()
    acting = _in(full_region_ids(user))
    return Unit.objects.all() if acting is None else Unit.objects.filter(acting)


def own_region_first(queryset, user, *then, region="region"):
    """Order rows of the user's own region first, then by region and `then`."""
    own = Case(
        When(**{f"{region}_id": home_region_id(user)}, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return queryset.order_by(own, f"{region}__code", *then)


def unit_label(user, unit) -> str:
    """A unit's name as the user reads it: plain in their own region, with the region's name elsewhere."""
    return unit.name if unit.region_id == home_region_id(user) else f"{unit.region.name}·{unit.name}"


def regions(user):
    """Regions a user may import a plan into: those where they act as staff."""
    if user_role(user) != Role.STAFF:
        return Region.objects.none()
    acting = _in(full_region_ids(user), "pk")
    return Region.objects.all() if acting is None else Region.objects.filter(acting)


def notifications(user):
    return Notification.objects.filter(user=user) if user.is_authenticated else Notification.objects.none()


def outbox(user):
    """提醒记录: what was sent to whom is staff's business."""
    if user_role(user) != Role.STAFF:
        return Outbox.objects.none()
    acting = full_region_ids(user)
    if acting is None:
        return Outbox.objects.all()
    to_users = RegionMembership.objects.filter(region_id__in=acting).values("user_id")
    return Outbox.objects.filter(Q(unit__region_id__in=acting) | Q(unit__isnull=True, user_id__in=to_users))


# --- What a user may do -------------------------------------------------------------------------------


def _is(*roles):
    return lambda user, obj: user_role(user) in roles


def _open(plan) -> bool:
    """Nobody acts on an archived plan: it is kept to be read."""
    return not plan.is_archived


def _acts_as(*roles):
    """The user acts in one of these roles on the object's plan (its region access decides, see role_in)."""
    return lambda user, obj: role_in(user, _plan_of(obj)) in roles


def _acts_on_open_plan(*roles):
    return lambda user, obj: role_in(user, _plan_of(obj)) in roles and _open(_plan_of(obj))


def _staff_somewhere(user, obj) -> bool:
    return acts_as_staff_somewhere(user)


def _plan_of(obj):
    if isinstance(obj, Plan):
        return obj
    for path in ("plan", "milestone.plan", "indicator.plan"):
        target = obj
        for name in path.split("."):
            target = getattr(target, name, None)
        if isinstance(target, Plan):
            return target
    raise TypeError(f"{type(obj).__name__} has no plan")


def _answers_for(user, milestone) -> bool:
    """A liaison whose unit (or group unit) is one of the node plan's units."""
    if user_role(user) != Role.LIAISON or not _open(milestone.plan):
        return False
    covered = covered_unit_ids(user)
    return any(a.unit_id in covered for a in milestone.assignments.all())


def _leads(user, milestone) -> bool:
    """A liaison whose unit (or group unit) is one of the node plan's 牵头单位: only a lead asks for more time."""
    if not _answers_for(user, milestone):
        return False
    covered = covered_unit_ids(user)
    return any(a.unit_id in covered and a.role == UnitRole.LEAD for a in milestone.assignments.all())


def _reported_by(user, report) -> bool:
    return user_role(user) == Role.LIAISON and report.unit_id in covered_unit_ids(user) and _open(_plan_of(report))


def _replies(user, instruction) -> bool:
    """A liaison of a unit the 批示 is addressed to, while it is open."""
    if user_role(user) != Role.LIAISON or not _open(instruction.milestone.plan) or not instruction.is_open:
        return False
    covered = covered_unit_ids(user)
    return any(unit.pk in covered for unit in instruction.units.all())


def _enters(user, indicator) -> bool:
    if not _open(indicator.plan):
        return False  # a withdrawn plan takes no new figures
    role = role_in(user, indicator.plan)
    return role == Role.STAFF or (role == Role.LIAISON and indicator.unit_id in covered_unit_ids(user))


def _addressed_to(user, notice) -> bool:
    """A liaison of the unit a 督办单 is addressed to (a street's liaison for 各街道 too), while it is open."""
    return user_role(user) == Role.LIAISON and notice.is_open and notice.unit_id in covered_unit_ids(user)


def _decides_supervision(user, notice) -> bool:
    return notice.is_open and role_in_region(user, notice.region_id) == Role.STAFF


def _verifies(user, check) -> bool:
    """Staff of the region, or a 督查员 (a parent region's reader), on an item without a verdict yet."""
    return not check.verdict and role_in_region(user, check.round.region_id) in (Role.STAFF, SUPERVISOR)


# Site-wide pages and tools, asked with no object.
SITE_RULES = {
    "overview": _is(*OVERSEERS),  # dashboard and plan pages in the menu
    "my_tasks": _is(Role.LIAISON),  # a liaison's home page
    "review": _staff_somewhere,  # the 待审核 queue
    "import_plan": _staff_somewhere,
    "assign": _staff_somewhere,  # 交办 (plans.workflow.assignment), in regions the user manages
    "manage_reminders": _staff_somewhere,  # 提醒记录
    "chase_unit": _staff_somewhere,  # 催办 from the league table
    "chase_list": _is(*OVERSEERS),
    "data_health": _staff_somewhere,  # 数据体检
    "supervise": _staff_somewhere,  # issue a 督办单 (plans.supervision), in regions the user manages
    "admin": lambda user, obj: user.is_active and user.is_staff,  # Django's admin checks is_staff itself
}

# (model, action) -> rule, asked about an object the user already sees.
OBJECT_RULES = {
    (Plan, "close_year"): _acts_as(Role.STAFF),  # closing an archived plan is refused with its reason (closing.py)
    (Plan, "archive"): _acts_as(Role.STAFF),
    (Plan, "restore"): _acts_as(Role.STAFF),
    (Plan, "delete"): _acts_as(Role.STAFF),
    (Plan, "assign"): _acts_on_open_plan(Role.STAFF),  # measures and node plans of a plan in the user's region
    (Plan, "draft_bulletin"): _acts_on_open_plan(Role.STAFF),
    (Bulletin, "edit"): lambda user, obj: _acts_on_open_plan(Role.STAFF)(user, obj) and not obj.is_issued,
    (Bulletin, "issue"): lambda user, obj: _acts_on_open_plan(Role.STAFF)(user, obj) and not obj.is_issued,
    (Milestone, "report"): _answers_for,
    (Milestone, "request_extension"): _leads,
    (Milestone, "edit"): _acts_on_open_plan(Role.STAFF),  # status and light override
    (Milestone, "instruct"): _acts_on_open_plan(Role.LEADER, SUPERVISOR),  # 批示, or a 督查员's 督办意见
    (Milestone, "chase"): _acts_on_open_plan(Role.STAFF),
    (Milestone, "supervise"): _acts_on_open_plan(Role.STAFF),  # a 督办单 about it
    (SupervisionNotice, "sign"): _addressed_to,  # 签收; the service refuses a second one in Chinese
    (SupervisionNotice, "reply"): _addressed_to,  # 回执
    (SupervisionNotice, "decide"): _decides_supervision,  # 办结 or 退回
    (VerificationCheck, "verify"): _verifies,  # 属实 / 不实 (plans.verification)
    (Instruction, "reply"): _replies,
    (Instruction, "decide"): lambda user, obj: _acts_on_open_plan(Role.STAFF)(user, obj) and obj.is_open,
    (ProgressReport, "review"): _acts_on_open_plan(Role.STAFF),
    (ProgressReport, "resubmit"): _reported_by,
    (ExtensionRequest, "review"): _acts_on_open_plan(Role.STAFF),
    (Indicator, "enter"): _enters,
    (IndicatorEntry, "review"): _acts_on_open_plan(Role.STAFF),
}


def can(user, action: str, obj=None) -> bool:
    """May the user do `action` (to `obj`, which they already see)? Unknown actions are refused."""
    if not user.is_authenticated:
        return False
    rule = SITE_RULES.get(action) if obj is None else OBJECT_RULES.get((type(obj), action))
    return bool(rule and rule(user, obj))


def require(user, action: str, obj=None, message: str = "您没有执行此操作的权限。") -> None:
    """403 for a user who sees the object (or page) but may not do this."""
    if not can(user, action, obj):
        raise PermissionDenied(message)


def require_page(user, action: str) -> None:
    """A site page outside the user's role is not found (404), like an object outside their scope."""
    if not can(user, action):
        raise Http404
