"""Every workflow notification: triggered through the real service, then checked for who received it, on
which channel (in-app 通知, e-mail through Django's locmem outbox, a unit's robot on the loopback robot
server), and that it went out exactly once (the real Outbox rows, sent as the transaction commits)."""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from plans.choices import NotifyBy, UnitRole
from plans.models import Notification, NotificationPreference, Occurrence, Outbox, ReminderSettings
from plans.notifications import notices
from plans.notifications.due import plan_digests
from plans.notifications.outbox import record_digests
from plans.workflow import chasing, instructions, reporting, year_close
from tests.conftest import USERS
from tests.helpers import milestone_led_by, pdf_upload, submit
from units.accounts import create_user
from units.models import Unit

pytestmark = pytest.mark.django_db
HR = "区人力资源和社会保障局"


@pytest.fixture
def people(user_named):
    """Every named user with an e-mail address (name@example.test), plus a staff member of 南平."""
    for name in USERS:
        user = user_named(name)
        user.email = f"{name}@example.test"
        user.save(update_fields=["email"])
    staff_np = create_user("staff_np", "staff", ["市人社局"], full_name="南平组织部")
    staff_np.email = "staff_np@example.test"
    staff_np.save(update_fields=["email"])
    return user_named


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Run a service and let its transaction's on_commit callbacks (the sending) run, as in a request."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def received(kind) -> dict:
    """{username: [channels]} for one kind: 'app' for the in-app line, and each outbox row's channel."""
    result = {}
    for n in Notification.objects.filter(kind=kind).select_related("user"):
        result.setdefault(n.user.username, []).append("app")
    for row in Outbox.objects.filter(kind=kind).select_related("user", "unit"):
        who = row.user.username if row.user else f"robot:{row.unit.name}"
        result.setdefault(who, []).append(row.channel)
    return {who: sorted(channels) for who, channels in result.items()}


def mails_to(address) -> list[str]:
    return [m.subject for m in mail.outbox if address in m.to]


def test_submitted_reaches_staff_of_the_plans_region_once(people, now):
    milestone = milestone_led_by(HR)
    report = now(submit, people("liaison_hr"), milestone)
    # 江海区's plan: staff with 管理 in 江海区 hear ("staff" and "staff_jh" in conftest.USERS); 南平's staff member,
    # the 江门市 督查员 (只读 through the parent region) and the superuser (no membership) do not.
    assert received("submitted") == {"staff": ["app", "email"], "staff_jh": ["app", "email"]}
    assert mails_to("staff@example.test") == [f"{HR}报送了“{notices.one_line(milestone.text)}”的进展，待审核"]
    line = Notification.objects.get(kind="submitted", user__username="staff")
    assert line.link == f"/tasks/{milestone.pk}/#report-{report.pk}" and "\n" not in line.title
    assert set(Outbox.objects.filter(kind="submitted").values_list("status", flat=True)) == {"sent"}


def test_a_resubmission_is_a_new_event(people, now):
    milestone = milestone_led_by(HR)
    report = now(submit, people("liaison_hr"), milestone)
    now(reporting.review_report, people("staff"), report, False, "请补充数据", report.version)
    report.refresh_from_db()
    data = reporting.ReportInput(status="in_progress", percent=50, narrative="已补充。")
    now(reporting.resubmit_report, people("liaison_hr"), report, data, report.version)
    assert Counter(Notification.objects.filter(kind="submitted").values_list("user__username", flat=True)) == {
        "staff": 2,
        "staff_jh": 2,
    }
    assert len(mails_to("staff@example.test")) == 2


