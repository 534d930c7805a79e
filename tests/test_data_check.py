"""数据体检 (plans.data_check) reads in a fixed number of queries whatever the data size, pages its long lists,
and finds what a straightforward reading finds: every node plan, lead and unit looked at one by one, with the
reminders' own addresses_for as the rule of reach."""

import re
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.synthetic import generate, size_for
from plans.choices import UnitRole
from plans.data_check import data_health
from plans.models import Milestone, MilestoneUnit, ReminderSettings
from plans.notifications.outbox import addresses_for
from targets.models import Indicator
from targets.trajectory import trajectory_of
from units.models import Membership, Unit
from units.roles import Role

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)
ALL = 10**6  # a page size that shows every problem


class Rollback(Exception):
    pass


def _reaches(unit) -> bool:
    channels, users = addresses_for(unit)
    return bool(users) or any(channels.values())


def _has_bad_address(unit) -> bool:
    """An address typed for the unit's e-mail that is no address: one '@' with a dotted domain and no '..'."""
    settings = ReminderSettings.objects.filter(unit=unit).first()
    if settings is not None and not settings.email_enabled:
        return False
    liaisons = Membership.objects.filter(unit=unit, user__is_active=True, user__groups__name=Role.LIAISON)
    typed = [unit.email, settings.extra_emails if settings else ""] + [m.user.email for m in liaisons]
    tokens = [t for text in typed for t in re.split(r"[\s,;，；、]+", text or "") if t]
    return any(t.count("@") != 1 or ".." in t or "." not in t.split("@")[1] for t in tokens)


def _receivers(unit) -> list:
    members = list(unit.members.all()) if unit.is_group else []
    return members or [unit]


def expected_problems(today) -> dict[str, list[str]]:
    """The problems of each section, by subject, read one object at a time (slow, and obviously right)."""
    milestones = list(Milestone.objects.filter(plan__archived_at__isnull=True).order_by("plan__code", "position"))
    indicators = list(Indicator.objects.filter(plan__archived_at__isnull=True).order_by("plan__code", "position"))
    unreached, groups, used = [], {}, {}
    for m in milestones:
        assignments = list(MilestoneUnit.objects.filter(milestone=m).order_by("position"))
        leads = [a.unit for a in assignments if a.role == UnitRole.LEAD]
        if not any(_reaches(r) for unit in leads for r in _receivers(unit)):
            unreached.append(f"{m.plan.code} 第{m.position}行：{m.text[:50]}")
        for a in assignments:
            if a.unit.is_group and not a.unit.members.exists():
                groups[a.unit.pk] = a.unit
            for receiver in _receivers(a.unit):
                used[receiver.pk] = receiver
    reporters, unjudged = [], []
    for i in indicators:
        subject = f"{i.plan.code} 指标 第{i.position}项：{i.name}"
        if i.unit is not None:
            used[i.unit.pk] = i.unit
            if i.unit.is_group and not i.unit.members.exists():
                groups[i.unit.pk] = i.unit
        if i.unit is None or i.unit.is_group or not addresses_for(i.unit)[1]:
            reporters.append(subject)
        if [n for n in trajectory_of(i, today).notes if "未设目标值" not in n]:
            unjudged.append(subject)
    return {
        "unreached_leads": unreached,
        "empty_groups": sorted(g.name for g in groups.values()),
        "indicator_reporters": reporters,
        "units_without_contact": sorted(u.name for u in used.values() if not u.is_group and not _reaches(u)),
        "undeliverable_addresses": sorted(u.name for u in used.values() if not u.is_group and _has_bad_address(u)),
        "unjudged_data": unjudged,
    }


