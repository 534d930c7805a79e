"""Who is told about what: the recipients of every message the portal sends, decided here on plans.access.

The rule, for every kind of message (plans.models.ReminderKind): a person is told about an object only
when plans.access lets them open it (the message's link works for them), and everybody who must act on it
is told. Who must act:

| message | who is told |
| --- | --- |
| 牵头单位提醒, 配合单位知会 (daily) | the node plan's lead units (配合单位 too where the plan says so) |
| 批示反馈期限提醒 (daily) | the units the 批示 is addressed to |
| 逾期汇总 (daily) | staff who act (管理) in the plan's region; a superuser acts in every region |
| 逾期上报 (daily) | leaders who act in the plan's region: the plan's overseer, or all of them when it has none |
| 进展报告待审核, 延期申请待审批 | staff who act in the plan's region |
| 配合单位反馈待汇总 (in the portal only) | the lead units, but not the person who wrote it |
| 审核通过, 退回, 延期申请审批结果 | the reporting (requesting) unit |
| 领导批示 | the units it is addressed to |
| 批示反馈 | staff who act in the plan's region and the leader who wrote it |
| 批示办结 / 退回 | the addressed units; 办结 also the leader who wrote it |
| 催办 | the chased unit |
| 年度销号结果 | each lead unit its own counts; leaders who read the plan its totals |
| 督办单 (issued), 办结 / 退回 | the unit it is addressed to |
| 督办单回执 | staff who act in the 督办单's region |
| 核查不实 | the lead unit the item was checked for (the node plan is reopened) |
| 督办单签收及回执提醒 (daily) | the addressed unit: daily until signed, then about its reply date |

A unit is told through its liaisons (a group unit such as 各街道 through its member units' liaisons), its
contact e-mail and its group robot (plans.notifications.outbox); a group unit with no members is told itself.

Two ways of asking, one rule. For one workflow event (plans.notifications.notices) the candidates are
checked person by person against plans.access (`may_open`): a handful of people per event. The daily
reminders (plans.notifications.due) ask in bulk, in a fixed number of queries whatever the number of people
(tests/test_reminder_query_scale.py), by the same rules (access.acting_users); their items are node plans
and 批示 of the recipient's own units or regions, which plans.access opens to them by the same conditions.
tests/test_audience.py sends every kind to every role in both regions and opens every link as its reader.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.urls import reverse

from plans import access
from plans.choices import UnitRole
from plans.models import Instruction, Milestone, MilestoneUnit, Plan, SupervisionNotice
from units.models import Unit
from units.roles import Role, covered_unit_ids


@dataclass
class Audience:
    """The people told in the portal (and by e-mail or robot as each prefers), and the units addressed,
    whose group robots may post the message."""

    users: list = field(default_factory=list)
    units: list = field(default_factory=list)


# --- Units and their liaisons -------------------------------------------------------------------------


def receiving(unit: Unit) -> list[Unit]:
    """The units that hear for `unit`: a group unit's members (or the group itself when it has none)."""
    return (list(unit.members.all()) if unit.is_group else []) or [unit]


def lead_units(milestone) -> list[Unit]:
    """The node plan's 牵头单位 in document order: chased, addressed by default by a 批示, told its year's counts."""
    prefetched = "assignments" in getattr(milestone, "_prefetched_objects_cache", {})
    assignments = milestone.assignments.all() if prefetched else milestone.assignments.select_related("unit")
    leads = sorted((a for a in assignments if a.role == UnitRole.LEAD), key=lambda a: a.position)
    return [a.unit for a in leads]


def liaisons_by_unit(units) -> dict[int, list]:
    """{unit id: its active liaisons}, a group unit's members' liaisons counted as the group's. Two queries,
    whatever the number of units. A liaison sees the node plans of their units and of the group units their
    units belong to (access.milestones), so each of these opens what their unit is told about."""
    units = list(units)
    members = defaultdict(set)
    groups = [u.pk for u in units if u.is_group]
    for group_id, member_id in Unit.members.through.objects.filter(from_unit_id__in=groups).values_list(
        "from_unit_id", "to_unit_id"
    ):
        members[group_id].add(member_id)
    acting_for = {u.pk: {u.pk} | members[u.pk] for u in units}
    by_member = defaultdict(list)
    rows = _liaisons().filter(memberships__unit_id__in=set().union(*acting_for.values()) if units else [])
    for user in rows.annotate(via_unit=F("memberships__unit_id")).distinct().order_by("pk"):
        by_member[user.via_unit].append(user)
    return {
        unit_id: sorted({u.pk: u for member in acting for u in by_member[member]}.values(), key=lambda u: u.pk)
        for unit_id, acting in acting_for.items()
    }


