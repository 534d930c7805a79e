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
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from targets.models import Indicator, IndicatorEntry
from units.models import Region, Unit
from units.roles import Role, covered_unit_ids, user_role

from .choices import UnitRole
from .models import (
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
)

OVERSEERS = (Role.STAFF, Role.LEADER)


# --- Which rows a user may see ------------------------------------------------------------------------


def plans(user):
    """Plans whose plan-wide pages (plan page, dashboard, bulletin, 工作清单, year close) the user reads."""
    role = user_role(user)
    if role == Role.STAFF:
        return Plan.objects.all()  # an archived plan stays readable for staff
    if role == Role.LEADER:
        return Plan.objects.active()
    return Plan.objects.none()


def milestones(user):
    """Node plans: every node plan of a visible plan, or, for a liaison, those their units answer for."""
    role = user_role(user)
    if role in OVERSEERS:
        return Milestone.objects.filter(plan__in=plans(user))
    if role == Role.LIAISON:
        assigned = MilestoneUnit.objects.filter(unit_id__in=covered_unit_ids(user)).values("milestone_id")
        return Milestone.objects.active().filter(pk__in=assigned)
    return Milestone.objects.none()


def reports(user):
    return ProgressReport.objects.filter(milestone__in=milestones(user))


def extensions(user):
    return ExtensionRequest.objects.filter(milestone__in=milestones(user))


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
    """催办 records: staff and leaders read them all (the league table counts them)."""
    if user_role(user) in OVERSEERS:
        return Chase.objects.filter(milestone__plan__archived_at__isnull=True) | Chase.objects.filter(
            milestone__isnull=True
        )
    return Chase.objects.none()


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
    return Plan.objects.filter(pk__in=milestones(user).values("plan_id"))


def units(user):
    """Units a user may pick in the task filters (unit names are not confidential: every signed-in user)."""
    return Unit.objects.all() if user.is_authenticated else Unit.objects.none()


def regions(user):
    """Regions a user may import a plan into."""
    return Region.objects.all() if user_role(user) == Role.STAFF else Region.objects.none()


def notifications(user):
    return Notification.objects.filter(user=user) if user.is_authenticated else Notification.objects.none()


def outbox(user):
    """提醒记录: what was sent to whom is staff's business."""
    return Outbox.objects.all() if user_role(user) == Role.STAFF else Outbox.objects.none()


# --- What a user may do -------------------------------------------------------------------------------


def _is(*roles):
    return lambda user, obj: user_role(user) in roles


def _open(plan) -> bool:
    """Nobody acts on an archived plan: it is kept to be read."""
    return not plan.is_archived


def _is_on_open_plan(*roles):
    return lambda user, obj: user_role(user) in roles and _open(_plan_of(obj))


def _plan_of(obj):
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
    role = user_role(user)
    return role == Role.STAFF or (role == Role.LIAISON and indicator.unit_id in covered_unit_ids(user))


# Site-wide pages and tools, asked with no object.
SITE_RULES = {
    "overview": _is(*OVERSEERS),  # dashboard and plan pages in the menu
    "my_tasks": _is(Role.LIAISON),  # a liaison's home page
    "review": _is(Role.STAFF),  # the 待审核 queue
    "import_plan": _is(Role.STAFF),
    "assign": _is(Role.STAFF),  # 交办: new plans and ad-hoc 督办事项 (plans.assign)
    "manage_reminders": _is(Role.STAFF),  # 提醒记录
    "chase_unit": _is(Role.STAFF),  # 催办 from the league table
    "chase_list": _is(*OVERSEERS),
    "data_health": _is(Role.STAFF),  # 数据体检
    "admin": lambda user, obj: user.is_active and user.is_staff,  # Django's admin checks is_staff itself
}

# (model, action) -> rule, asked about an object the user already sees.
OBJECT_RULES = {
    (Plan, "close_year"): _is(Role.STAFF),  # closing an archived plan is refused with its reason (closing.py)
    (Plan, "archive"): _is(Role.STAFF),
    (Plan, "restore"): _is(Role.STAFF),
    (Plan, "delete"): _is(Role.STAFF),
    (Plan, "assign"): lambda user, plan: user_role(user) == Role.STAFF and _open(plan),  # measures, node plans
    (Milestone, "report"): _answers_for,
    (Milestone, "request_extension"): _leads,
    (Milestone, "edit"): _is_on_open_plan(Role.STAFF),  # status and light override
    (Milestone, "instruct"): _is_on_open_plan(Role.LEADER),
    (Milestone, "chase"): _is_on_open_plan(Role.STAFF),
    (Instruction, "reply"): _replies,
    (Instruction, "decide"): lambda user, obj: _is_on_open_plan(Role.STAFF)(user, obj) and obj.is_open,
    (ProgressReport, "review"): _is_on_open_plan(Role.STAFF),
    (ProgressReport, "resubmit"): _reported_by,
    (ExtensionRequest, "review"): _is_on_open_plan(Role.STAFF),
    (Indicator, "enter"): _enters,
    (IndicatorEntry, "review"): _is_on_open_plan(Role.STAFF),
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
