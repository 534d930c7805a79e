"""Robots are paced to their published limit (20 a minute per robot, shared by every worker through the database),
a rate-limit answer backs the whole robot off until its window has passed, and nothing is posted to it inside
that window. The drill runs against the local robot peer (tests/peers.py) with a moved clock (time-machine): no
real sleeping.

Reproduce the drill's figures: .venv/bin/python -m pytest tests/test_robot_pacing.py -q -s -k drill"""

import json
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from plans.models import Outbox, OutboxStatus, RobotPace
from plans.notifications import outbox as outbox_service
from plans.notifications import pacing

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def robot_rows(url, channel, count):
    return [
        Outbox.objects.create(
            recipient_key=f"unit:{9000 + n}", channel=channel, date=date(2026, 3, 2), kind="unit_digest",
            recipients=[url], subject=f"第 {n} 个单位的节点计划到期提醒", body_text="正文", items=[],
        )
        for n in range(count)
    ]  # fmt: skip


def post_directly(url, times):
    """Another system posting to the same robot: its messages count in the robot's minute as well."""
    body = json.dumps({"msgtype": "text", "text": {"content": "其他系统的消息"}}).encode()
    for _ in range(times):
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=5).read()


def deliver_each_second(clock, rows, limit_seconds=900):
    """deliver_pending once a second of the moved clock until every row is sent; returns the seconds taken."""
    for second in range(limit_seconds):
        outbox_service.deliver_pending()
        if not Outbox.objects.filter(pk__in=[r.pk for r in rows]).exclude(status=OutboxStatus.SENT).exists():
            return second
        clock.shift(timedelta(seconds=1))
    raise AssertionError("not all sent")


def at_most_per_minute(times, limit):
    return all(sum(1 for u in times if t <= u < t + 60) <= limit for t in times)


def test_drill_40_digests_for_one_wecom_robot(robot_server):
    state = robot_server.state
    state.clock = time.time  # the peer's minute runs on the moved clock too
    with time_machine.travel(T0, tick=False) as clock:
        post_directly(robot_server.wecom_url, 5)  # someone else used 5 of this minute's 20
        rows = robot_rows(robot_server.wecom_url, "wecom", 40)
        seconds = deliver_each_second(clock, rows)
    ours = [(t - T0.timestamp(), code) for t, channel, code in state.timeline[5:]]
    accepted = [t for t, code in ours if code == 0]
    limited = [t for t, code in ours if code == 45009]
    print(
        f"\nDRILL robot-pacing: digests=40 sent={len(accepted)} first={accepted[0]:.0f}s last={accepted[-1]:.0f}s "
        f"rate_limit_answers={len(limited)} at={[round(t) for t in limited]} "
        f"posts_inside_window_after_45009={sum(1 for t, _ in ours for x in limited if x < t < x + 60)}"
    )
    assert len(accepted) == 40 and len(state.accepted_on("wecom")) == 45  # each digest once, none lost
    assert accepted[-1] - accepted[0] >= 120  # spread over at least two minutes
    assert limited, "the peer's shared minute was full once: the drill must see one 45009"
    for answer in limited:
        assert not [t for t, _ in ours if answer < t < answer + 60]  # 0 sent inside the window after 45009
    everything = [t for t, channel, code in state.timeline if code == 0]
    assert at_most_per_minute(everything, 20)
    assert all(
        r.status == OutboxStatus.SENT and r.attempts == 1 for r in Outbox.objects.filter(pk__in=[x.pk for x in rows])
    )
    assert seconds < 900


def test_our_own_sends_never_exceed_20_a_minute_and_are_spaced(robot_server):
    robot_server.state.clock = time.time
    with time_machine.travel(T0, tick=False) as clock:
        rows = robot_rows(robot_server.wecom_url, "wecom", 30)
        deliver_each_second(clock, rows)
    times = [t for t, _, code in robot_server.state.timeline if code == 0]
    assert len(times) == 30 and set(code for _, _, code in robot_server.state.timeline) == {0}  # never refused
    assert at_most_per_minute(times, 20)
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 3  # 60 s / 20


def test_a_dingtalk_rate_limit_answer_holds_the_robot_for_ten_minutes(robot_server):
    state = robot_server.state
    state.clock = time.time
    with time_machine.travel(T0, tick=False) as clock:
        rows = robot_rows(robot_server.dingtalk_url, "dingtalk", 3)
        state.force_errcode["dingtalk"] = (130101, "send too fast, exceed 20 times per minute")
        outbox_service.deliver_pending()
        del state.force_errcode["dingtalk"]
        first = Outbox.objects.get(pk=rows[0].pk)
        assert first.status == OutboxStatus.PENDING and first.attempts == 0
        assert "130101" in first.last_error and "顺延至" in first.last_error
        for _ in range(599):
            clock.shift(timedelta(seconds=1))
            outbox_service.deliver_pending()
        assert len(state.timeline) == 1  # nothing posted for 10 minutes
        clock.shift(timedelta(seconds=1))
        deliver_each_second(clock, rows)
    assert [code for _, _, code in state.timeline] == [130101, 0, 0, 0]


def test_the_window_is_shared_by_workers_through_the_database():
    key = pacing.robot_key("wecom", "http://robot.example/x")
    now = T0
    assert pacing.take_slot(key, 20, now) is None
    # A second worker at the same instant finds the slot taken: the next one is 3 seconds later.
    assert pacing.take_slot(key, 20, now) == now + timedelta(seconds=3)
    for n in range(1, 20):
        assert pacing.take_slot(key, 20, now + timedelta(seconds=3 * n)) is None
    assert pacing.take_slot(key, 20, now + timedelta(seconds=58)) == now + timedelta(seconds=60)
    assert RobotPace.objects.get(robot=key).version == 20


def test_email_is_not_paced(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rows = [
        Outbox.objects.create(recipient_key=f"unit:{n}", channel="email", date=date(2026, 3, 2), kind="unit_digest",
                              recipients=["a@example.gov.cn"], subject="提醒", body_text="正文", items=[])
        for n in range(25)
    ]  # fmt: skip
    assert outbox_service.deliver_pending().sent == 25
    assert not RobotPace.objects.exists() and all(r.pk for r in rows)


def test_the_delivery_task_knows_when_the_first_held_row_may_go(robot_server):
    robot_server.state.clock = time.time
    with time_machine.travel(T0, tick=False):
        robot_rows(robot_server.wecom_url, "wecom", 3)
        outbox_service.deliver_pending()  # one sent, the next held 3 s (the rest wait unclaimed)
        assert outbox_service.next_paced_send() == T0 + timedelta(seconds=3)
