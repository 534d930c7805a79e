"""What each workflow step says: one Event (one line, one link) per step, told to the audience plans.audience
decides, sent by plans.notifications.sending.

The services in plans/workflow/ (reporting, instructions, chasing, year_close) call these inside their
transaction, so an event is recorded with the change it reports, and never without it.
"""

from collections import Counter

from django.db.models import Prefetch

from plans import audience
from plans.choices import ExtensionState, ReportState, UnitRole
from plans.models import MilestoneUnit, Notification, Occurrence, ReminderKind
from plans.notifications.sending import Event, notify, one_line


def _person(user) -> str:
    return user.get_full_name() or user.username


def report_submitted(report) -> None:
    """A lead unit's report (new or revised) waits for staff of the plan's region."""
    milestone = report.milestone
    event = Event(
        ReminderKind.SUBMITTED,
        f"report:{report.pk}:submitted:{report.version}",
        f"{report.unit}报送了“{one_line(milestone.text)}”的进展，待审核",
        milestone.get_absolute_url() + f"#report-{report.pk}",
    )
    notify(event, audience.report_submitted(report))


def extension_requested(extension) -> None:
    """An extension request also waits in staff's 待审核 queue."""
    milestone = extension.milestone
    event = Event(
        ReminderKind.SUBMITTED,
        f"extension:{extension.pk}:requested",
        f"{extension.unit}申请将“{one_line(milestone.text)}”延期至{extension.requested_due_date:%Y年%-m月%-d日}，待审批",
        milestone.get_absolute_url(),
    )
    notify(event, audience.extension_requested(extension))


def input_shared(report) -> None:
    """A co-responsible unit's input waits for the lead units' liaisons to consolidate: in the portal only."""
    milestone = report.milestone
    names = "、".join(unit.name for unit in audience.lead_units(milestone))
    Notification.objects.bulk_create(
        Notification(
            user=user,
            title=f"配合单位反馈待汇总：{report.unit.name}",
            body=f"{report.unit.name}对节点计划“{milestone.text[:60]}”提交了反馈，请牵头单位（{names}）汇总后报送。",
            link=f"{milestone.get_absolute_url()}#report-{report.pk}",
        )
        for user in audience.input_shared(report).users
    )


def report_reviewed(report) -> None:
    """The reporting unit's liaisons hear the decision: 通过, or 退回 with the comment."""
    milestone = report.milestone
    if report.state == ReportState.APPROVED:
        kind, line = ReminderKind.APPROVED, f"“{one_line(milestone.text)}”的进展报告已审核通过"
    else:
        kind = ReminderKind.RETURNED
        line = f"“{one_line(milestone.text)}”的进展报告被退回：{one_line(report.review_comment, 60)}"
    event = Event(kind, f"report:{report.pk}:{report.state}:{report.version}", line, milestone.get_absolute_url())
    notify(event, audience.report_reviewed(report))


def extension_decided(extension) -> None:
    milestone = extension.milestone
    if extension.state == ExtensionState.APPROVED:
        outcome = f"已批准，新的截止日期为{extension.requested_due_date:%Y年%-m月%-d日}"
    else:
        outcome = "未获批准" + (f"：{one_line(extension.review_comment, 60)}" if extension.review_comment else "")
    event = Event(
        ReminderKind.EXTENSION_DECIDED,
        f"extension:{extension.pk}:{extension.state}",
        f"“{one_line(milestone.text)}”的延期申请{outcome}",
        milestone.get_absolute_url(),
    )
    notify(event, audience.extension_decided(extension))


def instruction_given(instruction) -> None:
    reply_by = f"，请于{instruction.reply_by:%Y年%-m月%-d日}前反馈" if instruction.reply_by else "，请反馈办理情况"
    event = Event(
        ReminderKind.INSTRUCTION,
        f"instruction:{instruction.pk}:given",
        f"{_person(instruction.author)}对“{one_line(instruction.milestone.text)}”作出批示{reply_by}",
        instruction.get_absolute_url(),
    )
    notify(event, audience.instruction_given(instruction))


def instruction_replied(reply) -> None:
    """Staff (who mark it 办结) and the leader who wrote it hear that a unit replied."""
    instruction = reply.instruction
    event = Event(
        ReminderKind.INSTRUCTION_REPLY,
        f"instruction-reply:{reply.pk}",
        f"{reply.unit}反馈了对“{one_line(instruction.milestone.text)}”的批示办理情况",
        instruction.get_absolute_url(),
    )
    notify(event, audience.instruction_replied(reply))