def liaisons(units) -> list:
    """The active liaisons who act for these units (a group unit through its members)."""
    people = {user.pk: user for users in liaisons_by_unit(units).values() for user in users}
    return [people[pk] for pk in sorted(people)]


def _liaisons():
    """Liaisons as units.roles.user_role reads them: in the 单位联络员 group, and neither staff nor a leader."""
    User = get_user_model()
    others = User.objects.filter(Q(is_superuser=True) | Q(groups__name__in=[Role.STAFF, Role.LEADER])).values("pk")
    return User.objects.filter(is_active=True, groups__name=Role.LIAISON).exclude(pk__in=others)


# --- The one-by-one check ---------------------------------------------------------------------------------


def may_open(user, obj) -> bool:
    """Does the message's link open for this person? The object is what the link shows: a node plan, a
    批示, a plan page, or a unit (its liaisons' 我的任务)."""
    if isinstance(obj, Milestone):
        return access.milestones(user).filter(pk=obj.pk).exists()
    if isinstance(obj, Instruction):
        return access.instructions(user).filter(pk=obj.pk).exists()
    if isinstance(obj, Plan):
        return access.plans(user).filter(pk=obj.pk).exists()
    if isinstance(obj, Unit):
        return access.can(user, "my_tasks") and obj.pk in covered_unit_ids(user)
    if isinstance(obj, SupervisionNotice):
        return access.supervision_notices(user).filter(pk=obj.pk).exists()
    raise TypeError(f"no link rule for {type(obj).__name__}")


def _told(users, obj, units=()) -> Audience:
    people = [user for user in dict.fromkeys(users) if may_open(user, obj)]
    return Audience(people, list(units))


def staff_acting_in(region_id) -> list:
    """Staff who act (管理) in the region. A 只读 member (督查员) of it or of its parent does not review."""
    return [user for user, regions in access.acting_users(Role.STAFF) if regions is not None and region_id in regions]


def leaders_reading(plan: Plan) -> list:
    """Leaders (and 督查员 of a parent region) who read the plan's pages."""
    leaders = get_user_model().objects.filter(is_active=True, groups__name=Role.LEADER).distinct().order_by("pk")
    return [user for user in leaders if access.plans(user).filter(pk=plan.pk).exists()]


# --- Workflow events (plans.notifications.notices) ------------------------------------------------------


def report_submitted(report) -> Audience:
    milestone = report.milestone
    return _told(staff_acting_in(milestone.plan.region_id), milestone)


def extension_requested(extension) -> Audience:
    milestone = extension.milestone
    return _told(staff_acting_in(milestone.plan.region_id), milestone)


def input_shared(report) -> Audience:
    """A co-responsible unit's input (配合单位反馈) goes to the lead units' liaisons, who consolidate it."""
    people = [user for user in liaisons(lead_units(report.milestone)) if user.pk != report.author_id]
    return _told(people, report.milestone)


def report_reviewed(report) -> Audience:
    return _told(liaisons([report.unit]), report.milestone, [report.unit])


def extension_decided(extension) -> Audience:
    return _told(liaisons([extension.unit]), extension.milestone, [extension.unit])


def instruction_given(instruction) -> Audience:
    units = list(instruction.units.all())
    return _told(liaisons(units), instruction, units)


def instruction_replied(reply) -> Audience:
    instruction = reply.instruction
    staff = staff_acting_in(instruction.milestone.plan.region_id)
    return _told([*staff, instruction.author], instruction)


def instruction_decided(instruction, done: bool) -> Audience:
    units = list(instruction.units.all())
    return _told(liaisons(units) + ([instruction.author] if done else []), instruction, units)


def chased(chase) -> Audience:
    """A node plan's 催办 links to the node plan; a unit's, to its liaisons' 我的任务 (chase_link)."""
    return _told(liaisons([chase.unit]), chase.milestone if chase.milestone_id else chase.unit, [chase.unit])


def chase_link(chase) -> str:
    return chase.get_absolute_url() if chase.milestone_id else reverse("plans:my_tasks")


