"""The pages of the daily loop: nav counts (with a fixed number of queries), 通知 read singly or all at
once, 通知方式, 催办 from a task and from the league table, and the 批示 page (反馈, 办结, 退回)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.choices import InstructionState
from plans.context_processors import nav_counts
from plans.models import Chase, Instruction, InstructionReply, Notification, NotificationPreference
from plans.workflow import chasing, instructions
from tests.helpers import PDF_BYTES, milestone_led_by, pdf_upload, submit
from units.models import Unit

pytestmark = pytest.mark.django_db
HR = "区人力资源和社会保障局"


def _resolved_counts(request):
    with CaptureQueriesContext(connection) as queries:
        counts = {name: value() for name, value in nav_counts(request).items()}
    return counts, len(queries.captured_queries)


@pytest.mark.parametrize("extra", [0, 25])
def test_nav_counts_take_a_fixed_number_of_queries(rf, user_named, extra):
    staff, liaison = user_named("staff"), user_named("liaison_hr")
    milestones = [milestone_led_by(HR)]
    for _ in range(extra):
        chasing.chase_unit(staff, Unit.objects.get(name=HR))  # one 通知 each for 区人社局's liaison
    for milestone in milestones:
        submit(liaison, milestone)
    request = rf.get("/")
    request.user = user_named("staff")  # fresh from the database, as in a request
    user_role_query = 1  # the role is read once per request, then cached on the user
    counts, queries = _resolved_counts(request)
    # One submitted report waits; no extension was requested.
    assert counts == {"nav_unread": 1, "nav_pending": 1}  # staff's one line: the submitted report
    # One COUNT each: unread 通知, and the queue's reports, extensions and indicator entries; the queue keeps to
    # the regions where staff act, read once per request (units.roles.region_access: memberships, region tree).
    region_queries = 2
    assert queries == user_role_query + region_queries + 4
    request.user = user_named("liaison_hr")
    counts, queries = _resolved_counts(request)
    assert counts == {"nav_unread": extra}
    assert queries == user_role_query + 1


def test_nav_shows_the_counts(client_as, user_named):
    milestone = milestone_led_by(HR)
    submit(user_named("liaison_hr"), milestone)
    chasing.chase_milestone(user_named("staff"), milestone, "请抓紧")
    page = client_as("staff").get("/tasks/").content.decode()
    assert 'aria-label="1 项待审核"' in page
    page = client_as("liaison_hr").get("/my/").content.decode()
    assert 'aria-label="1 条未读"' in page


def test_the_notifications_page_queries_do_not_grow_with_its_rows(client_as, user_named):
    client = client_as("liaison_hr")
    hr = Unit.objects.get(name=HR)
    chasing.chase_unit(user_named("staff"), hr)
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    for _ in range(15):
        chasing.chase_unit(user_named("staff"), hr)
    with CaptureQueriesContext(connection) as many:
        client.get("/notifications/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_read_one_then_all(client_as, user_named):
    hr = Unit.objects.get(name=HR)
    for message in ("第一次", "第二次", "第三次"):
        chasing.chase_unit(user_named("staff"), hr, message)
    client = client_as("liaison_hr")
    first = Notification.objects.filter(user__username="liaison_hr").order_by("pk").first()
    response = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == first.link
    assert Notification.objects.filter(user__username="liaison_hr", read_at__isnull=True).count() == 2
    client.post("/notifications/read/")
    assert Notification.objects.filter(user__username="liaison_hr", read_at__isnull=True).count() == 0


def test_notification_lines_are_one_line_with_a_link(client_as, user_named):
    milestone = milestone_led_by(HR)
    chasing.chase_milestone(user_named("staff"), milestone, "请本周内报送\n进展")
    page = client_as("liaison_hr").get("/notifications/").content.decode()
    assert "请本周内报送 进展" in page  # the message's line break is folded into the one line
    assert f'action="/notifications/{Notification.objects.get().pk}/read/"' in page


def test_preference_is_saved_and_a_bad_choice_is_refused(client_as, user_named):
    client = client_as("liaison_hr")
    assert "站内通知 + 邮件" in client.get("/notifications/settings/").content.decode()
    assert client.post("/notifications/settings/", {"notify_by": "sms"}).status_code == 400
    assert not NotificationPreference.objects.exists()
    client.post("/notifications/settings/", {"notify_by": "in_app"})
    assert NotificationPreference.objects.get().notify_by == "in_app"


def test_chase_from_the_task_page_is_recorded_on_its_history_and_sent_once(client_as, user_named):
    milestone = milestone_led_by(HR)
    client = client_as("staff")
    page = client.get(f"/tasks/{milestone.pk}/").content.decode()
    assert 'name="key"' in page
    data = {"message": "请本周内报送进展", "key": "k-1"}
    client.post(f"/tasks/{milestone.pk}/chase/", data)
    response = client.post(f"/tasks/{milestone.pk}/chase/", data, follow=True)  # a double click
    assert "未重复发送" in response.content.decode()
    assert Chase.objects.count() == 1
    page = client.get(f"/tasks/{milestone.pk}/").content.decode()
    assert "催办" in page and "请本周内报送进展" in page  # the timeline entry
    too_long = client.post(f"/tasks/{milestone.pk}/chase/", {"message": "催" * 301, "key": "k-2"}, follow=True)
    assert "不能超过 300 字" in too_long.content.decode() and Chase.objects.count() == 1


def test_league_table_counts_chases_and_links_to_them(client_as, user_named):
    hr = Unit.objects.get(name=HR)
    client = client_as("staff")
    client.post(f"/units/{hr.pk}/chase/", {"message": "请抓紧", "key": "a"})
    client.post(f"/units/{hr.pk}/chase/", {"message": "再次催办", "key": "b"})
    page = client.get("/dashboard/").content.decode()
    assert "催办次数" in page and f'href="/chases/?unit={hr.pk}">2</a>' in page
    listing = client.get(f"/chases/?unit={hr.pk}").content.decode()
    assert "请抓紧" in listing and "再次催办" in listing and "共 2 次" in listing
    assert client_as("leader").get("/dashboard/").content.decode().count("/chase/") == 0  # leaders cannot chase


def test_instruction_loop_through_the_pages(client_as, user_named):
    milestone = milestone_led_by(HR)
    leader = client_as("leader")
    leader.post(f"/tasks/{milestone.pk}/instruction/", {"text": "请加快推进。", "reply_by": "2099-01-31"})
    instruction = Instruction.objects.get()
    assert [u.name for u in instruction.units.all()] == [HR]
    assert f"/instructions/{instruction.pk}/" in leader.get("/dashboard/").content.decode()

    liaison = client_as("liaison_hr")
    assert f"/instructions/{instruction.pk}/" in liaison.get("/my/").content.decode()
    assert Notification.objects.get(user__username="liaison_hr").read_at is None
    liaison.get(f"/instructions/{instruction.pk}/")
    assert Notification.objects.get(user__username="liaison_hr").read_at is not None  # opened: read
    bad = liaison.post(
        f"/instructions/{instruction.pk}/reply/", {"text": "见附件", "files": [pdf_upload("方案.pdf", b"not a pdf")]}
    )
    assert bad.status_code == 400 and "内容不是允许的类型" in bad.content.decode()
    assert not InstructionReply.objects.exists()
    liaison.post(f"/instructions/{instruction.pk}/reply/", {"text": "已部署。", "files": [pdf_upload("方案.pdf")]})
    attachment = InstructionReply.objects.get().files.get()
    assert b"".join(liaison.get(f"/instruction-files/{attachment.pk}/").streaming_content) == PDF_BYTES

    staff = client_as("staff")
    refused = staff.post(f"/instructions/{instruction.pk}/decide/", {"decision": "return", "version": 2})
    assert refused.status_code == 400 and "请说明还需办理的内容" in refused.content.decode()
    staff.post(f"/instructions/{instruction.pk}/decide/", {"decision": "done", "version": 2})
    instruction.refresh_from_db()
    assert instruction.state == InstructionState.DONE
    assert f"/instructions/{instruction.pk}/" not in liaison.get("/my/").content.decode()  # no longer open
    assert liaison.post(f"/instructions/{instruction.pk}/reply/", {"text": "补充"}).status_code == 403


def test_instruction_addressed_to_a_unit_not_on_the_task_is_visible_to_that_unit_only(client_as, user_named):
    milestone = milestone_led_by(HR)
    health = Unit.objects.get(name="区卫生健康局")
    assert not milestone.assignments.filter(unit=health).exists()
    instruction = instructions.give_instruction(user_named("leader"), milestone, "请卫健局配合。", [health])
    health_client = client_as("liaison_health")
    assert health_client.get(f"/instructions/{instruction.pk}/").status_code == 200
    assert health_client.get(f"/tasks/{milestone.pk}/").status_code == 404  # the task itself stays out of scope
    assert client_as("liaison_lile").get(f"/instructions/{instruction.pk}/").status_code == 404
