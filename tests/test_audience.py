"""plans.audience: every kind of message, to every role, in both regions. Nobody is told about what they cannot
open, and everybody who must act is told.

One scenario per region, through the real services in the order a year goes: a leader's 批示, the daily run
21 days after a deadline (lead and co-responsible units, the staff summary, the escalation, the 批示's reply
date, the unsigned 督办单), a 督办单 signed, answered, returned and closed, a co-responsible unit's input,
a report returned, revised and approved, an extension, the 批示 answered, returned and closed, two 催办, the
year closed, its deadline then reported done and found 不实 by a 核查. Then, for each kind and each named person: every
message they received links only to pages that open for them (fetched as them, with its items' links), and
the people who must act received it. "Opens" is the page answering 200 to that person, not a rule re-read.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from plans.choices import UnitRole
from plans.models import Milestone, Notification, Occurrence, Plan, ReminderKind
from plans.notifications.outbox import record_digests
from plans.supervision import service as supervision
from plans.verification import service as verification
from plans.workflow import chasing, instructions, reporting, year_close
from tests.conftest import USERS
from tests.helpers import submit
from units.accounts import create_user
from units.models import Unit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Per region: the plan, the lead unit whose liaison acts, that liaison, and the region's own staff and leader.
REGIONS = {
    "jianghai": ("jianghai-rcqq-2022", "区人力资源和社会保障局", "liaison_hr", "staff_jh", "leader_jh"),
    "nanping": ("nanping-cjwy-2021", "市人社局", "liaison_np", "staff_np", "leader_np"),
}
CO_LIAISON = "co_liaison"  # made by the scenario: the liaison of the node plan's co-responsible unit
ROLES = [*USERS, CO_LIAISON]  # one person per role: one or both regions, the parent region's 督查员, units
LIAISONS = {name for name, (role, _, _) in USERS.items() if role == "liaison"} | {CO_LIAISON}
INPUT_SHARED = ""  # 配合单位反馈待汇总: an in-app line with no ReminderKind
KINDS = [*ReminderKind.values, INPUT_SHARED]


def must_be_told(region: str) -> dict[str, set[str]]:
    """Who must hear each kind, as the 组织部 would list them (plans/audience.py's table)."""
    _, _, lead, staff, leader = REGIONS[region]
    return {
        ReminderKind.UNIT_DIGEST: {lead},
        ReminderKind.CO_UNIT_DIGEST: {CO_LIAISON},
        ReminderKind.STAFF_SUMMARY: {"staff", staff, "superuser"},
        ReminderKind.ESCALATION: {"leader", leader},
        ReminderKind.SUBMITTED: {"staff", staff},
        ReminderKind.RETURNED: {lead},
        ReminderKind.APPROVED: {lead},
        ReminderKind.EXTENSION_DECIDED: {lead},
        ReminderKind.INSTRUCTION: {lead},
        ReminderKind.INSTRUCTION_REPLY: {"staff", staff, leader},
        ReminderKind.INSTRUCTION_DECIDED: {lead, leader},
        ReminderKind.INSTRUCTION_DUE: {lead},
        ReminderKind.CHASE: {lead},
        ReminderKind.SUPERVISION: {lead},
        ReminderKind.SUPERVISION_REPLY: {"staff", staff},
        ReminderKind.SUPERVISION_DECIDED: {lead},
        ReminderKind.SUPERVISION_DUE: {lead},
        ReminderKind.VERIFICATION_FAILED: {lead},
        ReminderKind.YEAR_CLOSED: {lead, "leader", leader} | ({"supervisor"} if region == "jianghai" else set()),
        INPUT_SHARED: {lead},
    }


# Kinds whose other receivers may be any liaison: units that lead (or co-answer for) other items of the same day
# or year hear about their own. Every other kind goes to exactly the people above.
ALSO_OTHER_LIAISONS = {ReminderKind.UNIT_DIGEST, ReminderKind.CO_UNIT_DIGEST, ReminderKind.YEAR_CLOSED}


def run_the_year(region, user_named, capture):
    """Every message kind in one region, through the services; returns the node plan they are about."""
    code, lead_unit, lead, staff_name, leader_name = REGIONS[region]
    plan = Plan.objects.get(code=code)
    plan.notify_co_units, plan.overseer = True, None  # 配合单位知会 on; escalations to the region's leaders
    plan.save(update_fields=["notify_co_units", "overseer"])
    milestone = (
        Milestone.objects.filter(
            plan=plan, assignments__unit__name=lead_unit, assignments__role=UnitRole.LEAD, occurrences__is_deadline=True
        )
        .filter(assignments__role=UnitRole.RESPONSIBLE, assignments__unit__is_group=False)
        .distinct()
        .order_by("position")
        .first()
    )
    co_unit = milestone.assignments.filter(role=UnitRole.RESPONSIBLE, unit__is_group=False).first().unit
    create_user(CO_LIAISON, "liaison", [co_unit.name], full_name="配合单位联络员")
    for name in ROLES:
        user = user_named(name)
        user.email = f"{name}@example.test"
        user.save(update_fields=["email"])
    deadline = milestone.occurrences.filter(is_deadline=True).order_by("due_date").first()
    day = deadline.due_date + timedelta(days=21)  # overdue three weeks: reminded (weekly) and escalated (> 14 days)
    staff, leader, liaison = user_named(staff_name), user_named(leader_name), user_named(lead)
    with time_machine.travel(datetime.combine(day, time(9), SHANGHAI)):
        given = capture(instructions.give_instruction, leader, milestone, "请加快推进。", None, day + timedelta(days=7))
        notices = capture(
            supervision.issue, staff, [milestone], supervision.IssueInput("请加快推进。", day + timedelta(days=10))
        )
        notice = next(n for n in notices if n.unit.name == lead_unit)  # one per lead unit
        record_digests(day, [code])  # the 督办单 is not signed yet: its unit is reminded
        capture(supervision.sign, liaison, notice)
        capture(supervision.reply, liaison, notice, "已部署。", "每周调度。")
        notice.refresh_from_db()
        notice = capture(supervision.decide, staff, notice, False, "请补充佐证。", notice.version)
        capture(supervision.reply, liaison, notice, "已补充。", "每周调度。")
        notice.refresh_from_db()
        capture(supervision.decide, staff, notice, True, "", notice.version)
        capture(submit, user_named(CO_LIAISON), milestone, narrative="配合单位的反馈。")
        report = capture(submit, liaison, milestone, occurrence=deadline)
        report = capture(reporting.review_report, staff, report, False, "请补充数据。", report.version)
        data = reporting.ReportInput(status="in_progress", percent=60, narrative="已补充。", occurrence=deadline)
        report = capture(reporting.resubmit_report, liaison, report, data, report.version)
        capture(reporting.review_report, staff, report, True, "", report.version)
        extension = capture(
            reporting.request_extension, liaison, milestone, deadline, day + timedelta(days=60), "等待上级批复。"
        )
        capture(reporting.review_extension, staff, extension, True, "")
        capture(instructions.reply, liaison, given, "已部署。")
        given.refresh_from_db()
        given = capture(instructions.decide, staff, given, False, "请报送落实情况。", given.version)
        capture(instructions.reply, liaison, given, "已落实。")
        given.refresh_from_db()
        capture(instructions.decide, staff, given, True, "", given.version)
        capture(chasing.chase_milestone, staff, milestone, "请于本周内报送。")
        capture(chasing.chase_unit, staff, Unit.objects.get(name=lead_unit, region__code=region), "逾期事项较多。")
        capture(year_close.close_year, staff, plan, deadline.due_date.year)
        done = capture(submit, liaison, milestone, status="completed", percent=100, occurrence=deadline)
        capture(reporting.review_report, staff, done, True, "", done.version)
        checks = capture(
            verification.draw,
            staff,
            plan.region,
            verification.DrawInput("核查", "manual", occurrence_ids=(deadline.pk,)),
        ).checks.select_related("round", "unit", "milestone")
        capture(verification.record, staff, checks.get(unit__name=lead_unit), False, "佐证材料与实际不符。")
    return milestone


def links_of(notification) -> set[str]:
    """The page the line links to, and each item's node plan in the digest behind it, as paths. An item is
    fetched through the task API, scoped as its page is (task_queryset; tests/test_access_matrix.py checks
    both for every role): a staff summary lists dozens of node plans, and their pages cost 0.1 s each."""
    site = settings.SITE_URL.rstrip("/")
    links = {notification.link.removeprefix(site).split("#")[0]} if notification.link else set()
    if notification.outbox_id:
        items = (item["link"].removeprefix(site) for item in notification.outbox.items)
        links |= {re.sub(r"^/tasks/(\d+)/$", r"/api/tasks/\1/", path) for path in items}
    return links


@pytest.mark.parametrize("region", REGIONS)
def test_every_kind_reaches_who_must_act_and_links_only_to_what_they_open(
    region, client, user_named, django_capture_on_commit_callbacks
):
    def capture(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    milestone = run_the_year(region, user_named, capture)
    told: dict[str, dict[str, set[str]]] = {kind: {} for kind in KINDS}
    for line in Notification.objects.select_related("user", "outbox"):
        told[line.kind].setdefault(line.user.username, set()).update(links_of(line))
    opens = {}

    def opens_for(username, path) -> bool:
        if (username, path) not in opens:
            client.force_login(user_named(username))
            opens[username, path] = client.get(path).status_code == 200
        return opens[username, path]

    must = must_be_told(region)
    cases = []
    for kind in KINDS:
        for name in ROLES:
            links = told[kind].get(name, set())
            cases.append((kind, name))
            assert all(opens_for(name, path) for path in links), (region, kind, name, links)
            if name in must[kind]:
                assert links, f"{region}: {name} must hear of {kind or INPUT_SHARED!r} and did not"
            elif not (kind in ALSO_OTHER_LIAISONS and name in LIAISONS):
                assert not links, f"{region}: {name} heard of {kind!r}: {links}"
    # Everyone told anything (people outside the named roles too) opens every link of it.
    for kind, people in told.items():
        for name, links in people.items():
            assert all(opens_for(name, path) for path in links), (region, kind, name, links)
    assert len(cases) == len(KINDS) * len(ROLES) == 20 * 13
    # The scenario really is about this region's node plan, and the other region heard nothing of it.
    assert all(kind in told and told[kind] for kind in KINDS)
    other = {name for name, (_, _, regions) in USERS.items() if regions and region not in regions} - {"supervisor"}
    assert not any(name in people for people in told.values() for name in other)
    assert Occurrence.objects.filter(milestone=milestone, extended_due_date__isnull=False).exists()