def test_returned_and_approved_reach_the_reporting_units_liaisons(people, now):
    milestone = milestone_led_by(HR)
    report = now(submit, people("liaison_hr"), milestone)
    now(reporting.review_report, people("staff"), report, False, "请补充征求意见的范围", report.version)
    assert received("returned") == {"liaison_hr": ["app", "email"]}
    assert mails_to("liaison_hr@example.test") == [
        f"“{notices.one_line(milestone.text)}”的进展报告被退回：请补充征求意见的范围"
    ]
    report.refresh_from_db()
    data = reporting.ReportInput(status="in_progress", percent=80, narrative="已补充。")
    now(reporting.resubmit_report, people("liaison_hr"), report, data, report.version)
    report.refresh_from_db()
    now(reporting.review_report, people("staff"), report, True, "", report.version)
    assert received("approved") == {"liaison_hr": ["app", "email"]}
    assert Notification.objects.get(kind="approved").link == f"/tasks/{milestone.pk}/"


def test_the_same_event_twice_is_recorded_and_sent_once(people, now):
    milestone = milestone_led_by(HR)
    report = now(submit, people("liaison_hr"), milestone)
    report = now(reporting.review_report, people("staff"), report, True, "", report.version)
    now(notices.report_reviewed, report)  # e.g. a retried task calling the service again
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        now(notices.report_reviewed, report)  # and on another day: the outbox's date is not part of "the same"
    assert received("approved") == {"liaison_hr": ["app", "email"]}
    assert len(mails_to("liaison_hr@example.test")) == 1


def test_extension_decided_reaches_the_requesting_units_liaisons(people, now):
    milestone = milestone_led_by(HR)
    occurrence = milestone.occurrences.filter(is_deadline=True).first()
    new_date = occurrence.due_date.replace(year=occurrence.due_date.year + 1)
    extension = now(reporting.request_extension, people("liaison_hr"), milestone, occurrence, new_date, "人员调整")
    # the request waits in the queue of 江海区's staff ("staff" and "staff_jh" act there)
    assert received("submitted") == {"staff": ["app", "email"], "staff_jh": ["app", "email"]}
    now(reporting.review_extension, people("staff"), extension, True, "")
    assert received("extension_decided") == {"liaison_hr": ["app", "email"]}
    expected_date = f"{new_date.year}年{new_date.month}月{new_date.day}日"
    assert mails_to("liaison_hr@example.test") == [
        f"“{notices.one_line(milestone.text)}”的延期申请已批准，新的截止日期为{expected_date}"
    ]


def test_instruction_reaches_the_lead_units_liaisons_by_default(people, now):
    milestone = milestone_led_by(HR)
    instruction = now(instructions.give_instruction, people("leader"), milestone, "请加快推进。")
    assert [u.name for u in instruction.units.all()] == [HR]
    assert received("instruction") == {"liaison_hr": ["app", "email"]}
    assert Notification.objects.get(kind="instruction").link == f"/instructions/{instruction.pk}/"


def test_instruction_addressed_to_another_unit_reaches_only_that_unit(people, now):
    milestone = milestone_led_by(HR)
    health = Unit.objects.get(name="区卫生健康局")
    reply_by = timezone.localdate() + timedelta(days=10)
    now(instructions.give_instruction, people("leader"), milestone, "请卫健局配合。", [health], reply_by)
    assert received("instruction") == {"liaison_health": ["app", "email"]}
    assert "请于" in Notification.objects.get(kind="instruction").title


def test_reply_reaches_staff_and_the_leader_then_done_and_returned_reach_the_unit(people, now):
    milestone = milestone_led_by(HR)
    instruction = now(instructions.give_instruction, people("leader"), milestone, "请加快推进。")
    now(instructions.reply, people("liaison_hr"), instruction, "已部署。", [(pdf_upload(), "pdf")])
    assert received("instruction_reply") == {
        "leader": ["app", "email"],
        "staff": ["app", "email"],
        "staff_jh": ["app", "email"],
    }
    instruction.refresh_from_db()
    now(instructions.decide, people("staff"), instruction, False, "请补充时间表", instruction.version)
    assert received("instruction_decided") == {"liaison_hr": ["app", "email"]}
    instruction.refresh_from_db()
    now(instructions.reply, people("liaison_hr"), instruction, "时间表见附件。")
    instruction.refresh_from_db()
    now(instructions.decide, people("staff"), instruction, True, "", instruction.version)
    # 退回 went to the unit; 办结 went to the unit and the leader: one line each, no more.
    assert received("instruction_decided") == {
        "leader": ["app", "email"],
        "liaison_hr": ["app", "app", "email", "email"],
    }


