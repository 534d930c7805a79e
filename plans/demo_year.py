"""A demo year: the demo liaisons' past deadlines played through the real services at the dates they happened.

Deterministic: each deadline's fate comes from its node plan's position and the deadline's order, so every
`make run` on a fresh database shows the same portal. Of every ten past deadlines, six are met on time, two
late, one left overdue with a progress report, and one overdue with a completion report returned by staff.
Then the daily loop: an open 批示 and a 催办 (seed_demo_loop).
"""

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import access, chasing, instructions, reporting
from .choices import MilestoneStatus, UnitRole
from .models import Instruction, Milestone, ProgressReport

DEMO_LIAISONS = ("hr", "health", "science", "lile", "np-hr")
ON_TIME, LATE, OVERDUE, RETURNED = "on_time", "late", "overdue", "returned"
FATES = [ON_TIME] * 6 + [LATE] * 2 + [OVERDUE, RETURNED]


def fate_of(milestone_position: int, occurrence_index: int) -> str:
    return FATES[(milestone_position * 3 + occurrence_index) % len(FATES)]


@contextmanager
def demo_clock(day, hour=10):
    """Runs the real services as if on `day` (demo data only): every service and the change history read
    django.utils.timezone.now."""
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


DEMO_STAFF = ("staff", "np-staff")  # 江海区 and 南平市: each region's reports are reviewed by its own staff


def _submit_and_review(liaison, reviewers, milestone, occurrence, fate):
    due = occurrence.due_date
    if fate in (ON_TIME, LATE):
        submitted = due - timedelta(days=10) if fate == ON_TIME else due + timedelta(days=20)
        data = reporting.ReportInput(MilestoneStatus.COMPLETED, 100, "已完成，佐证材料已上传。", occurrence)
        approved = True
    elif fate == OVERDUE:
        submitted = due - timedelta(days=5)
        data = reporting.ReportInput(MilestoneStatus.IN_PROGRESS, 50, "正在推进，部分工作尚未完成。", occurrence)
        approved = True
    else:
        submitted = due - timedelta(days=3)
        data = reporting.ReportInput(MilestoneStatus.COMPLETED, 100, "已完成。", occurrence)
        approved = False
    with demo_clock(submitted):
        report = reporting.submit_report(liaison, milestone, data)
    with demo_clock(submitted + timedelta(days=3), hour=15):
        comment = "" if approved else "请补充完成情况的佐证材料（文件或照片）后重新报送。"
        staff = next((user for user in reviewers if access.can(user, "review", report)), None)
        if staff is not None:  # a region without demo staff keeps its reports waiting for review
            reporting.review_report(staff, report, approved, comment, report.version)


@transaction.atomic
def seed_demo_year(today=None) -> dict:
    """Plays the demo liaisons' past deadlines (node plans nobody has reported on yet). Returns counts per fate."""
    today = today or timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[*DEMO_STAFF, *DEMO_LIAISONS])}
    reviewers = [users[name] for name in DEMO_STAFF if name in users]
    counts = dict.fromkeys(FATES, 0)
    if not reviewers:
        return counts
    reported = ProgressReport.objects.values("milestone_id")
    for username in DEMO_LIAISONS:
        liaison = users.get(username)
        if liaison is None:
            continue
        unit_ids = list(liaison.memberships.values_list("unit_id", flat=True))
        milestones = (
            Milestone.objects.filter(assignments__unit_id__in=unit_ids, assignments__role=UnitRole.LEAD)
            .exclude(pk__in=reported)
            .distinct()
            .order_by("plan__code", "position")
        )
        for milestone in milestones:
            deadlines = milestone.occurrences.filter(is_deadline=True, due_date__lt=today).order_by("due_date")
            for index, occurrence in enumerate(deadlines):
                fate = fate_of(milestone.position, index)
                if fate == LATE and occurrence.due_date + timedelta(days=23) >= today:
                    fate = OVERDUE  # a late completion cannot be dated in the future
                _submit_and_review(liaison, reviewers, milestone, occurrence, fate)
                counts[fate] += 1
    return counts


DEMO_INSTRUCTION = "请区人社局加快推进，两周内报送落实情况和下一步措施。"
DEMO_CHASE_MESSAGE = "该节点计划已逾期，请本周内报送进展。"
DEMO_CHASE_KEY = "demo-loop"  # the one 催办 of the demo: chasing.py records a key once per unit
DEMO_LOOP_UNIT = "区人力资源和社会保障局"  # the unit of demo liaison hr


def _overdue_hr_milestones(staff, today):
    return list(
        access.milestones(staff)
        .active()
        .filter(
            assignments__unit__name=DEMO_LOOP_UNIT,
            assignments__role=UnitRole.LEAD,
            next_due_date__lt=today,
            plan__region__code="jianghai",
        )
        .order_by("next_due_date", "plan__code", "position")[:2]
    )


@transaction.atomic
def seed_demo_loop(today=None) -> dict:
    """An open 批示 by the demo leader to 区人社局 (reply date two weeks ahead) and one 催办 of an overdue node plan
    that 区人社局 leads, by demo staff: through instructions.py and chasing.py, so both notify 区人社局's liaison.
    Idempotent: a second run finds them and adds nothing. Returns what it added."""
    today = today or timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["leader", "staff"])}
    added = {"instructions": 0, "chases": 0}
    if len(users) < 2:
        return added
    leader, staff = users["leader"], users["staff"]
    overdue = _overdue_hr_milestones(staff, today)
    if not overdue:
        return added
    if not Instruction.objects.filter(author=leader, text=DEMO_INSTRUCTION).exists():
        target = overdue[-1]  # the second longest overdue when there are two: the 催办 goes to the first
        unit = target.assignments.get(unit__name=DEMO_LOOP_UNIT).unit
        instructions.give_instruction(leader, target, DEMO_INSTRUCTION, [unit], today + timedelta(days=14))
        added["instructions"] = 1
    added["chases"] = len(chasing.chase_milestone(staff, overdue[0], DEMO_CHASE_MESSAGE, DEMO_CHASE_KEY))
    return added
