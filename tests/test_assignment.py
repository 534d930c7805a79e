"""交办 in the portal: node plans created and edited by staff, deadlines from the same parser, stale saves
refused, deadlines recomputed without losing what hangs on them, ad-hoc 督办事项 in a container plan.

Expected dates are worked out by hand from plans.schedule's rules as the README states them: "每年6月" in a
2022—2024 plan is one deadline a year, window 1 January to 30 June; a one-off "2024年底" opens at the plan's
first year (2022-01-01) and closes on 2024-12-31.
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans import access
from plans.models import Milestone, Occurrence, Plan
from plans.workflow import assignment
from talentplan.lib.versioning import StaleVersionError
from tests.helpers import submit
from units.models import Unit

pytestmark = pytest.mark.django_db

PLAN = "jianghai-rcqq-2022"  # 2022—2024, region 江门市江海区


@pytest.fixture
def plan():
    return Plan.objects.get(code=PLAN)


def unit(name):
    return Unit.objects.get(name=name, region__plans__code=PLAN)


def data(
    plan, due_text="每年6月", lead=("区人力资源和社会保障局",), co=("区卫生健康局",), text="建立人才驿站并按期报送。"
):
    return assignment.MilestoneInput(
        measure=plan.measures.order_by("position").first(),
        text=text,
        due_text=due_text,
        lead_units=[unit(n) for n in lead],
        co_units=[unit(n) for n in co],
    )


def dates(milestone):
    return {o.label: (o.start_date, o.due_date) for o in milestone.occurrences.all()}


def test_staff_creates_a_node_plan_with_units_in_order_and_its_deadlines(plan, user_named):
    top = plan.milestones.order_by("-position").first().position
    milestone = assignment.create_milestone(user_named("staff"), plan, data(plan))
    assert milestone.position == top + 1  # appended at the end of the 工作清单
    assert [(a.unit.name, a.role, a.position) for a in milestone.assignments.order_by("position")] == [
        ("区人力资源和社会保障局", "lead", 1),
        ("区卫生健康局", "responsible", 2),
    ]
    assert dates(milestone) == {
        "2022年6月": (date(2022, 1, 1), date(2022, 6, 30)),
        "2023年6月": (date(2023, 1, 1), date(2023, 6, 30)),
        "2024年6月": (date(2024, 1, 1), date(2024, 6, 30)),
    }
    assert milestone.schedule_kind == "yearly"
    assert milestone.history.first().history_change_reason == "工作人员交办"
    # Both units' liaisons now see it; a liaison of another unit does not.
    assert access.milestones(user_named("liaison_hr")).filter(pk=milestone.pk).exists()
    assert access.milestones(user_named("liaison_health")).filter(pk=milestone.pk).exists()
    assert not access.milestones(user_named("liaison_lile")).filter(pk=milestone.pk).exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"due_text": "明年再说"}, "无法识别的完成时间“明年再说”"),
        ({"due_text": "2023年13月"}, "无法识别的完成时间“2023年13月”"),
        ({"lead": ()}, "请至少指定一个牵头单位。"),
        ({"co": ("区人力资源和社会保障局",)}, "同一单位不能重复指定。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(plan, user_named, change, message):
    before = (Milestone.objects.count(), Occurrence.objects.count())
    with pytest.raises(ValidationError) as refused:
        assignment.create_milestone(user_named("staff"), plan, data(plan, **change))
    assert any(message in m for m in refused.value.messages)
    assert (Milestone.objects.count(), Occurrence.objects.count()) == before


def test_a_unit_of_another_region_is_refused(plan, user_named):
    bad = data(plan)
    bad.co_units = [Unit.objects.get(name="市人社局")]  # 南平's unit, not 江海's
    with pytest.raises(ValidationError, match="责任单位必须属于该计划所在地区"):
        assignment.create_milestone(user_named("staff"), plan, bad)


@pytest.mark.parametrize("who", ["leader", "liaison_hr"])
def test_only_staff_assign(plan, user_named, who):
    with pytest.raises(PermissionDenied):
        assignment.create_milestone(user_named(who), plan, data(plan))


def test_a_stale_edit_is_refused_and_changes_nothing(plan, user_named):
    staff = user_named("staff")
    milestone = assignment.create_milestone(staff, plan, data(plan))
    assert milestone.version == 1
    assignment.edit_milestone(staff, milestone, 1, data(plan, text="第一位工作人员的修改。"))
    with pytest.raises(StaleVersionError, match="该记录已被他人修改"):
        assignment.edit_milestone(staff, milestone, 1, data(plan, text="第二位从旧页面保存。", due_text="2023年底"))
    milestone.refresh_from_db()
    assert (milestone.text, milestone.version, milestone.due_text) == ("第一位工作人员的修改。", 2, "每年6月")
    assert len(dates(milestone)) == 3


def test_edit_reorders_units_and_keeps_their_rows(plan, user_named):
    staff = user_named("staff")
    milestone = assignment.create_milestone(staff, plan, data(plan, co=("区卫生健康局", "区教育局")))
    health_row = milestone.assignments.get(unit__name="区卫生健康局").pk
    assignment.edit_milestone(staff, milestone, 1, data(plan, lead=("区卫生健康局",), co=("区人力资源和社会保障局",)))
    rows = list(milestone.assignments.order_by("position"))
    assert [(a.unit.name, a.role) for a in rows] == [
        ("区卫生健康局", "lead"),
        ("区人力资源和社会保障局", "responsible"),
    ]
    assert rows[0].pk == health_row  # the same row, now lead: its history continues
    assert not milestone.assignments.filter(unit__name="区教育局").exists()


def test_a_new_completion_time_recomputes_deadlines_and_keeps_the_reported_one(plan, user_named):
    staff = user_named("staff")
    milestone = assignment.create_milestone(staff, plan, data(plan))
    reported = milestone.occurrences.get(label="2023年6月")
    report = submit(user_named("liaison_hr"), milestone, occurrence=reported)
    outcome = assignment.edit_milestone(staff, milestone, 1, data(plan, due_text="2024年底"))
    # 2022年6月 and 2024年6月 had nothing on them: deleted. 2023年6月 has a report: kept with it.
    # "2024年底" is one new deadline: 2022-01-01 (the plan's first year) to 2024-12-31.
    assert dates(milestone) == {
        "2023年6月": (date(2023, 1, 1), date(2023, 6, 30)),
        "2024年底": (date(2022, 1, 1), date(2024, 12, 31)),
    }
    report.refresh_from_db()
    assert report.occurrence_id == reported.pk
    assert outcome.kept == ["期次“2023年6月”有进展报告 1 份，已保留"]
    milestone.refresh_from_db()
    assert (milestone.due_text, milestone.schedule_kind, milestone.version) == ("2024年底", "once", 2)


def test_same_labels_keep_their_rows_when_only_the_window_changes(plan, user_named):
    staff = user_named("staff")
    milestone = assignment.create_milestone(staff, plan, data(plan, due_text="每年12月"))
    ids = {o.label: o.pk for o in milestone.occurrences.all()}
    assignment.edit_milestone(staff, milestone, 1, data(plan, due_text="每年"))
    # "每年12月" labels "2022年12月"...; "每年" is the year end, labelled "2022年底": different labels, so
    # the old rows (nothing on them) go and three year-end rows come, each 1 January to 31 December.
    assert dates(milestone) == {f"{y}年底": (date(y, 1, 1), date(y, 12, 31)) for y in (2022, 2023, 2024)}
    assert not set(ids.values()) & set(milestone.occurrences.values_list("pk", flat=True))


def test_ad_hoc_items_share_one_container_per_region(plan, user_named):
    staff = user_named("staff")
    region = plan.region
    measure = assignment.adhoc_measure(staff, region)
    assert measure.plan.code == f"adhoc-{region.pk}"
    assert measure.plan.title == f"{region.name}临时督办事项"
    first = assignment.create_milestone(
        staff, measure.plan, assignment.MilestoneInput(measure, "临时督办一", "2026年12月", [unit("区卫生健康局")], [])
    )
    second_measure = assignment.adhoc_measure(staff, region)
    assert second_measure == measure  # no second container
    assert first.plan == measure.plan and first.position == 1
    assert dates(first) == {"2026年12月": (date(min(measure.plan.start_year, 2026), 1, 1), date(2026, 12, 31))}
    assert access.milestones(user_named("liaison_health")).filter(pk=first.pk).exists()


def test_measure_and_plan_edits_keep_history_and_refuse_stale_saves(plan, user_named):
    staff = user_named("staff")
    measure = plan.measures.order_by("position").first()
    item = measure.item
    edited = assignment.edit_measure(staff, measure, measure.version, item, "修改后的工作举措。")
    assert (edited.text, edited.version) == ("修改后的工作举措。", measure.version + 1)
    assert edited.history.first().history_change_reason == "工作人员修改工作举措"
    with pytest.raises(StaleVersionError):
        assignment.edit_measure(staff, measure, measure.version, item, "旧页面。")
    assert Plan.objects.get(pk=plan.pk).measures.get(pk=measure.pk).text == "修改后的工作举措。"

    values = {
        "title": "新标题",
        "document_number": "江海委办函〔2022〕12号",
        "issuers": "区委办",
        "issue_date": date(2022, 4, 27),
    }
    assignment.edit_plan(staff, plan, plan.version, **values)
    with pytest.raises(StaleVersionError):
        assignment.edit_plan(staff, plan, plan.version, **(values | {"title": "旧页面的标题"}))
    plan.refresh_from_db()
    assert (plan.title, plan.version, plan.start_year) == ("新标题", 2, 2022)
    assert plan.history.first().history_change_reason == "工作人员修改行动计划"
    with pytest.raises(PermissionDenied):
        assignment.edit_plan(user_named("leader"), plan, plan.version, **values)


def test_plan_creation_starts_with_a_category_and_item(user_named):
    staff = user_named("staff")
    region = Plan.objects.get(code=PLAN).region
    values = {
        "code": "jianghai-test-2027",
        "title": "测试计划",
        "document_number": "",
        "issuers": "区委办",
        "issue_date": date(2027, 1, 5),
        "start_year": 2027,
        "end_year": 2029,
    }
    new = assignment.create_plan(staff, region, **values)
    assert (new.region, new.items.count(), new.categories.count()) == (region, 1, 1)
    with pytest.raises(ValidationError, match="已被其他行动计划使用"):
        assignment.create_plan(staff, region, **values)
    with pytest.raises(ValidationError, match="您不能在该地区新建行动计划"):
        assignment.create_plan(user_named("leader"), region, **(values | {"code": "other"}))
