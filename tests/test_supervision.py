"""督办单 (issue 23, item 1): issued numbered and coloured → 签收 → 回执 → 办结 or 退回, through the services.

The node plan 区卫生健康局 leads in the 江海 plan has one deadline, 2024年12月31日 (its period starts
2022年1月1日); the dates below are chosen against it."""

import threading
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from plans.choices import SupervisionColour, SupervisionState
from plans.models import Milestone, Notification, SupervisionNotice, SupervisionReply, SupervisionSequence
from plans.notifications.due import supervision_digests
from plans.supervision import lists, service
from plans.supervision.colour import Proposal, elapsed_percent, propose
from plans.supervision.numbering import format_number, prefix_of
from tests.helpers import milestone_led_by, pdf_upload
from units.models import Region

pytestmark = pytest.mark.django_db
HEALTH, HR = "区卫生健康局", "区人力资源和社会保障局"
AFTER_DEADLINE = date(2025, 1, 5)  # 5 days after 2024-12-31
NEAR_DEADLINE = date(2024, 12, 20)  # 11 days before it


def _issue(user, milestones, reply_by=date(2025, 1, 20), **kwargs):
    data = service.IssueInput(requirement="请于期限内完成并报送佐证材料。", reply_by=reply_by, **kwargs)
    return service.issue(user, milestones, data)


def test_elapsed_percent_is_the_share_of_the_period_passed():
    # 2026-01-01 to 2026-12-31 is 364 days; 2026-07-02 is 182 days in: half.
    assert elapsed_percent(date(2026, 1, 1), date(2026, 12, 31), date(2026, 7, 2)) == 50
    assert elapsed_percent(date(2026, 1, 1), date(2026, 12, 31), date(2025, 12, 1)) == 0
    assert elapsed_percent(date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1)) == 100


def test_the_colour_is_proposed_from_the_record():
    milestone = milestone_led_by(HEALTH)
    assert propose(milestone, AFTER_DEADLINE) == Proposal(SupervisionColour.RED, "已逾期5天（截止2024年12月31日）")
    # 11 days before the deadline, 0% reported: (2024-12-20 − 2022-01-01) / (2024-12-31 − 2022-01-01)
    # = 1084 / 1095 days = 99% of the period has passed; 0% is more than 10 points behind.
    assert propose(milestone, NEAR_DEADLINE) == Proposal(SupervisionColour.YELLOW, "完成进度0%，落后序时进度99%")
    Milestone.objects.filter(pk=milestone.pk).update(percent=95)
    milestone.refresh_from_db()
    assert propose(milestone, NEAR_DEADLINE) == Proposal(SupervisionColour.BLUE, "11天后到期（2024年12月31日）")
    Milestone.objects.filter(pk=milestone.pk).update(status="lagging")
    milestone.refresh_from_db()
    assert propose(milestone, NEAR_DEADLINE).colour == SupervisionColour.YELLOW


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_numbers_follow_the_office_pattern_per_region_and_year(user_named):
    staff = user_named("staff")
    first = _issue(staff, [milestone_led_by(HEALTH)])
    second = _issue(staff, [milestone_led_by(HR)])
    assert [n.number for n in first + second] == ["江海督〔2025〕1号", "江海督〔2025〕2号"]
    nanping = _issue(staff, [milestone_led_by("市人社局", plan_code="nanping-cjwy-2021")])
    assert nanping[0].number == "南平督〔2025〕1号"  # another region counts from 1
    with time_machine.travel(date(2026, 1, 3), tick=False):
        assert _issue(staff, [milestone_led_by(HR)], reply_by=date(2026, 2, 1))[0].number == "江海督〔2026〕1号"
    assert prefix_of(Region.objects.get(code="jiangmen")) == "江门"


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_issued_red_to_the_lead_unit_and_its_liaison_is_told(user_named):
    staff, health = user_named("staff"), user_named("liaison_health")
    [notice] = _issue(staff, [milestone_led_by(HEALTH)])
    assert (notice.unit.name, notice.colour, notice.proposed_colour) == (HEALTH, "red", "red")
    assert notice.state == SupervisionState.ISSUED and notice.issued_by == staff
    told = Notification.objects.get(user=health, event_key=f"supervision:{notice.pk}:issued")
    assert told.link == f"/supervision/{notice.pk}/"
    assert "红色督办单江海督〔2025〕1号" in told.title
    assert not Notification.objects.filter(user=user_named("liaison_hr"), event_key=told.event_key).exists()


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_a_batch_is_one_notice_per_lead_unit_and_two_leads_get_one_each(user_named):
    staff = user_named("staff")
    two_leads = (
        Milestone.objects.filter(plan__code="jianghai-rcqq-2022")
        .filter(assignments__unit__name="区委组织部", assignments__role="lead")
        .filter(assignments__unit__name="区委人才办", assignments__role="lead")
        .first()
    )
    issued = _issue(staff, [milestone_led_by(HEALTH), milestone_led_by(HR), two_leads])
    units = sorted(n.unit.name for n in issued)
    assert units == sorted([HEALTH, HR, "区委组织部", "区委人才办"])
    assert [n.serial for n in issued] == [1, 2, 3, 4]
    assert all(list(n.milestones.all()) for n in issued)


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_another_colour_needs_a_reason_and_nothing_is_issued_without_one(user_named):
    staff = user_named("staff")
    with pytest.raises(ValidationError, match="建议等级为红色督办.*调整为蓝色督办时请填写理由"):
        _issue(staff, [milestone_led_by(HEALTH)], colour="blue")
    assert not SupervisionNotice.objects.exists() and not SupervisionSequence.objects.exists()
    [notice] = _issue(staff, [milestone_led_by(HEALTH)], colour="blue", colour_reason="已说明客观原因")
    assert (notice.colour, notice.proposed_colour, notice.colour_reason) == ("blue", "red", "已说明客观原因")
    assert notice.number == "江海督〔2025〕1号"  # the refused attempt used no number


