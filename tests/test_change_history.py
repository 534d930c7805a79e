"""Every change to status, reports, dates, units or overrides is recorded and shown on the detail page."""

import pytest
from django.urls import reverse

from plans.models import MilestoneUnit
from plans.workflow import reporting
from tests.helpers import milestone_led_by, submit

pytestmark = pytest.mark.django_db


def test_detail_page_shows_who_changed_what(client_as, user_named):
    milestone = milestone_led_by("区人力资源和社会保障局")
    report = submit(user_named("liaison_hr"), milestone, narrative="第一稿")
    reporting.review_report(user_named("staff"), report, False, "请补充数据", report.version)
    report.refresh_from_db()
    data = reporting.ReportInput(
        status="completed", percent=100, narrative="第二稿", occurrence=milestone.occurrences.first()
    )
    reporting.resubmit_report(user_named("liaison_hr"), report, data, report.version)
    report.refresh_from_db()
    reporting.review_report(user_named("staff"), report, True, "", report.version)
    milestone.refresh_from_db()
    reporting.override_rag(user_named("staff"), milestone, "yellow", "需关注资金", milestone.version)
    assignment = MilestoneUnit.objects.filter(milestone=milestone).first()
    assignment.role = "responsible"
    assignment.save()

    body = client_as("staff").get(reverse("plans:milestone", args=[milestone.pk])).content.decode()
    for text in [
        "退回",
        "审核通过",
        "修改后重新报送",
        "第一稿",
        "第二稿",
        "指定灯色：需关注资金",
        "责任单位",
        "已完成",
        "liaison_hr",
        "staff",
    ]:
        assert text in body, text
