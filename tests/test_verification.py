"""核查 (issue 23, item 3), through the services: completed deadlines drawn at random (seed recorded and
repeatable), by a share per unit, or by hand; 属实 or 不实; 不实 reopens the deadline, says why in the history and
tells the lead unit. Coverage and 不实 rate per unit."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from plans.choices import MilestoneStatus
from plans.models import Notification, Occurrence, VerificationCheck, VerificationRound
from plans.verification import service
from plans.workflow import reporting
from tests.helpers import milestone_led_by, pdf_upload, submit
from units.models import Region

pytestmark = pytest.mark.django_db
HEALTH, HR = "区卫生健康局", "区人力资源和社会保障局"
DAY = date(2024, 11, 20)  # before the 区卫生健康局 node plan's deadline (2024-12-31): completed on time


def _complete(liaison, staff, milestone):
    """A 已完成 report for the first deadline, approved by staff: the deadline is met today."""
    occurrence = milestone.occurrences.filter(is_deadline=True).order_by("due_date").first()
    report = submit(liaison, milestone, status="completed", percent=100, occurrence=occurrence)
    reporting.review_report(staff, report, True, "", report.version)
    occurrence.refresh_from_db()
    assert occurrence.completed_on == DAY
    return occurrence


@pytest.fixture
def completed(user_named):
    """Two completed deadlines in 江海区: one 区卫生健康局 leads, one 区人社局 leads."""
    staff = user_named("staff")
    with time_machine.travel(DAY, tick=False):
        health = _complete(user_named("liaison_health"), staff, milestone_led_by(HEALTH))
        hr = _complete(user_named("liaison_hr"), staff, milestone_led_by(HR))
    return health, hr


JIANGHAI = {"code": "jianghai"}


def test_a_seeded_random_draw_is_recorded_and_repeatable(user_named, completed):
    staff, region = user_named("staff"), Region.objects.get(**JIANGHAI)
    data = service.DrawInput("2024年第一批", "random", seed=20241120, size=1)
    first = service.draw(staff, region, data)
    assert first.seed == 20241120 and first.checks.count() == 1
    drawn = first.checks.get().occurrence_id
    VerificationCheck.objects.filter(round=first).update(verdict="true")  # finished: back in the pool
    again = service.draw(staff, region, data)
    assert again.checks.get().occurrence_id == drawn  # the same seed over the same record: the same item
    unseeded = service.draw(staff, region, service.DrawInput("第三批", "random", size=2))
    # a new seed is drawn and kept; of the two completed deadlines one still waits in round two: one is left
    assert unseeded.seed is not None and unseeded.checks.count() == 1


def test_a_share_per_unit_takes_at_least_one_of_each_unit(user_named, completed):
    round_ = service.draw(
        user_named("staff"), Region.objects.get(**JIANGHAI), service.DrawInput("比例", "share", share=10)
    )
    assert sorted(round_.checks.values_list("unit__name", flat=True)) == sorted([HEALTH, HR])


def test_by_hand_and_bad_input(user_named, completed):
    health, _hr = completed
    staff, region = user_named("staff"), Region.objects.get(**JIANGHAI)
    for data, message in [
        (service.DrawInput("", "manual", occurrence_ids=(health.pk,)), "请填写核查批次名称"),
        (service.DrawInput("x", "random", size=0), "请填写抽取数量"),
        (service.DrawInput("x", "share", share=101), "抽取比例"),
        (service.DrawInput("x", "manual", occurrence_ids=(999999,)), "所选事项不存在"),
        (service.DrawInput("x", "other"), "抽取方式无效"),
    ]:
        with pytest.raises(ValidationError, match=message):
            service.draw(staff, region, data)
    assert not VerificationRound.objects.exists()
    round_ = service.draw(staff, region, service.DrawInput("人工", "manual", occurrence_ids=(health.pk,)))
    assert [(c.occurrence_id, c.unit.name) for c in round_.checks.all()] == [(health.pk, HEALTH)]
    with pytest.raises(ValidationError, match="所选事项不存在、尚未完成或正在核查中"):  # already waiting
        service.draw(staff, region, service.DrawInput("再选", "manual", occurrence_ids=(health.pk,)))


def test_who_may_draw(user_named, completed):
    region = Region.objects.get(**JIANGHAI)
    data = service.DrawInput("x", "random", size=1)
    for name in ("leader", "staff_np", "liaison_health"):
        with pytest.raises(ValidationError, match="只有本地区的组织部工作人员或上级督查员"):
            service.draw(user_named(name), region, data)
    assert service.draw(user_named("supervisor"), region, data).checks.count() == 1  # 江门市's 督查员


def test_false_reopens_the_deadline_and_tells_the_lead_unit(user_named, completed):
    health, hr = completed
    staff, region = user_named("staff"), Region.objects.get(**JIANGHAI)
    round_ = service.draw(staff, region, service.DrawInput("人工", "manual", occurrence_ids=(health.pk, hr.pk)))
    false_one = round_.checks.get(occurrence=health)
    with pytest.raises(PermissionDenied):
        service.record(user_named("liaison_health"), false_one, False, "x")
    with pytest.raises(ValidationError, match="核查不实时请说明情况"):
        service.record(staff, false_one, False, "  ")
    with time_machine.travel(date(2025, 1, 10), tick=False):
        service.record(
            staff, false_one, False, "实地核查：签约台账与系统数据不符", [(pdf_upload("核查记录.pdf"), "pdf")]
        )
    health.refresh_from_db()
    assert health.completed_on is None and Occurrence.objects.open_deadlines().filter(pk=health.pk).exists()
    milestone = health.milestone
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.IN_PROGRESS
    reason = "核查不实，重新打开：实地核查：签约台账与系统数据不符"
    assert milestone.history.order_by("-history_id").first().history_change_reason == reason
    assert health.history.order_by("-history_id").first().history_change_reason == reason
    told = Notification.objects.get(user=user_named("liaison_health"), event_key=f"verification:{false_one.pk}:false")
    assert told.link == f"/tasks/{milestone.pk}/"
    assert not Notification.objects.filter(user=user_named("liaison_hr"), event_key=told.event_key).exists()
    with pytest.raises(ValidationError, match="该事项已记录核查结果"):  # no second verdict
        service.record(staff, false_one, True, "")
    service.record(user_named("supervisor"), round_.checks.get(occurrence=hr), True, "")
    hr.refresh_from_db()
    assert hr.completed_on == DAY  # 属实 changes nothing
    rates = {r.unit_name: r for r in service.unit_rates(staff)}
    # 区卫生健康局: its one completed deadline (reopened, counted as completed when checked) checked, found 不实.
    assert (rates[HEALTH].completed, rates[HEALTH].checked, rates[HEALTH].false) == (1, 1, 1)
    assert (rates[HEALTH].coverage, rates[HEALTH].false_rate) == (100, 100)
    assert (rates[HR].checked, rates[HR].false, rates[HR].false_rate) == (1, 0, 0)
    assert service.unit_rates(user_named("staff_np")) == [] or HEALTH not in {
        r.unit_name for r in service.unit_rates(user_named("staff_np"))
    }


def test_the_dashboard_shows_coverage_and_the_false_rate(client_as, user_named, completed):
    health, _hr = completed
    staff, region = user_named("staff"), Region.objects.get(**JIANGHAI)
    assert 'id="verification-rates"' not in client_as("leader").get("/dashboard/").content.decode()
    round_ = service.draw(staff, region, service.DrawInput("人工", "manual", occurrence_ids=(health.pk,)))
    service.record(staff, round_.checks.get(), False, "台账不符")
    html = client_as("leader_jh").get("/dashboard/").content.decode()
    row = f'<tr><td>{HEALTH}</td><td class="text-end">1</td><td class="text-end">1</td><td class="text-end">100%</td>'
    assert 'id="verification-rates"' in html and row in html
    assert 'id="verification-rates"' not in client_as("leader_np").get("/dashboard/").content.decode()