def test_chase_reaches_the_units_liaisons_and_its_robot_once_even_on_a_double_click(people, now, robot_server):
    milestone = milestone_led_by(HR)
    hr_unit = Unit.objects.get(name=HR)
    ReminderSettings.objects.create(unit=hr_unit, webhook_enabled=True, webhook_url=robot_server.wecom_url)
    NotificationPreference.objects.create(user=people("liaison_hr"), notify_by=NotifyBy.ROBOT)
    key = chasing.new_request_key()
    first = now(chasing.chase_milestone, people("staff"), milestone, "请本周内报送进展", key)
    second = now(chasing.chase_milestone, people("staff"), milestone, "请本周内报送进展", key)
    assert len(first) == 1 and second == []
    assert received("chase") == {"liaison_hr": ["app", "email"], f"robot:{HR}": ["webhook"]}
    posted = robot_server.state.accepted_on("wecom")
    assert len(posted) == 1 and "请本周内报送进展" in posted[0]["markdown"]["content"]
    assert Outbox.objects.get(kind="chase", channel="webhook").status == "sent"


def test_a_dingtalk_units_robot_gets_the_event_in_dingtalks_format_signed(people, now, robot_server):
    """Workflow events used to go to every robot as the plain webhook (企业微信's format, unsigned), which a
    钉钉 robot refuses (40035 missing markdown.text; 310000 with 加签): each unit's robot speaks its protocol."""
    hr_unit = Unit.objects.get(name=HR)
    secret = "SECright-secret-0123456789abcdef"
    robot_server.state.dingtalk_secret = secret
    ReminderSettings.objects.create(
        unit=hr_unit,
        webhook_enabled=True,
        robot_channel="dingtalk",
        webhook_url=robot_server.dingtalk_url,
        robot_secret=secret,
    )
    NotificationPreference.objects.create(user=people("liaison_hr"), notify_by=NotifyBy.ROBOT)
    now(chasing.chase_milestone, people("staff"), milestone_led_by(HR), "请本周内报送进展")
    assert received("chase") == {"liaison_hr": ["app", "email"], f"robot:{HR}": ["dingtalk"]}
    posted = robot_server.state.accepted_on("dingtalk")
    assert len(posted) == 1 and "请本周内报送进展" in posted[0]["markdown"]["title"]
    assert Outbox.objects.get(kind="chase", channel="dingtalk").status == "sent"


def test_preferences_in_app_only_and_robot_without_a_configured_robot(people, now):
    NotificationPreference.objects.create(user=people("liaison_hr"), notify_by=NotifyBy.IN_APP)
    NotificationPreference.objects.create(user=people("liaison_health"), notify_by=NotifyBy.ROBOT)
    now(chasing.chase_unit, people("staff"), Unit.objects.get(name=HR))
    now(chasing.chase_unit, people("staff"), Unit.objects.get(name="区卫生健康局"))
    assert received("chase") == {"liaison_hr": ["app"], "liaison_health": ["app", "email"]}  # no robot set up


def test_a_failing_robot_is_visible_on_the_reminder_log(people, now, robot_server, client_as):
    hr_unit = Unit.objects.get(name=HR)
    ReminderSettings.objects.create(unit=hr_unit, webhook_enabled=True, webhook_url=robot_server.wecom_url)
    NotificationPreference.objects.create(user=people("liaison_hr"), notify_by=NotifyBy.ROBOT)
    robot_server.state.mode = "error500"
    now(chasing.chase_unit, people("staff"), hr_unit, "请抓紧")
    row = Outbox.objects.get(kind="chase", channel="webhook")
    assert row.status == "failed" and "500" in row.last_error
    page = client_as("staff").get("/reminders/").content.decode()
    assert "发送失败" in page and row.last_error in page
    assert Outbox.objects.get(kind="chase", channel="email").status == "sent"  # e-mail is unaffected