@time_machine.travel(AFTER_DEADLINE, tick=False)
@pytest.mark.parametrize(
    "change, message",
    [
        ({"requirement": "  "}, "请填写督办要求"),
        ({"reply_by": date(2025, 1, 4)}, "回执期限不能早于今天"),
        ({"colour": "purple"}, "督办等级无效"),
    ],
)
def test_bad_input_is_refused_in_chinese(user_named, change, message):
    data = {"requirement": "请推进。", "reply_by": date(2025, 1, 20)} | change
    with pytest.raises(ValidationError, match=message):
        service.issue(user_named("staff"), [milestone_led_by(HEALTH)], service.IssueInput(**data))
    assert not SupervisionNotice.objects.exists()


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_only_staff_acting_in_the_region_issue(user_named):
    milestone = milestone_led_by(HEALTH)
    for name in ("leader", "staff_np", "supervisor"):
        with pytest.raises((PermissionDenied, ValidationError)):
            _issue(user_named(name), [milestone])
    with pytest.raises(PermissionDenied):  # its own unit's node plan: seen, not theirs to supervise
        _issue(user_named("liaison_health"), [milestone])
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):  # another unit's: not even seen
        _issue(user_named("liaison_hr"), [milestone])
    assert not SupervisionNotice.objects.exists()


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_sign_reply_return_reply_close(user_named):
    staff, health = user_named("staff_jh"), user_named("liaison_health")
    [notice] = _issue(staff, [milestone_led_by(HEALTH)])
    with pytest.raises(PermissionDenied):
        service.sign(user_named("liaison_hr"), notice)
    with pytest.raises(PermissionDenied):
        service.sign(staff, notice)
    with pytest.raises(ValidationError, match="请先签收"):
        service.reply(health, notice, "已推进", "加派人手")
    notice = service.sign(health, notice)
    assert notice.state == SupervisionState.SIGNED and notice.signed_by == health and notice.signed_at
    with pytest.raises(ValidationError, match="不能重复签收"):
        service.sign(health, notice)
    with pytest.raises(ValidationError, match="请填写办理进展和整改措施"):
        service.reply(health, notice, "已推进", " ")
    answer = service.reply(health, notice, "签约率已达85%", "每周调度", [(pdf_upload(), "pdf")])
    assert answer.files.get().original_name == "进展佐证.pdf"
    assert Notification.objects.filter(user=staff, event_key=f"supervision-reply:{answer.pk}").exists()
    notice.refresh_from_db()
    assert notice.state == SupervisionState.REPLIED
    with pytest.raises(ValidationError, match="退回时请说明理由"):
        service.decide(staff, notice, False, "", notice.version)
    with pytest.raises(PermissionDenied):
        service.decide(user_named("staff_np"), notice, True, "", notice.version)
    notice = service.decide(staff, notice, False, "佐证材料不全", notice.version)
    assert notice.state == SupervisionState.RETURNED
    with pytest.raises(ValidationError, match="尚未报送回执"):
        service.decide(staff, notice, True, "", notice.version)
    service.reply(health, notice, "已补充签约台账", "每周调度")
    notice.refresh_from_db()
    notice = service.decide(staff, notice, True, "", notice.version)
    assert notice.state == SupervisionState.DONE and notice.closed_by == staff
    reasons = list(notice.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["下发督办单", "签收", f"{HEALTH}报送回执", "退回：佐证材料不全", f"{HEALTH}报送回执", "办结"]
    assert SupervisionReply.objects.filter(notice=notice).count() == 2
    with pytest.raises(PermissionDenied):  # closed: nobody acts on it any more
        service.reply(health, notice, "再报", "再报")


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_a_stale_page_cannot_close(user_named):
    staff, health = user_named("staff"), user_named("liaison_health")
    [notice] = _issue(staff, [milestone_led_by(HEALTH)])
    service.sign(health, notice)
    service.reply(health, notice, "进展", "措施")
    with pytest.raises(ValidationError, match="已被他人修改"):
        service.decide(staff, notice, True, "", 1)


def test_reminded_every_day_until_signed_then_about_the_reply_date(user_named):
    staff, health = user_named("staff"), user_named("liaison_health")
    with time_machine.travel(date(2025, 1, 5), tick=False):
        [notice] = _issue(staff, [milestone_led_by(HEALTH)], reply_by=date(2025, 1, 30))
    for day in (date(2025, 1, 6), date(2025, 1, 9), date(2025, 1, 17)):
        [digest] = supervision_digests(day)
        assert digest.unit.name == HEALTH and digest.items[0].kind == "supervision_unsigned"
        assert digest.items[0].link.endswith(f"/supervision/{notice.pk}/")
    service.sign(health, notice)
    assert supervision_digests(date(2025, 1, 9)) == []  # signed, 21 days before the reply date: quiet
    assert [d.items[0].days_left for d in supervision_digests(date(2025, 1, 23))] == [7]
    assert [d.items[0].days_left for d in supervision_digests(date(2025, 2, 6))] == [-7]  # a week overdue
    service.reply(health, notice, "进展", "措施")
    assert supervision_digests(date(2025, 2, 6)) == []  # answered: staff's turn


def test_counts_open_unsigned_and_overdue(user_named):
    staff, health = user_named("staff"), user_named("liaison_health")
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        [late] = _issue(staff, [milestone_led_by(HEALTH)], reply_by=date(2025, 1, 10))
        [signed] = _issue(staff, [milestone_led_by(HR)], reply_by=date(2025, 3, 1))
        service.sign(user_named("liaison_hr"), signed)
        [done] = _issue(staff, [milestone_led_by(HEALTH)], reply_by=date(2025, 3, 1))
        service.sign(health, done)
        service.reply(health, done, "进展", "措施")
        done.refresh_from_db()
        service.decide(staff, done, True, "", done.version)
    today = date(2025, 1, 15)  # late's reply date (1月10日) has passed; signed's (3月1日) has not
    assert lists.counts_for(staff, today) == lists.Counts(open=2, unsigned=1, overdue=1)
    assert lists.counts_for(health, today) == lists.Counts(open=1, unsigned=1, overdue=1)  # its own unit only
    assert lists.counts_for(user_named("liaison_hr"), today) == lists.Counts(open=1, unsigned=0, overdue=0)
    assert lists.counts_for(user_named("staff_np"), today) == lists.Counts(open=0, unsigned=0, overdue=0)
    assert lists.counts_for(user_named("supervisor"), today).open == 2  # 江门市 reads its child 江海区
    assert [n.pk for n in lists.listed(staff, "overdue", today)] == [late.pk]


def test_format_number():
    assert format_number(Region.objects.get(code="nanping"), 2026, 7) == "南平督〔2026〕7号"


ON_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRES, reason="需要 PostgreSQL：SQLite 一次只允许一个写事务，无法并发下发")
def test_numbers_stay_unique_when_staff_issue_at_the_same_moment(django_user_model):
    """Eight staff sessions issue the region's first 督办单 of the year at once (the sequence row does not
    exist yet, so they also race to create it): eight different numbers, 1 to 8."""
    from plans.loading.load import load_plans
    from tests.conftest import create_test_users

    if not Milestone.objects.exists():  # a transactional test starts from a flushed database
        load_plans()
        create_test_users()
    staff = django_user_model.objects.get(username="staff")
    milestone = milestone_led_by(HEALTH)
    start, errors = threading.Barrier(8), []

    def issue_one():
        try:
            start.wait(10)
            _issue(staff, [milestone], reply_by=date(2099, 1, 1))
        except Exception as exc:  # reported below: the test fails with it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    serials = sorted(SupervisionNotice.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 9))
    assert SupervisionSequence.objects.get().last_number == 8