def year_closed_unit(closure, unit) -> Audience:
    """A lead unit hears its own counts, with a link to its node plans of that plan and year (year_close_link)."""
    people = [u for u in liaisons([unit]) if access.milestones(u).filter(plan=closure.plan).exists()]
    return Audience(people, [unit])


def year_close_link(closure) -> str:
    return reverse("plans:task_list") + f"?plan={closure.plan_id}&year={closure.year}"


def year_closed(closure) -> Audience:
    """The plan's totals go to the leaders who read the plan: its region's, and a parent region's 督查员."""
    return _told(leaders_reading(closure.plan), closure.plan)


def supervision_issued(notice) -> Audience:
    """A 督办单 goes to the liaisons of the unit it is addressed to (its members' for a group unit)."""
    return _told(liaisons([notice.unit]), notice, [notice.unit])


def supervision_replied(reply) -> Audience:
    """A 回执 waits for staff who act in the 督办单's region (they 办结 it or send it back)."""
    return _told(staff_acting_in(reply.notice.region_id), reply.notice)


def supervision_decided(notice) -> Audience:
    return _told(liaisons([notice.unit]), notice, [notice.unit])


def verification_failed(check) -> Audience:
    """A 不实 verdict reopens the node plan: its lead unit hears it, with a link to the node plan."""
    return _told(liaisons([check.unit]), check.milestone, [check.unit])


# --- The daily reminders (plans.notifications.due), in bulk -------------------------------------------


def reminded_units(milestone_ids) -> dict[int, tuple[list[int], list[int]]]:
    """{node plan: (lead unit ids, co-responsible unit ids)}, a group unit replaced by its members (or kept
    when it has none). Two queries, whatever the number of node plans."""
    assignments = list(
        MilestoneUnit.objects.filter(milestone_id__in=milestone_ids)
        .order_by("milestone_id", "position")
        .values_list("milestone_id", "unit_id", "role", "unit__is_group")
    )
    groups = {unit_id for _, unit_id, _, is_group in assignments if is_group}
    members = defaultdict(list)
    through = Unit.members.through.objects.filter(from_unit_id__in=groups).order_by("from_unit_id", "to_unit_id")
    for group_id, member_id in through.values_list("from_unit_id", "to_unit_id"):
        members[group_id].append(member_id)
    result = defaultdict(lambda: ([], []))
    for milestone_id, unit_id, role, _ in assignments:
        if role not in (UnitRole.LEAD, UnitRole.RESPONSIBLE):
            continue
        receiving_ids = result[milestone_id][0 if role == UnitRole.LEAD else 1]
        for receiver in members[unit_id] or [unit_id]:
            if receiver not in receiving_ids:
                receiving_ids.append(receiver)
    return result


def instruction_reminded_units(instruction) -> list[Unit]:
    """The addressed units (their members for a group unit): 批示 prefetched with units__members."""
    return [receiver for unit in instruction.units.all() for receiver in receiving(unit)]


def supervision_reminded_units(notice) -> list[Unit]:
    """The unit a 督办单 is addressed to (its members for a group unit): notices prefetched with unit__members."""
    return receiving(notice.unit)


def _plan_regions(items) -> dict[int, int]:
    return dict(Plan.objects.filter(pk__in={i.plan_id for i in items}).values_list("pk", "region_id"))


def overdue_summaries(items) -> dict:
    """{staff member: the overdue items of plans in regions where they act}. Three queries."""
    regions = _plan_regions(items)
    result = {}
    for user, acting in access.acting_users(Role.STAFF):
        own = [item for item in items if acting is None or regions[item.plan_id] in acting]
        if own:
            result[user] = own
    return result


def escalations(items) -> dict:
    """{leader: the long-overdue items of plans in regions where they act, whose overseer they are (or that
    have none)}. Four queries."""
    plans = {pk: (region, overseer) for pk, region, overseer in _plan_rows(items)}
    result = {}
    for user, acting in access.acting_users(Role.LEADER):
        own = [
            item
            for item in items
            if (acting is None or plans[item.plan_id][0] in acting) and plans[item.plan_id][1] in (None, user.pk)
        ]
        if own:
            result[user] = own
    return result


def _plan_rows(items):
    return Plan.objects.filter(pk__in={i.plan_id for i in items}).values_list("pk", "region_id", "overseer_id")
