"""Deadline wording people write (issue 21, item 4): read by plans.schedule, accepted when 交办ing and editing a
node plan, and a deadline or an extension past the plan's end only with a confirmation and a reason.

Expected dates are worked out by hand for 人才强区 (2022—2024): a quarter ends on 3月31日, 6月30日, 9月30日 or
12月31日; a half on 6月30日 or 12月31日; a month on its last day (2024 is a leap year: 2月29日).
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from plans.choices import ScheduleKind
from plans.models import ExtensionRequest, Milestone, Plan
from plans.schedule import ScheduleError, parse_schedule
from plans.workflow import assignment, reporting
from tests.helpers import milestone_led_by
from units.models import Unit

PLAN = "jianghai-rcqq-2022"


def deadlines(text, start=2022, end=2024):
    return [(d.label, d.start, d.due) for d in parse_schedule(text).occurrences(start, end)]


# -- the parser (pure) --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["每季度", "每季度末"])
def test_every_quarter_is_four_deadlines_a_year(text):
    got = deadlines(text)
    assert parse_schedule(text).kind == ScheduleKind.QUARTERLY
    assert len(got) == 12  # 4 quarters × 3 years
    assert got[:4] == [
        ("2022年第1季度", date(2022, 1, 1), date(2022, 3, 31)),
        ("2022年第2季度", date(2022, 4, 1), date(2022, 6, 30)),
        ("2022年第3季度", date(2022, 7, 1), date(2022, 9, 30)),
        ("2022年第4季度", date(2022, 10, 1), date(2022, 12, 31)),
    ]
    assert got[-1] == ("2024年第4季度", date(2024, 10, 1), date(2024, 12, 31))


def test_every_half_year_is_two_deadlines_a_year():
    got = deadlines("每半年")
    assert len(got) == 6 and got[:2] == [
        ("2022年上半年", date(2022, 1, 1), date(2022, 6, 30)),
        ("2022年下半年", date(2022, 7, 1), date(2022, 12, 31)),
    ]


def test_a_half_without_a_year_is_the_plans_first_year_once():
    # "上半年" alone names one half, not every year's ("每年上半年" does): the plan's first, 2022.
    assert deadlines("上半年") == [("2022年上半年", date(2022, 1, 1), date(2022, 6, 30))]
    assert deadlines("下半年") == [("2022年下半年", date(2022, 7, 1), date(2022, 12, 31))]
    assert parse_schedule("上半年").kind == ScheduleKind.ONCE


def test_a_half_of_a_named_year():
    assert deadlines("2024年上半年") == [("2024年上半年", date(2024, 1, 1), date(2024, 6, 30))]
    assert deadlines("2023年下半年") == [("2023年下半年", date(2023, 7, 1), date(2023, 12, 31))]


def test_every_month_and_every_month_by_a_day():
    monthly = deadlines("每月")
    assert len(monthly) == 36 and monthly[1] == ("2022年2月", date(2022, 2, 1), date(2022, 2, 28))
    assert ("2024年2月", date(2024, 2, 1), date(2024, 2, 29)) in monthly  # leap year
    by_tenth = deadlines("每月10日前")
    assert len(by_tenth) == 36 and by_tenth[0] == ("2022年1月", date(2022, 1, 1), date(2022, 1, 10))
    # 每月31日 in a 30-day month: the month's last day.
    assert deadlines("每月31日")[3] == ("2022年4月", date(2022, 4, 1), date(2022, 4, 30))


def test_a_month_range_is_one_deadline_at_its_end():
    assert deadlines("2023年6月—12月") == [("2023年6月—12月", date(2023, 6, 1), date(2023, 12, 31))]
    assert deadlines("2023年6月-2024年3月") == [("2023年6月—2024年3月", date(2023, 6, 1), date(2024, 3, 31))]


@pytest.mark.parametrize("text", ["2023年12月—6月", "每月32日", "每月0日前", "2023年6月—13月", "每季度13月", "季度"])
def test_wording_that_means_nothing_is_refused_in_chinese(text):
    with pytest.raises(ScheduleError, match="无法识别的完成时间"):
        parse_schedule(text)


# -- 交办 and editing ---------------------------------------------------------------------------------------


def _input(plan, due_text, reason="", lead="区人力资源和社会保障局"):
    units = Unit.objects.filter(region=plan.region)
    return assignment.MilestoneInput(
        measure=plan.measures.order_by("position").first(),
        text="按季度报送人才工作进展。",
        due_text=due_text,
        lead_units=[units.get(name=lead)],
        co_units=[],
        beyond_plan_reason=reason,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, count, last",
    [
        ("每季度", 12, date(2024, 12, 31)),
        ("每季度末", 12, date(2024, 12, 31)),
        ("每半年", 6, date(2024, 12, 31)),
        ("上半年", 1, date(2022, 6, 30)),
        ("下半年", 1, date(2022, 12, 31)),
        ("每月", 36, date(2024, 12, 31)),
        ("每月5日前", 36, date(2024, 12, 5)),
        ("2023年6月—12月", 1, date(2023, 12, 31)),
        ("2024年上半年", 1, date(2024, 6, 30)),
    ],
)
def test_staff_assign_a_node_plan_in_everyday_wording(user_named, text, count, last):
    plan = Plan.objects.get(code=PLAN)
    milestone = assignment.create_milestone(user_named("staff"), plan, _input(plan, text))
    deadlines_made = milestone.occurrences.filter(is_deadline=True)
    assert deadlines_made.count() == count
    assert max(o.due_date for o in deadlines_made) == last


@pytest.mark.django_db
def test_a_deadline_after_the_plans_end_needs_a_reason(user_named):
    # 人才强区 ends on 2024-12-31; "2027年3月" is due on 2027-03-31: refused without a reason, nothing saved;
    # with one it is saved and the reason is in the node plan's history.
    plan = Plan.objects.get(code=PLAN)
    staff = user_named("staff")
    before = Milestone.objects.count()
    with pytest.raises(ValidationError) as refused:
        assignment.create_milestone(staff, plan, _input(plan, "2027年3月"))
    assert "2027年3月31日晚于计划期限（2024年12月31日）" in " ".join(refused.value.messages)
    assert Milestone.objects.count() == before
    milestone = assignment.create_milestone(staff, plan, _input(plan, "2027年3月", reason="省里要求顺延至2027年一季度"))
    assert milestone.occurrences.get().due_date == date(2027, 3, 31)
    assert "省里要求顺延至2027年一季度" in milestone.history.first().history_change_reason


@pytest.mark.django_db
def test_editing_to_a_deadline_after_the_plans_end_needs_a_reason(user_named):
    plan = Plan.objects.get(code=PLAN)
    staff = user_named("staff")
    milestone = assignment.create_milestone(staff, plan, _input(plan, "每季度"))
    with pytest.raises(ValidationError, match="晚于计划期限"):
        assignment.edit_milestone(staff, milestone, milestone.version, _input(plan, "2025年底"))
    milestone.refresh_from_db()
    assert (milestone.due_text, milestone.occurrences.count()) == ("每季度", 12)  # nothing changed


# -- extensions ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_extension_past_the_plans_end_needs_a_confirmation_and_staff_a_comment(user_named):
    # A 2022 deadline of 人才强区 (ends 2024-12-31) extended to 2027-03-31: refused unconfirmed, nothing saved;
    # confirmed with its reason it is requested; staff approve it only with a comment saying why.
    milestone = milestone_led_by("区卫生健康局")
    health = user_named("liaison_health")
    occurrence = milestone.occurrences.filter(is_deadline=True, due_date__year=2022).first() or (
        milestone.occurrences.filter(is_deadline=True).first()
    )
    before = ExtensionRequest.objects.count()
    with pytest.raises(ValidationError, match="2027年3月31日晚于计划期限（2024年12月31日）"):
        reporting.request_extension(health, milestone, occurrence, date(2027, 3, 31), "场地改造")
    assert ExtensionRequest.objects.count() == before
    extension = reporting.request_extension(
        health, milestone, occurrence, date(2027, 3, 31), "场地改造，须跨计划期", beyond_plan_confirmed=True
    )
    staff = user_named("staff")
    with pytest.raises(ValidationError, match="批准时请填写审批意见"):
        reporting.review_extension(staff, extension, True, "")
    extension.refresh_from_db()
    occurrence.refresh_from_db()
    assert extension.state == "pending" and occurrence.extended_due_date is None
    reporting.review_extension(staff, extension, True, "同意，纳入下一轮计划衔接")
    occurrence.refresh_from_db()
    assert occurrence.extended_due_date == date(2027, 3, 31)


@pytest.mark.django_db
def test_an_extension_within_the_plan_needs_no_confirmation(user_named):
    # A node plan due "2023年6月" (2023-06-30) extended to 2024-12-31, the plan's last day: no confirmation asked.
    plan = Plan.objects.get(code=PLAN)
    milestone = assignment.create_milestone(user_named("staff"), plan, _input(plan, "2023年6月", lead="区卫生健康局"))
    occurrence = milestone.occurrences.get()
    extension = reporting.request_extension(
        user_named("liaison_health"), milestone, occurrence, date(2024, 12, 31), "人员调整"
    )
    assert extension.requested_due_date == date(2024, 12, 31)