def break_in_proportion():
    """Problems that grow with the data: a third of the units lose their liaisons and e-mail, an empty group
    is co-responsible for every 5th node plan and the only lead of every 7th, every 4th indicator loses its
    reporting unit and every 6th targets a year outside its plan."""
    synthetic = Milestone.objects.filter(plan__code__startswith="syn-")
    units = sorted(set(MilestoneUnit.objects.filter(milestone__in=synthetic).values_list("unit_id", flat=True)))
    silent = units[::3]
    Unit.objects.filter(pk__in=units[1::4]).update(email="bad@@example..com")  # typed before validation
    Membership.objects.filter(unit_id__in=silent).delete()
    Unit.objects.filter(pk__in=silent).update(email="")
    first = Unit.objects.get(pk=units[0])
    empty = Unit.objects.create(region=first.region, name="合成无成员群组", kind=first.kind, is_group=True)
    for n, milestone in enumerate(synthetic.order_by("pk")):
        if n % 7 == 0:
            MilestoneUnit.objects.filter(milestone=milestone, role=UnitRole.LEAD).update(unit=empty)
        elif n % 5 == 0:
            MilestoneUnit.objects.create(
                milestone=milestone, unit=empty, role=UnitRole.RESPONSIBLE, position=90, written_name="有关单位"
            )
    indicators = list(Indicator.objects.filter(plan__code__startswith="syn-").order_by("pk"))
    Indicator.objects.filter(pk__in=[i.pk for i in indicators[::4]]).update(unit=None)
    Indicator.objects.filter(pk__in=[i.pk for i in indicators[1::6]]).update(target_year=1999)


def measure(milestones: int):
    """(queries, sections, problems expected) on the seed plans plus `milestones` synthetic node plans."""
    try:
        with transaction.atomic():
            generate(size_for(milestones), seed=3, today=TODAY, force=True)
            break_in_proportion()
            with CaptureQueriesContext(connection) as captured:
                sections = data_health(TODAY, page_size=20)
            full = data_health(TODAY, page_size=ALL)
            paged = {s.key: [p.subject for page in range(1, s.pages + 1) for p in _page(s.key, page)] for s in sections}
            result = len(captured), sections, full, paged, expected_problems(TODAY)
            raise Rollback
    except Rollback:
        return result


def _page(key, page):
    return next(s for s in data_health(TODAY, pages={key: page}, page_size=20) if s.key == key).problems


def test_the_same_queries_for_ten_times_the_data_and_the_same_problems_as_one_by_one():
    small_queries, small, small_full, small_paged, small_expected = measure(20)
    big_queries, big, big_full, big_paged, big_expected = measure(200)
    assert small_queries == big_queries
    for full, paged, expected in ((small_full, small_paged, small_expected), (big_full, big_paged, big_expected)):
        for section in full:
            subjects = [p.subject for p in section.problems]
            key = section.key
            if key in ("empty_groups", "units_without_contact", "undeliverable_addresses"):
                assert sorted(subjects) == expected[key], key
            else:
                assert subjects == expected[key], key
            assert section.total == len(expected[key])
            assert paged[key] == subjects, key  # the pages, one after another, are the whole list
    # The data grew: the problems did too, and the long lists are paged.
    by_key = {s.key: s for s in big}
    assert by_key["unreached_leads"].total > {s.key: s for s in small}["unreached_leads"].total > 0
    assert by_key["unreached_leads"].pages > 1 and len(by_key["unreached_leads"].problems) == 20
    assert by_key["empty_groups"].total >= 1 and by_key["indicator_reporters"].total > 0
    assert by_key["undeliverable_addresses"].total > 0  # the typed-in bad addresses are named, not dropped
    assert by_key["unjudged_data"].total > 0 and by_key["units_without_contact"].total > 0


def test_an_empty_group_lists_its_first_uses_and_counts_them_all():
    try:
        with transaction.atomic():
            generate(size_for(200), seed=3, today=TODAY, force=True)
            break_in_proportion()
            group = Unit.objects.get(name="合成无成员群组")
            uses = MilestoneUnit.objects.filter(unit=group, milestone__plan__archived_at__isnull=True).count()
            problem = next(
                p for s in data_health(TODAY) if s.key == "empty_groups" for p in s.problems if p.subject == group.name
            )
            raise Rollback
    except Rollback:
        pass
    assert problem.detail.startswith(f"用于 {uses} 处：") and problem.detail.endswith("……")
    assert problem.detail.count("行（") == 8


def test_the_page_shows_one_page_per_section_and_bad_page_numbers_are_page_one(client_as):
    staff = client_as("staff")
    page = staff.get(reverse("plans:data_health"), {"empty_groups_page": "abc", "unreached_leads_page": "999999"})
    assert page.status_code == 200
    assert "数据体检" in page.content.decode()