def test_year_close_tells_each_lead_unit_its_counts_and_leaders_the_totals(people, now):
    plan_code = "jianghai-rcqq-2022"
    plan = milestone_led_by(HR, plan_code).plan
    # Nothing was reported in this test, so every 2022 deadline led by 区人社局 is closed as missed.
    hr_deadlines = Occurrence.objects.filter(
        milestone__plan=plan,
        is_deadline=True,
        due_date__year=2022,
        milestone__assignments__unit__name=HR,
        milestone__assignments__role=UnitRole.LEAD,
    ).count()
    assert hr_deadlines > 0
    closure = now(year_close.close_year, people("staff"), plan, 2022)
    line = Notification.objects.get(kind="year_closed", user__username="liaison_hr").title
    assert line.endswith(f"贵单位牵头的节点计划按期完成0项，未按期完成{hr_deadlines}项")
    leader_line = Notification.objects.get(kind="year_closed", user__username="leader").title
    assert leader_line.endswith(f"按期完成0项，未按期完成{closure.missed_count}项")
    assert (
        Counter(r["user__username"] for r in Outbox.objects.filter(kind="year_closed").values("user__username"))[
            "liaison_hr"
        ]
        == 1
    )


def test_instruction_reply_date_is_reminded_7_and_1_days_before_and_weekly_after(people, now):
    milestone = milestone_led_by(HR)
    today = timezone.localdate()
    instruction = now(
        instructions.give_instruction, people("leader"), milestone, "请报送方案。", None, today + timedelta(days=7)
    )

    def reminded(day):
        return [d.unit.name for d in plan_digests(day, ["jianghai-rcqq-2022"]) if d.kind == "instruction_due"]

    assert reminded(today) == [HR]  # 7 days before
    assert reminded(today + timedelta(days=1)) == []
    assert reminded(today + timedelta(days=6)) == [HR]  # 1 day before
    assert reminded(today + timedelta(days=8)) == []
    assert reminded(today + timedelta(days=14)) == [HR]  # a week overdue
    assert record_digests(today, ["jianghai-rcqq-2022"]).created >= 1
    assert record_digests(today, ["jianghai-rcqq-2022"]).created == 0  # the same day again: nothing new
    rows = Outbox.objects.filter(kind="instruction_due")
    assert [r.unit.name for r in rows] == [HR] and rows.get().items[0]["due"] == instruction.reply_by.isoformat()
    instruction.refresh_from_db()
    now(instructions.reply, people("liaison_hr"), instruction, "方案已报送。")
    instruction.refresh_from_db()
    now(instructions.decide, people("staff"), instruction, True, "", instruction.version)
    assert reminded(today + timedelta(days=14)) == []  # 办结 stops the reminders


def test_with_a_broker_the_rows_go_to_the_celery_task_which_sends_each_once(people, now, settings, monkeypatch):
    from plans import tasks

    settings.NOTIFY_SEND_INLINE = False
    queued = []  # stands in for the broker: what the web process hands to the worker
    monkeypatch.setattr(tasks.send_outbox_rows, "delay", lambda ids: queued.append(ids))
    now(chasing.chase_unit, people("staff"), Unit.objects.get(name=HR), "请抓紧")
    assert len(queued) == 1 and Outbox.objects.get(kind="chase").status == "pending"  # nothing sent in the request
    assert tasks.send_outbox_rows(*queued) == 1  # the worker runs the task
    assert tasks.send_outbox_rows(*queued) == 0  # a redelivered task finds the row already sent
    assert mails_to("liaison_hr@example.test") == ["组织部催办区人力资源和社会保障局牵头的逾期和临期事项：请抓紧"]


def test_a_broker_that_refuses_the_task_means_sending_in_the_request(people, now, settings, monkeypatch):
    from plans import tasks

    def refuse(ids):
        raise ConnectionRefusedError("broker down")

    settings.NOTIFY_SEND_INLINE = False
    monkeypatch.setattr(tasks.send_outbox_rows, "delay", refuse)
    now(chasing.chase_unit, people("staff"), Unit.objects.get(name=HR))
    assert Outbox.objects.get(kind="chase").status == "sent"