def instruction_decided(instruction, done: bool) -> None:
    """办结 goes to the units and the leader; 退回 (more is needed) goes to the units."""
    text = one_line(instruction.milestone.text)
    if done:
        line = f"对“{text}”的批示已办结"
    else:
        comment = f"：{one_line(instruction.staff_comment, 60)}" if instruction.staff_comment else ""
        line = f"对“{text}”的批示反馈被退回，请补充办理{comment}"
    event = Event(
        ReminderKind.INSTRUCTION_DECIDED,
        f"instruction:{instruction.pk}:{'done' if done else 'returned'}:{instruction.version}",
        line,
        instruction.get_absolute_url(),
    )
    notify(event, audience.instruction_decided(instruction, done))


def chased(chase) -> None:
    message = f"：{one_line(chase.message, 80)}" if chase.message else ""
    if chase.milestone_id:
        line = f"组织部催办“{one_line(chase.milestone.text)}”{message}"
    else:
        line = f"组织部催办{chase.unit}牵头的逾期和临期事项{message}"
    event = Event(ReminderKind.CHASE, f"chase:{chase.pk}", line, audience.chase_link(chase))
    notify(event, audience.chased(chase))


def year_closed(closure) -> None:
    """Each lead unit hears its own count of deadlines met and missed, with a link to its node plans of that
    year (a liaison cannot open the plan page); the leaders who read the plan hear its totals."""
    plan = closure.plan
    closed = Occurrence.objects.filter(
        milestone__plan=plan, is_deadline=True, due_date__year=closure.year, outcome__in=["met", "missed"]
    ).prefetch_related(
        Prefetch("milestone__assignments", MilestoneUnit.objects.filter(role=UnitRole.LEAD).select_related("unit"))
    )
    counts, units = Counter(), {}
    for occurrence in closed:
        for assignment in occurrence.milestone.assignments.all():
            units[assignment.unit_id] = assignment.unit
            counts[(assignment.unit_id, occurrence.outcome)] += 1
    unit_link = audience.year_close_link(closure)
    for unit in units.values():
        line = (
            f"{plan.title}{closure.year}年度销号：贵单位牵头的节点计划按期完成{counts[(unit.pk, 'met')]}项，"
            f"未按期完成{counts[(unit.pk, 'missed')]}项"
        )
        event = Event(ReminderKind.YEAR_CLOSED, f"closure:{closure.pk}:unit:{unit.pk}", line, unit_link)
        notify(event, audience.year_closed_unit(closure, unit))
    line = f"{plan.title}{closure.year}年度销号：按期完成{closure.met_count}项，未按期完成{closure.missed_count}项"
    event = Event(ReminderKind.YEAR_CLOSED, f"closure:{closure.pk}", line, plan.get_absolute_url())
    notify(event, audience.year_closed(closure))


def supervision_issued(notice) -> None:
    event = Event(
        ReminderKind.SUPERVISION,
        f"supervision:{notice.pk}:issued",
        f"组织部下发{notice.get_colour_display()}单{notice.number}，请签收并于{notice.reply_by:%Y年%-m月%-d日}前回执",
        notice.get_absolute_url(),
    )
    notify(event, audience.supervision_issued(notice))


def supervision_replied(reply) -> None:
    notice = reply.notice
    event = Event(
        ReminderKind.SUPERVISION_REPLY,
        f"supervision-reply:{reply.pk}",
        f"{reply.unit}报送了督办单{notice.number}的回执，待办结",
        notice.get_absolute_url(),
    )
    notify(event, audience.supervision_replied(reply))


def supervision_decided(notice, done: bool) -> None:
    if done:
        line = f"督办单{notice.number}已办结"
    else:
        line = f"督办单{notice.number}的回执被退回，请继续办理：{one_line(notice.staff_comment, 60)}"
    event = Event(
        ReminderKind.SUPERVISION_DECIDED,
        f"supervision:{notice.pk}:{'done' if done else 'returned'}:{notice.version}",
        line,
        notice.get_absolute_url(),
    )
    notify(event, audience.supervision_decided(notice))


def verification_failed(check) -> None:
    milestone = check.milestone
    event = Event(
        ReminderKind.VERIFICATION_FAILED,
        f"verification:{check.pk}:false",
        f"核查发现“{one_line(milestone.text)}”的完成情况不实，事项已重新打开：{one_line(check.note, 60)}",
        milestone.get_absolute_url(),
    )
    notify(event, audience.verification_failed(check))
