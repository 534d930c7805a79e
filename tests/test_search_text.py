"""The stored search text (plans.search_text) finds exactly what searching each table finds: the node plan's
own texts, its measure, its item, and its units by written name, full name, short name or alias. Checked
against a per-table search written here, after every kind of change that moves one of those texts."""

import pytest
from django.db.models import Q

from plans.models import Item, Milestone, MilestoneUnit
from plans.search_text import SEPARATOR, refresh_search_text
from units.models import Unit, UnitAlias

pytestmark = pytest.mark.django_db
WORDS = [
    "人社局",
    "区人力资源和社会保障局",
    "博士后",
    "2023年",
    "每年12月",
    "人才",
    "新写法甲",
    "改名乙",
    "新举措丙",
    "新项目丁",
]


def matched_by_tables(word) -> set[int]:
    """The search as five separate lookups, one per table (the task search before the stored text)."""
    units = Unit.objects.filter(
        Q(name__icontains=word) | Q(short_name__icontains=word) | Q(aliases__alias__icontains=word)
    )
    return (
        set(
            Milestone.objects.filter(
                Q(text__icontains=word) | Q(due_text__icontains=word) | Q(schedule_text__icontains=word)
            ).values_list("pk", flat=True)
        )
        | set(Milestone.objects.filter(measure__text__icontains=word).values_list("pk", flat=True))
        | set(Milestone.objects.filter(measure__item__title__icontains=word).values_list("pk", flat=True))
        | set(MilestoneUnit.objects.filter(written_name__icontains=word).values_list("milestone_id", flat=True))
        | set(MilestoneUnit.objects.filter(unit__in=units).values_list("milestone_id", flat=True))
    )


def assert_search_matches_tables():
    for word in WORDS:
        stored = set(Milestone.objects.filter(search_text__icontains=word).values_list("pk", flat=True))
        assert stored == matched_by_tables(word), word


def test_loaded_plans_are_searchable_as_the_tables_are():
    assert not Milestone.objects.filter(search_text="").exists()
    assert_search_matches_tables()
    assert Milestone.objects.filter(search_text__icontains="人社局").count() > 10


def test_every_kind_of_change_moves_the_stored_text():
    hr = Unit.objects.get(name="区人力资源和社会保障局")
    milestone = Milestone.objects.filter(assignments__unit=hr).first()
    other = Milestone.objects.exclude(assignments__unit=hr).first()

    UnitAlias.objects.create(region=hr.region, unit=hr, alias="新写法甲")
    assert_search_matches_tables()
    hr.short_name = "改名乙"
    hr.save()
    assert_search_matches_tables()
    assert (
        Milestone.objects.filter(search_text__icontains="改名乙").count()
        == MilestoneUnit.objects.filter(unit=hr).values("milestone").distinct().count()
    )

    measure = other.measure
    measure.text += "新举措丙"
    measure.save()
    item = Item.objects.exclude(pk=measure.item_id).first()
    item.title += "新项目丁"
    item.save()
    assert_search_matches_tables()

    assignment = MilestoneUnit.objects.create(
        milestone=other, unit=hr, role="responsible", position=90, written_name="人社"
    )
    assert_search_matches_tables()
    assignment.delete()
    MilestoneUnit.objects.filter(milestone=milestone, unit=hr).delete()
    UnitAlias.objects.filter(alias="新写法甲").delete()
    assert_search_matches_tables()

    milestone.text = "2023年 改写的节点计划"
    milestone.save()
    assert_search_matches_tables()
    Milestone.objects.filter(pk=milestone.pk).update(text="绕过信号写入")  # a bulk writer must refresh itself
    assert "绕过信号写入" not in Milestone.objects.get(pk=milestone.pk).search_text
    refresh_search_text([milestone.pk])
    assert "绕过信号写入" in Milestone.objects.get(pk=milestone.pk).search_text


def test_a_word_never_matches_across_two_parts():
    milestone = Milestone.objects.first()
    milestone.text = "前半句尾巴甲乙"
    milestone.save()
    measure = milestone.measure
    measure.text = "丙丁开头的举措"
    measure.save()
    assert SEPARATOR in Milestone.objects.get(pk=milestone.pk).search_text
    assert Milestone.objects.filter(pk=milestone.pk, search_text__icontains="甲乙").exists()
    assert not Milestone.objects.filter(pk=milestone.pk, search_text__icontains="甲乙丙丁").exists()
    assert not matched_by_tables("甲乙丙丁")


def test_refreshing_everything_writes_every_node_plan():
    Milestone.objects.update(search_text="")
    assert refresh_search_text() == Milestone.objects.count()
    assert_search_matches_tables()
