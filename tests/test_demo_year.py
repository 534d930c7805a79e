"""The demo year: every lead unit's past deadlines played through the real services at their dates, by the demo
liaison each lead unit gets."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.choices import ReportState, UnitRole
from plans.demo.accounts import DEMO_PASSWORD, ensure_demo_accounts
from plans.demo.progress import seed_demo_progress
from plans.demo.year import FATES, fate_of, seed_demo_year
from plans.models import MilestoneUnit, Occurrence, Plan, ProgressReport
from units.models import Unit
from units.roles import covered_unit_ids

pytestmark = pytest.mark.django_db


def test_fates_are_six_on_time_two_late_one_overdue_one_returned_in_ten():
    # (position × 3 + index) mod 10 walks all ten slots for positions 0..9 with index 0.
    assert sorted(fate_of(p, 0) for p in range(10)) == sorted(FATES)
    assert FATES.count("on_time") == 6 and FATES.count("late") == 2
    # Slots 0–5 on time, 6–7 late, 8 overdue, 9 returned: position 1 → slot 3, 2 → 6, 3 → 9, 6 → 18 mod 10 = 8.
    assert [fate_of(p, 0) for p in (1, 2, 3, 6)] == ["on_time", "late", "returned", "overdue"]


@time_machine.travel(date(2023, 12, 15), tick=False)
def test_every_past_deadline_gets_its_fate_at_its_own_dates():
    ensure_demo_accounts()
    seed_demo_progress()
    counts = seed_demo_year(date(2023, 12, 15))
    assert counts["on_time"] > counts["late"] > 0 and counts["overdue"] > 0 and counts["returned"] > 0
    assert counts["on_time"] * 2 > sum(counts.values())  # most deadlines met on time

    seeded = ProgressReport.objects.filter(
        narrative__in=["已完成，佐证材料已上传。", "正在推进，部分工作尚未完成。", "已完成。"]
    )
    for report in seeded.select_related("occurrence", "milestone"):
        occurrence = Occurrence.objects.get(pk=report.occurrence_id)
        due = occurrence.due_date
        index = list(
            report.milestone.occurrences.filter(is_deadline=True, due_date__lt=date(2023, 12, 15))
            .order_by("due_date")
            .values_list("pk", flat=True)
        ).index(occurrence.pk)
        fate = fate_of(report.milestone.position, index)
        if fate == "late" and due + timedelta(days=23) >= date(2023, 12, 15):
            fate = "overdue"
        # Submitted 10 days before (on time) or 20 days after (late) the deadline; approved 3 days later.
        if fate == "on_time":
            assert occurrence.completed_on == due - timedelta(days=7) and occurrence.completed_on_time
        elif fate == "late":
            assert occurrence.completed_on == due + timedelta(days=23) and not occurrence.completed_on_time
        elif fate == "overdue":
            assert occurrence.completed_on is None and report.state == ReportState.APPROVED
        else:
            assert occurrence.completed_on is None and report.state == ReportState.RETURNED
            assert "佐证材料" in report.review_comment
        assert report.submitted_at.date() < date(2023, 12, 15)


@time_machine.travel(date(2023, 12, 15), tick=False)
def test_the_demo_loop_shows_an_open_instruction_and_a_chase(client, capsys):
    from plans.demo.year import DEMO_CHASE_MESSAGE, DEMO_INSTRUCTION
    from plans.models import Chase, Instruction, Notification

    User = get_user_model()

    call_command("demo_accounts")
    call_command("demo_progress")
    call_command("demo_progress")  # `make run` twice adds nothing more
    assert "已有进展数据" in capsys.readouterr().out

    instruction = Instruction.objects.get(text=DEMO_INSTRUCTION)
    assert instruction.author.username == "leader" and instruction.state == "open"
    assert [u.name for u in instruction.units.all()] == ["区人力资源和社会保障局"]
    assert instruction.reply_by == date(2023, 12, 29)  # two weeks ahead: open, not yet late
    chase = Chase.objects.get()
    assert (chase.author.username, chase.unit.name, chase.message) == (
        "staff",
        "区人力资源和社会保障局",
        DEMO_CHASE_MESSAGE,
    )
    assert chase.milestone.next_due_date < date(2023, 12, 15)  # an overdue node plan
    hr_notes = Notification.objects.filter(user__username="hr")
    assert hr_notes.filter(kind="chase").count() == 1 and hr_notes.filter(kind="instruction").count() == 1

    client.force_login(User.objects.get(username="leader"))
    dashboard = client.get("/dashboard/").content.decode()
    assert f"/instructions/{instruction.pk}/" in dashboard and DEMO_INSTRUCTION[:20] in dashboard
    client.force_login(User.objects.get(username="hr"))
    home = client.get("/my/").content.decode()
    assert 'id="open-instructions"' in home and f"/instructions/{instruction.pk}/" in home
    unread = hr_notes.filter(read_at__isnull=True).count()  # the demo year's reviews notified hr too
    assert unread >= 2 and f'aria-label="{unread} 条未读"' in home  # the nav counts them, 批示 and 催办 included
    notifications = client.get("/notifications/").content.decode()
    assert "组织部催办“" in notifications and DEMO_CHASE_MESSAGE in notifications


TODAY = date(2026, 11, 22)  # the middle of the plans' life, as on the day make run's screenshots were taken


@time_machine.travel(TODAY, tick=False)
def test_every_lead_unit_gets_a_liaison_and_each_plan_meets_most_past_deadlines_on_time(capsys):
    User = get_user_model()
    call_command("demo_accounts")
    out = capsys.readouterr().out
    seed_demo_progress()
    seed_demo_year(TODAY)

    liaisons = User.objects.filter(groups__name="liaison")
    covered = set().union(*(covered_unit_ids(user) for user in liaisons))
    leads = set(MilestoneUnit.objects.filter(role=UnitRole.LEAD).values_list("unit_id", flat=True))
    assert len(leads) > 20 and leads <= covered  # 各街道 and 各县（市、区） through a member unit's liaison
    for name in ["hr", "health", "science", "lile", "np-hr"]:  # the named liaisons stay as they were
        assert User.objects.get(username=name).memberships.count() == 1
    education = User.objects.get(memberships__unit=Unit.objects.get(region__code="nanping", name="市教育局"))
    assert education.username.startswith("lx-nanping-") and education.first_name == "市教育局联络员"
    assert education.check_password(DEMO_PASSWORD)
    # The main accounts one per line; the per-unit liaisons in one line with their count.
    per_unit = liaisons.filter(username__startswith="lx-").count()
    assert "  hr " in out and "  np-hr " in out and f"另有牵头单位联络员 {per_unit} 个" in out
    assert "lx-nanping-" not in out.split("另有")[0] and len(out.splitlines()) == 13

    for plan in Plan.objects.all():
        past = list(Occurrence.objects.filter(milestone__plan=plan, is_deadline=True, due_date__lt=TODAY))
        on_time = [o for o in past if o.completed_on is not None and o.completed_on <= o.due_date]
        late = [o for o in past if o.completed_on is not None and o.completed_on > o.due_date]
        still_open = [o for o in past if o.completed_on is None]
        assert len(on_time) * 2 > len(past), plan.code  # most deadlines met on time
        assert late and still_open, plan.code
        # Every past deadline was played: a report on it from its lead unit.
        assert not [o for o in past if not o.reports.exists()], plan.code

    users, reports = User.objects.count(), ProgressReport.objects.count()
    ensure_demo_accounts()
    assert seed_demo_year(TODAY) == dict.fromkeys(FATES, 0)
    assert (User.objects.count(), ProgressReport.objects.count()) == (users, reports)  # re-running adds nothing


def test_demo_progress_without_demo_accounts_makes_them_first(capsys):
    # The session database holds the plans and the test users, not the demo accounts: the KeyError('admin') case.
    assert not get_user_model().objects.filter(username="admin").exists()
    call_command("demo_progress")
    out = capsys.readouterr().out
    assert "已先创建演示账号" in out and "已写入演示进展" in out
    admin = get_user_model().objects.get(username="admin")
    assert ProgressReport.objects.filter(reviewer=admin).exists()  # the superuser reviewed the demo reports

