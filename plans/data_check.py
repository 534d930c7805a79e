"""数据体检: what would silently reach nobody or stay unjudged, each line with a link to where it is fixed.

- node plans whose lead units reach nobody (an empty group; units with no liaison, no contact e-mail, no
  robot): reminders go nowhere and no one can report;
- group units without members that node plans or indicators use;
- indicators without a reporting unit, or whose reporting unit no liaison can act for (a group reports
  through its members; a unit with no liaison cannot enter a figure);
- units used by active plans that have no liaison and no contact;
- addresses of those units that e-mail cannot reach (a liaison's "not-an-address" from older data, an extra
  address "bad@@example..com"): the reminders leave them out, so the unit to fix is named here;
- data the portal cannot judge (a figure that is not a number, a target year outside the plan years).

The reach of a unit is the reminders' own rule (plans.audience: a group's members, or the group itself when it
has none; addresses_for gives a unit's liaisons, e-mail and robot), so this page and the reminders agree.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from plans import audience
from plans.choices import UnitRole
from plans.models import Milestone, MilestoneUnit
from plans.notifications.outbox import addresses_for, undeliverable_addresses
from targets.models import Indicator
from targets.trajectory import trajectory_of
from units.models import Unit


@dataclass
class Problem:
    subject: str
    detail: str
    links: list[tuple[str, str]]  # (label, url): where it is fixed


@dataclass
class Section:
    key: str
    title: str
    advice: str
    problems: list[Problem] = field(default_factory=list)


def _admin(model_name: str, pk: int) -> str:
    return reverse(f"admin:{model_name}_change", args=[pk])


class Reach:
    """Whether a unit reaches anyone: liaisons, a contact e-mail, extra addresses or a robot."""

    def __init__(self):
        self._cache: dict[int, bool] = {}

    def unit(self, unit: Unit) -> bool:
        if unit.pk not in self._cache:
            channels, users = addresses_for(unit)
            self._cache[unit.pk] = bool(users) or any(channels.values())
        return self._cache[unit.pk]

    def has_liaison(self, unit: Unit) -> bool:
        return bool(addresses_for(unit)[1])

    def receivers(self, unit: Unit) -> list[Unit]:
        """The reminders' receiving units for one assignment: a group's members, or the group itself."""
        return audience.receiving(unit)


def data_health(today=None) -> list[Section]:
    today = today or timezone.localdate()
    reach = Reach()
    milestones = (
        Milestone.objects.active()
        .select_related("plan")
        .prefetch_related(
            Prefetch(
                "assignments", queryset=MilestoneUnit.objects.select_related("unit").prefetch_related("unit__members")
            )
        )
        .order_by("plan__code", "position")
    )
    indicators = list(
        Indicator.objects.filter(plan__archived_at__isnull=True)
        .select_related("plan", "unit")
        .prefetch_related("years", "unit__members")
        .order_by("plan__code", "position")
    )
    return [
        _unreached_leads(milestones, reach),
        _empty_groups(milestones, indicators),
        _indicator_reporters(indicators, reach),
        _units_without_contact(milestones, indicators, reach),
        _undeliverable(milestones, indicators, reach),
        _unjudged_data(indicators, today),
    ]


def _milestone_subject(milestone) -> str:
    return f"{milestone.plan.code} 第{milestone.position}行：{milestone.text[:50]}"


def _unreached_leads(milestones, reach: Reach) -> Section:
    section = Section(
        "unreached_leads",
        "牵头单位收不到提醒的节点计划",
        "提醒和报送都只到牵头单位：请为该单位指定联络员或联系邮箱，或为群组设置成员，或在节点计划上改为实际承办的单位。",
    )
    for milestone in milestones:
        leads = [a for a in milestone.assignments.all() if a.role == UnitRole.LEAD]
        if any(reach.unit(receiver) for a in leads for receiver in reach.receivers(a.unit)):
            continue
        reasons = []
        for assignment in leads:
            unit = assignment.unit
            if unit.is_group and not unit.members.all():
                reasons.append(f"“{assignment.written_name}”是没有成员的群组")
            else:
                reasons.append(f"“{assignment.written_name}”没有联络员，也没有联系邮箱")
        links = [("修改节点计划的单位", _admin("plans_milestone", milestone.pk))]
        links += [(f"设置“{a.unit.name}”", _admin("units_unit", a.unit_id)) for a in leads]
        section.problems.append(Problem(_milestone_subject(milestone), "；".join(reasons) or "没有牵头单位", links))
    return section


def _empty_groups(milestones, indicators) -> Section:
    section = Section(
        "empty_groups",
        "没有成员的群组单位",
        "群组（如“区直有关单位”“领导小组成员单位”）没有成员时，经它分派的工作到不了任何单位。"
        "成员名单固定的请在单位页面设置成员；“有关单位”随事项而定的，请在各节点计划上改为实际涉及的单位。",
    )
    uses: dict[int, list[str]] = {}
    groups: dict[int, Unit] = {}
    for milestone in milestones:
        for assignment in milestone.assignments.all():
            if assignment.unit.is_group and not assignment.unit.members.all():
                groups[assignment.unit_id] = assignment.unit
                role = "牵头" if assignment.role == UnitRole.LEAD else "责任"
                uses.setdefault(assignment.unit_id, []).append(
                    f"{milestone.plan.code} 第{milestone.position}行（{role}）"
                )
    for indicator in indicators:
        if indicator.unit and indicator.unit.is_group and not indicator.unit.members.all():
            groups[indicator.unit_id] = indicator.unit
            uses.setdefault(indicator.unit_id, []).append(f"指标“{indicator.name}”（报送）")
    for unit_id, unit in sorted(groups.items(), key=lambda pair: pair[1].name):
        used = uses[unit_id]
        detail = f"用于 {len(used)} 处：{'、'.join(used[:8])}{'……' if len(used) > 8 else ''}"
        section.problems.append(Problem(unit.name, detail, [("设置成员", _admin("units_unit", unit_id))]))
    return section


def _indicator_reporters(indicators, reach: Reach) -> Section:
    section = Section(
        "indicator_reporters",
        "没有报送单位或无人能填报的指标",
        "每个指标由一个报送单位的联络员填报实际值；未指定时只有工作人员能填报。",
    )
    for indicator in indicators:
        subject = f"{indicator.plan.code} 指标 第{indicator.position}项：{indicator.name}"
        links = [("指定报送单位", _admin("targets_indicator", indicator.pk))]
        unit = indicator.unit
        if unit is None:
            detail = "没有报送单位"
        elif unit.is_group:
            members = "、".join(m.name for m in unit.members.all()) or "没有成员"
            detail = f"报送单位“{unit.name}”是群组（{members}）：由成员分别报送，或指定一个单位汇总报送"
            links.append((f"设置“{unit.name}”", _admin("units_unit", unit.pk)))
        elif not reach.has_liaison(unit):
            detail = f"报送单位“{unit.name}”没有联络员，只能由工作人员代为填报"
            links.append((f"为“{unit.name}”指定联络员", _admin("units_unit", unit.pk)))
        else:
            continue
        section.problems.append(Problem(subject, detail, links))
    return section


def _used_units(milestones, indicators, reach: Reach) -> dict[int, Unit]:
    used: dict[int, Unit] = {}
    for milestone in milestones:
        for assignment in milestone.assignments.all():
            for receiver in reach.receivers(assignment.unit):
                used[receiver.pk] = receiver
    for indicator in indicators:
        if indicator.unit is not None:
            used[indicator.unit_id] = indicator.unit
    return used


def _units_without_contact(milestones, indicators, reach: Reach) -> Section:
    section = Section(
        "units_without_contact",
        "没有联络员也没有联系邮箱的单位",
        "只列出在用计划中承担节点计划或报送指标的单位。",
    )
    for unit in sorted(_used_units(milestones, indicators, reach).values(), key=lambda u: u.name):
        if unit.is_group or reach.unit(unit):
            continue
        section.problems.append(
            Problem(unit.name, "没有联络员、联系邮箱或群机器人", [("设置联系方式", _admin("units_unit", unit.pk))])
        )
    return section


def _unjudged_data(indicators, today) -> Section:
    section = Section(
        "unjudged_data",
        "计划数据警告",
        "这些数据无法计算或超出计划年度（常见于导入的计划），请在数据管理中改正。",
    )
    for indicator in indicators:
        notes = [note for note in trajectory_of(indicator, today).notes if "未设目标值" not in note]
        if notes:
            subject = f"{indicator.plan.code} 指标 第{indicator.position}项：{indicator.name}"
            section.problems.append(
                Problem(subject, "；".join(notes), [("修改指标", _admin("targets_indicator", indicator.pk))])
            )
    return section


def _undeliverable(milestones, indicators, reach: Reach) -> Section:
    section = Section(
        "undeliverable_addresses",
        "提醒邮件发不到的地址",
        "这些地址格式不正确，提醒邮件不会发往这些地址；请改正单位联系邮箱、提醒设置或联络员的邮箱。",
    )
    units = [u for u in _used_units(milestones, indicators, reach).values() if not u.is_group]
    found = undeliverable_addresses(units)
    for unit in sorted((u for u in units if u.pk in found), key=lambda u: u.name):
        section.problems.append(
            Problem(unit.name, "；".join(found[unit.pk]), [("改正联系方式", _admin("units_unit", unit.pk))])
        )
    return section
