"""数据体检: what would silently reach nobody or stay unjudged, each line with a link to where it is fixed.

- node plans whose lead units reach nobody (an empty group; units with no liaison, no contact e-mail, no
  robot): reminders go nowhere and no one can report;
- group units without members that node plans or indicators use;
- indicators without a reporting unit, or whose reporting unit no liaison can act for (a group reports
  through its members; a unit with no liaison cannot enter a figure);
- units used by active plans that have no liaison and no contact;
- data the portal cannot judge (a figure that is not a number, a target year outside the plan years).

The reach of a unit is the reminders' own rule (plans.audience: a group's members, or the group itself when it
has none; addresses_by_unit gives a unit's liaisons, e-mail and robot), so this page and the reminders agree.

The page reads in a fixed number of queries whatever the number of node plans (issue 22): the reach of every
unit is read once (units are the organisation, a few thousand at most), each check over node plans is one
query with a count, and each section shows one page of PAGE_SIZE problems (`?<section key>_page=`).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from plans.choices import UnitRole
from plans.models import Milestone, MilestoneUnit
from plans.notifications.outbox import addresses_by_unit, undeliverable_addresses
from targets.models import Indicator
from targets.trajectory import trajectory_of
from units.models import Unit

PAGE_SIZE = 50
USES_SHOWN = 8  # uses of an empty group written out; the rest are counted
SECTION_KEYS = ("unreached_leads", "empty_groups", "indicator_reporters", "units_without_contact", "unjudged_data")


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
    problems: list[Problem] = field(default_factory=list)  # the page shown
    total: int = 0  # problems on every page
    page: int = 1
    pages: int = 1
    previous_query: str = ""  # the page's query string for the neighbouring pages (set by the view)
    next_query: str = ""

    @property
    def page_param(self) -> str:
        return f"{self.key}_page"


def _admin(model_name: str, pk: int) -> str:
    return reverse(f"admin:{model_name}_change", args=[pk])


class Reach:
    """Every unit's reach, read once: liaisons, a contact e-mail, extra addresses or a robot; and the units
    that hear for it (a group's members, or the group itself when it has none: plans.audience.receiving)."""

    def __init__(self):
        units = list(Unit.objects.only("pk", "name", "is_group", "email"))
        self.units = {unit.pk: unit for unit in units}
        self.members: dict[int, list[int]] = {}
        for group_id, member_id in Unit.members.through.objects.values_list("from_unit_id", "to_unit_id").order_by(
            "from_unit_id", "to_unit_id"
        ):
            self.members.setdefault(group_id, []).append(member_id)
        addresses = addresses_by_unit(units)
        self.reached = {pk for pk, (channels, users) in addresses.items() if users or any(channels.values())}
        self.with_liaison = {pk for pk, (_, users) in addresses.items() if users}

    def receivers(self, unit_id: int) -> list[int]:
        unit = self.units[unit_id]
        return (self.members.get(unit_id, []) if unit.is_group else []) or [unit_id]

    def lead_reaches(self, unit_id: int) -> bool:
        return any(receiver in self.reached for receiver in self.receivers(unit_id))

    def empty_group(self, unit_id: int) -> bool:
        return self.units[unit_id].is_group and not self.members.get(unit_id)


def data_health(today=None, pages: dict[str, int] | None = None, page_size: int = PAGE_SIZE) -> list[Section]:
    """The sections of 数据体检, each with its total and the page `pages[key]` (1 by default)."""
    today = today or timezone.localdate()
    pages = pages or {}
    reach = Reach()
    sections = [
        _unreached_leads(reach),
        _empty_groups(reach),
        _indicator_reporters(reach),
        _units_without_contact(reach),
        _undeliverable(reach),
        _unjudged_data(today),
    ]
    return [section(pages.get(section.key, 1), page_size) for section in sections]


class _Pending:
    """A section with its problems still to read: `read(offset, limit)` gives one page, `count` the total."""

    def __init__(self, section: Section, count, read):
        self.key, self._section, self._count, self._read = section.key, section, count, read

    def __call__(self, page: int, page_size: int) -> Section:
        section = self._section
        section.total = self._count()
        section.pages = max(1, -(-section.total // page_size))
        section.page = min(max(1, page), section.pages)
        offset = (section.page - 1) * page_size
        section.problems = self._read(offset, page_size) if section.total else []
        return section


def _paged_list(section: Section, problems: list[Problem]) -> _Pending:
    return _Pending(section, lambda: len(problems), lambda offset, limit: problems[offset : offset + limit])


def _milestone_subject(milestone) -> str:
    return f"{milestone.plan.code} 第{milestone.position}行：{milestone.text[:50]}"


def _unreached_leads(reach: Reach) -> _Pending:
    section = Section(
        "unreached_leads",
        "牵头单位收不到提醒的节点计划",
        "提醒和报送都只到牵头单位：请为该单位指定联络员或联系邮箱，或为群组设置成员，或在节点计划上改为实际承办的单位。",
    )
    # A node plan is reached when one of its leads reaches someone; the leads that reach nobody are few.
    unreached = [pk for pk in reach.units if not reach.lead_reaches(pk)]
    reaching_lead = MilestoneUnit.objects.filter(milestone=OuterRef("pk"), role=UnitRole.LEAD).exclude(
        unit_id__in=unreached
    )
    milestones = Milestone.objects.active().filter(~Exists(reaching_lead))

    def read(offset, limit):
        leads = MilestoneUnit.objects.filter(role=UnitRole.LEAD).select_related("unit").order_by("position")
        rows = (
            milestones.select_related("plan")
            .prefetch_related(Prefetch("assignments", queryset=leads, to_attr="leads"))
            .order_by("plan__code", "position")[offset : offset + limit]
        )
        problems = []
        for milestone in rows:
            reasons = []
            for assignment in milestone.leads:
                if reach.empty_group(assignment.unit_id):
                    reasons.append(f"“{assignment.written_name}”是没有成员的群组")
                else:
                    reasons.append(f"“{assignment.written_name}”没有联络员，也没有联系邮箱")
            links = [("修改节点计划的单位", _admin("plans_milestone", milestone.pk))]
            links += [(f"设置“{a.unit.name}”", _admin("units_unit", a.unit_id)) for a in milestone.leads]
            problems.append(Problem(_milestone_subject(milestone), "；".join(reasons) or "没有牵头单位", links))
        return problems

    return _Pending(section, milestones.count, read)


def _empty_groups(reach: Reach) -> _Pending:
    section = Section(
        "empty_groups",
        "没有成员的群组单位",
        "群组（如“区直有关单位”“领导小组成员单位”）没有成员时，经它分派的工作到不了任何单位。"
        "成员名单固定的请在单位页面设置成员；“有关单位”随事项而定的，请在各节点计划上改为实际涉及的单位。",
    )
    empty = [pk for pk in reach.units if reach.empty_group(pk)]
    assignments = MilestoneUnit.objects.filter(milestone__plan__archived_at__isnull=True, unit_id__in=empty)
    indicators = Indicator.objects.filter(plan__archived_at__isnull=True, unit_id__in=empty)
    counts: dict[int, int] = {}
    for queryset in (assignments, indicators):
        for unit_id, n in queryset.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"):
            counts[unit_id] = counts.get(unit_id, 0) + n
    groups = sorted(counts, key=lambda pk: (reach.units[pk].name, pk))

    def read(offset, limit):
        shown = groups[offset : offset + limit]
        uses: dict[int, list[str]] = {pk: [] for pk in shown}
        first = Window(
            RowNumber(),
            partition_by=[F("unit_id")],
            order_by=[F("milestone__plan__code"), F("milestone__position"), F("position")],
        )
        for unit_id, code, position, role in (
            assignments.filter(unit_id__in=shown)
            .annotate(n=first)
            .filter(n__lte=USES_SHOWN)
            .order_by("unit_id", "n")
            .values_list("unit_id", "milestone__plan__code", "milestone__position", "role")
        ):
            uses[unit_id].append(f"{code} 第{position}行（{'牵头' if role == UnitRole.LEAD else '责任'}）")
        first = Window(RowNumber(), partition_by=[F("unit_id")], order_by=[F("plan__code"), F("position")])
        for unit_id, name in (
            indicators.filter(unit_id__in=shown)
            .annotate(n=first)
            .filter(n__lte=USES_SHOWN)
            .order_by("unit_id", "n")
            .values_list("unit_id", "name")
        ):
            uses[unit_id].append(f"指标“{name}”（报送）")
        problems = []
        for unit_id in shown:
            used = uses[unit_id][:USES_SHOWN]
            more = "……" if counts[unit_id] > USES_SHOWN else ""
            detail = f"用于 {counts[unit_id]} 处：{'、'.join(used)}{more}"
            problems.append(Problem(reach.units[unit_id].name, detail, [("设置成员", _admin("units_unit", unit_id))]))
        return problems

    return _Pending(section, lambda: len(groups), read)


def _indicator_reporters(reach: Reach) -> _Pending:
    section = Section(
        "indicator_reporters",
        "没有报送单位或无人能填报的指标",
        "每个指标由一个报送单位的联络员填报实际值；未指定时只有工作人员能填报。",
    )
    flagged = [pk for pk, unit in reach.units.items() if unit.is_group or pk not in reach.with_liaison]
    indicators = Indicator.objects.filter(plan__archived_at__isnull=True).filter(
        Q(unit__isnull=True) | Q(unit_id__in=flagged)
    )

    def read(offset, limit):
        problems = []
        for indicator in indicators.select_related("plan").order_by("plan__code", "position")[offset : offset + limit]:
            subject = f"{indicator.plan.code} 指标 第{indicator.position}项：{indicator.name}"
            links = [("指定报送单位", _admin("targets_indicator", indicator.pk))]
            unit = reach.units.get(indicator.unit_id)
            if unit is None:
                detail = "没有报送单位"
            elif unit.is_group:
                members = "、".join(reach.units[m].name for m in reach.members.get(unit.pk, [])) or "没有成员"
                detail = f"报送单位“{unit.name}”是群组（{members}）：由成员分别报送，或指定一个单位汇总报送"
                links.append((f"设置“{unit.name}”", _admin("units_unit", unit.pk)))
            else:
                detail = f"报送单位“{unit.name}”没有联络员，只能由工作人员代为填报"
                links.append((f"为“{unit.name}”指定联络员", _admin("units_unit", unit.pk)))
            problems.append(Problem(subject, detail, links))
        return problems

    return _Pending(section, indicators.count, read)


def _used_units(reach: Reach) -> set[int]:
    """Units that lead or answer for a node plan of an active plan (a group by its members), or report an
    indicator of one: two queries."""
    assigned = MilestoneUnit.objects.filter(unit_id=OuterRef("pk"), milestone__plan__archived_at__isnull=True)
    reporting = Indicator.objects.filter(unit_id=OuterRef("pk"), plan__archived_at__isnull=True)
    used = set(Unit.objects.filter(Exists(reporting)).values_list("pk", flat=True))
    for pk in Unit.objects.filter(Exists(assigned)).values_list("pk", flat=True):
        used.update(reach.receivers(pk))
    return used


def _units_without_contact(reach: Reach) -> _Pending:
    section = Section(
        "units_without_contact",
        "没有联络员也没有联系邮箱的单位",
        "只列出在用计划中承担节点计划或报送指标的单位。",
    )
    units = sorted(
        (reach.units[pk] for pk in _used_units(reach) if not reach.units[pk].is_group and pk not in reach.reached),
        key=lambda unit: (unit.name, unit.pk),
    )
    problems = [
        Problem(unit.name, "没有联络员、联系邮箱或群机器人", [("设置联系方式", _admin("units_unit", unit.pk))])
        for unit in units
    ]
    return _paged_list(section, problems)


def _undeliverable(reach: Reach) -> _Pending:
    section = Section(
        "undeliverable_addresses",
        "提醒邮件发不到的地址",
        "这些地址格式不正确，提醒邮件不会发往这些地址；请改正单位联系邮箱、提醒设置或联络员的邮箱。",
    )
    units = [reach.units[pk] for pk in _used_units(reach) if not reach.units[pk].is_group]
    found = undeliverable_addresses(units)
    problems = [
        Problem(unit.name, "；".join(found[unit.pk]), [("改正联系方式", _admin("units_unit", unit.pk))])
        for unit in sorted((u for u in units if u.pk in found), key=lambda u: (u.name, u.pk))
    ]
    return _paged_list(section, problems)


def _unjudged_data(today) -> _Pending:
    """Judging needs the indicator's written targets parsed (targets.trajectory), so every indicator of the
    active plans is read, in two queries; indicators are a few per plan, not per node plan."""
    section = Section(
        "unjudged_data",
        "计划数据警告",
        "这些数据无法计算或超出计划年度（常见于导入的计划），请在数据管理中改正。",
    )
    problems = []
    indicators = (
        Indicator.objects.filter(plan__archived_at__isnull=True)
        .select_related("plan")
        .prefetch_related("years")
        .order_by("plan__code", "position")
    )
    for indicator in indicators:
        notes = [note for note in trajectory_of(indicator, today).notes if "未设目标值" not in note]
        if notes:
            subject = f"{indicator.plan.code} 指标 第{indicator.position}项：{indicator.name}"
            problems.append(
                Problem(subject, "；".join(notes), [("修改指标", _admin("targets_indicator", indicator.pk))])
            )
    return _paged_list(section, problems)
