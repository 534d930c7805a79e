"""The progress workflow, tested through the service functions the views call."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans.choices import MilestoneStatus, Rag, ReportKind, ReportState
from plans.models import Milestone, ProgressReport
from plans.tracking import with_tracking
from plans.workflow import instructions, reporting
from talentplan.lib.versioning import StaleVersionError
from tests.helpers import milestone_led_by, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_milestone():
    """Row 34 of 000: 区人社局 leads the (国际)人才“一站式”服务平台, due 2022年12月; 区委组织部, the body text's
    lead of item 19 (000:113, plan.yaml body_leads), leads with it."""
    milestone = Milestone.objects.get(plan__code="jianghai-rcqq-2022", position=34)
    assert milestone.due_text == "2022年12月"
    assert [(a.unit.name, a.role) for a in milestone.assignments.all()] == [
        ("区人力资源和社会保障局", "lead"),
        ("区政务服务数据管理局", "responsible"),
        ("区委组织部", "lead"),
    ]
    return milestone


def test_lead_units_report_goes_to_review_and_co_units_input_goes_to_the_lead(user_named):
    milestone = Milestone.objects.get(plan__code="jianghai-rcqq-2022", position=2)  # 区委组织部 leads, 区人社局 co
    input_report = submit(user_named("liaison_hr"), milestone)
    assert (input_report.kind, input_report.state) == (ReportKind.INPUT, ReportState.SHARED)
    lead_milestone = milestone_led_by("区人力资源和社会保障局")
    report = submit(user_named("liaison_hr"), lead_milestone)
    assert (report.kind, report.state) == (ReportKind.CONSOLIDATED, ReportState.SUBMITTED)


def test_status_changes_only_on_approval(user_named):
    milestone = milestone_led_by("区人力资源和社会保障局")
    occurrence = milestone.occurrences.first()
    report = submit(
        user_named("liaison_hr"), milestone, status=MilestoneStatus.COMPLETED, percent=100, occurrence=occurrence
    )
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.NOT_STARTED
    reporting.review_report(user_named("staff"), report, approve=True, comment="", version=report.version)
    milestone.refresh_from_db()
    occurrence.refresh_from_db()
    assert (milestone.status, milestone.percent) == (MilestoneStatus.COMPLETED, 100)
    assert occurrence.completed_on is not None


def test_return_needs_a_comment_and_resubmission_goes_back_to_review(user_named):
    milestone = milestone_led_by("区人力资源和社会保障局")
    report = submit(user_named("liaison_hr"), milestone)
    with pytest.raises(ValidationError, match="退回时请填写退回意见"):
        reporting.review_report(user_named("staff"), report, approve=False, comment=" ", version=report.version)
    returned = reporting.review_report(user_named("staff"), report, False, "请补充佐证材料", report.version)
    assert returned.state == ReportState.RETURNED
    data = reporting.ReportInput(status="in_progress", percent=60, narrative="已补充材料。")
    again = reporting.resubmit_report(user_named("liaison_hr"), returned, data, returned.version)
    assert (again.state, again.percent) == (ReportState.SUBMITTED, 60)
    assert [h.narrative for h in again.history.order_by("history_date")][0] == "按计划推进。"  # the first text is kept


def test_a_stale_version_is_refused_and_the_first_save_survives(user_named):
    milestone = milestone_led_by("区人力资源和社会保障局")
    report = submit(user_named("liaison_hr"), milestone)
    stale_version = report.version
    reporting.review_report(user_named("staff"), report, False, "第一位审核人的意见", stale_version)
    with pytest.raises(StaleVersionError, match="已被他人修改"):
        reporting.review_report(user_named("staff"), report, True, "", stale_version)
    report.refresh_from_db()
    assert (report.state, report.review_comment) == (ReportState.RETURNED, "第一位审核人的意见")
    milestone.refresh_from_db()
    version = milestone.version
    reporting.update_status(user_named("staff"), milestone, MilestoneStatus.IN_PROGRESS, 30, version, "")
    with pytest.raises(StaleVersionError):
        reporting.update_status(user_named("staff"), milestone, MilestoneStatus.LAGGING, 10, version, "")
    milestone.refresh_from_db()
    assert (milestone.status, milestone.percent) == (MilestoneStatus.IN_PROGRESS, 30)


def test_leaders_and_other_units_cannot_report(user_named):
    milestone = milestone_led_by("区卫生健康局")
    with pytest.raises(Milestone.DoesNotExist):
        submit(user_named("liaison_hr"), milestone)
    with pytest.raises(PermissionDenied):  # a leader sees the node plan, so it is a refusal, not "not found"
        submit(user_named("leader"), milestone)
    with pytest.raises(PermissionDenied):
        instructions.give_instruction(user_named("staff"), milestone, "请抓紧")
    assert ProgressReport.objects.count() == 0


def test_approved_extension_moves_the_deadline_and_keeps_the_original(user_named, hr_milestone):
    occurrence = hr_milestone.occurrences.get()
    assert occurrence.due_date == date(2022, 12, 31)
    with pytest.raises(ValidationError, match="应晚于当前截止日期"):
        reporting.request_extension(user_named("liaison_hr"), hr_milestone, occurrence, date(2022, 6, 30), "原因")
    extension = reporting.request_extension(
        user_named("liaison_hr"), hr_milestone, occurrence, date(2023, 6, 30), "选址调整"
    )
    reporting.review_extension(user_named("staff"), extension, True, "同意")
    occurrence.refresh_from_db()
    assert (occurrence.due_date, occurrence.effective_due_date) == (date(2022, 12, 31), date(2023, 6, 30))
    with pytest.raises(ValidationError, match="已审批"):
        reporting.review_extension(user_named("staff"), extension, False, "理由")


def _rag(milestone, today):
    return with_tracking(Milestone.objects.filter(pk=milestone.pk), today).get().rag


def test_rag_rule(user_named, hr_milestone):
    due = date(2022, 12, 31)
    assert _rag(hr_milestone, due - timedelta(days=30)) == Rag.GREEN
    assert _rag(hr_milestone, due - timedelta(days=7)) == Rag.YELLOW  # due within 7 days, nothing approved
    assert _rag(hr_milestone, due) == Rag.YELLOW
    assert _rag(hr_milestone, due + timedelta(days=1)) == Rag.RED  # overdue
    occurrence = hr_milestone.occurrences.get()
    report = submit(user_named("liaison_hr"), hr_milestone, occurrence=occurrence)
    reporting.review_report(user_named("staff"), report, True, "", report.version)
    assert _rag(hr_milestone, due - timedelta(days=3)) == Rag.GREEN  # an approved report for this deadline
    hr_milestone.refresh_from_db()
    reporting.override_rag(user_named("staff"), hr_milestone, Rag.RED, "资金未落实", hr_milestone.version)
    assert _rag(hr_milestone, due - timedelta(days=30)) == Rag.RED
    hr_milestone.refresh_from_db()
    assert hr_milestone.history.first().history_change_reason == "指定灯色：资金未落实"


def test_lagging_is_red_and_paused_is_grey(user_named, hr_milestone):
    reporting.update_status(user_named("staff"), hr_milestone, MilestoneStatus.LAGGING, 10, hr_milestone.version, "")
    assert _rag(hr_milestone, date(2023, 1, 1)) == Rag.RED
    hr_milestone.refresh_from_db()
    reporting.update_status(user_named("staff"), hr_milestone, MilestoneStatus.PAUSED, 10, hr_milestone.version, "")
    assert _rag(hr_milestone, date(2025, 1, 1)) == Rag.GREY


def test_overriding_the_light_needs_a_reason(user_named, hr_milestone):
    with pytest.raises(ValidationError, match="必须填写理由"):
        reporting.override_rag(user_named("staff"), hr_milestone, Rag.GREEN, "", hr_milestone.version)


def _queries_during(action):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured.captured_queries]


def test_a_decision_writes_only_the_fields_it_changes_and_asks_access_once(user_named, hr_milestone, monkeypatch):
    """An approval, a status change and a light override change no searched text: the node plan's stored
    search text is not rebuilt (it was, 4 of an approval's 32 queries), and the review asks plans.access once."""
    from plans import access

    report = submit(user_named("liaison_hr"), hr_milestone, status=MilestoneStatus.IN_PROGRESS, percent=50)
    staff, searched = user_named("staff"), hr_milestone.search_text
    asked = []
    original = access.require
    monkeypatch.setattr(access, "require", lambda *args, **kwargs: asked.append(args[1]) or original(*args, **kwargs))
    sql = _queries_during(lambda: reporting.review_report(staff, report, True, "", report.version))
    assert asked == ["review"]
    hr_milestone.refresh_from_db()
    assert (hr_milestone.status, hr_milestone.percent) == (MilestoneStatus.IN_PROGRESS, 50)
    version = hr_milestone.version
    sql += _queries_during(lambda: reporting.update_status(staff, hr_milestone, "lagging", 50, version, "滞后"))
    sql += _queries_during(lambda: reporting.override_rag(staff, hr_milestone, Rag.RED, "专项督查", version + 1))
    assert not [q for q in sql if q.startswith("UPDATE") and "search_text" in q.split(" WHERE ")[0]]
    assert not [q for q in sql if "plans_unitalias" in q or "units_unitalias" in q]  # the rebuild's reads
    hr_milestone.refresh_from_db()
    assert (hr_milestone.status, hr_milestone.rag_override, hr_milestone.version) == ("lagging", Rag.RED, version + 2)
    assert hr_milestone.search_text == searched and hr_milestone.text in searched
