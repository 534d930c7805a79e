"""Smaller points (issue 10, item 9): only a lead unit requests an extension; a co-unit's input goes to and
names the actual lead unit. The node plan is tests.small_plan's third: led by 区人力资源和社会保障局, with
区卫生健康局 co-responsible, due 2024-06-30."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from plans.models import ExtensionRequest, Notification
from plans.workflow import reporting
from tests.small_plan import build_small_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_task():
    return build_small_plan("lead-test", texts=("甲", "乙", "区人社局牵头、区卫健局配合的事项"))[2]


def test_a_co_responsible_unit_cannot_request_an_extension(shared_task, client_as, user_named):
    occurrence = shared_task.occurrences.get()
    with time_machine.travel(date(2024, 6, 1), tick=False):
        client = client_as("liaison_health")
        page = client.get(f"/tasks/{shared_task.pk}/").content.decode()
        assert "反馈进展（送牵头单位汇总）" in page  # the co-unit still reports its input...
        assert 'id="extension-form"' not in page and "提交延期申请" not in page  # ...but sees no extension button
        response = client.post(
            f"/tasks/{shared_task.pk}/extension/",
            {"occurrence": occurrence.pk, "requested_due_date": "2024-09-30", "reason": "配合单位想延期"},
        )
        assert response.status_code == 403
        assert "只有牵头单位可以申请延期" in response.content.decode()
        with pytest.raises(PermissionDenied, match="只有牵头单位可以申请延期"):
            reporting.request_extension(user_named("liaison_health"), shared_task, occurrence, date(2024, 9, 30), "x")
        assert not ExtensionRequest.objects.filter(milestone=shared_task).exists()


def test_the_lead_unit_can_request_an_extension(shared_task, client_as):
    occurrence = shared_task.occurrences.get()
    with time_machine.travel(date(2024, 6, 1), tick=False):
        client = client_as("liaison_hr")
        assert "提交延期申请" in client.get(f"/tasks/{shared_task.pk}/").content.decode()
        response = client.post(
            f"/tasks/{shared_task.pk}/extension/",
            {"occurrence": occurrence.pk, "requested_due_date": "2024-09-30", "reason": "需要更多时间"},
        )
        assert response.status_code == 302
    extension = ExtensionRequest.objects.get(milestone=shared_task)
    assert (extension.unit.name, extension.requested_due_date) == ("区人力资源和社会保障局", date(2024, 9, 30))


def test_co_unit_input_goes_to_and_names_the_lead_unit(shared_task, client_as, user_named):
    with time_machine.travel(date(2024, 6, 1), tick=False):
        response = client_as("liaison_health").post(
            f"/tasks/{shared_task.pk}/report/",
            {"occurrence": "", "status": "in_progress", "percent": 30, "narrative": "本单位已完成摸底。"},
            follow=True,
        )
    messages = [str(m) for m in response.context["messages"]]
    assert "已将本单位（区卫生健康局）的反馈送交牵头单位（区人力资源和社会保障局）汇总。" in messages
    report = shared_task.reports.get()
    assert (report.kind, report.state, report.unit.name) == ("input", "shared", "区卫生健康局")
    to_lead = Notification.objects.get(user=user_named("liaison_hr"))
    assert "区卫生健康局" in to_lead.title and "区人力资源和社会保障局" in to_lead.body
    assert to_lead.link == f"/tasks/{shared_task.pk}/#report-{report.pk}"
    assert not Notification.objects.filter(user=user_named("liaison_health")).exists()
    assert not Notification.objects.filter(user=user_named("liaison_lile")).exists()
