"""The colour a 督办单 is proposed in, from the node plan's record (宿迁's three-colour 督办):

- 红 (red): a deadline has passed and the work is not done (the light's overdue rule);
- 黄 (yellow): behind 序时进度 (the share of the deadline's period that has elapsed is more than the
  reported percentage, by more than SCHEDULE_TOLERANCE points), reported 滞后, or the last report was
  returned (its quality was not accepted);
- 蓝 (blue): otherwise, near its deadline (within NEAR_DAYS) or simply chased ahead of time.

A batch takes its most serious item's colour. Staff may choose another colour, with a reason.
"""

from dataclasses import dataclass
from datetime import date

from plans.choices import MilestoneStatus, ReportKind, ReportState, SupervisionColour
from plans.models import Occurrence
from talentplan.lib.light import is_due_within, is_overdue

NEAR_DAYS = 30
SCHEDULE_TOLERANCE = 10  # percentage points behind 序时进度 before it counts
SEVERITY = [SupervisionColour.BLUE, SupervisionColour.YELLOW, SupervisionColour.RED]


@dataclass(frozen=True)
class Proposal:
    colour: str
    basis: str  # why, in the words the 督办单 and its page show


def elapsed_percent(start: date, due: date, today: date) -> int:
    """序时进度: the share of the period from start to due that has passed, in percent (0 to 100)."""
    if today >= due:
        return 100
    if today <= start:
        return 0
    return round(100 * (today - start).days / max((due - start).days, 1))


def _next_open(milestone) -> Occurrence | None:
    open_deadlines = Occurrence.objects.filter(milestone=milestone).open_deadlines().order_by("effective_due", "pk")
    return open_deadlines.first()


def propose(milestone, today: date) -> Proposal:
    """The colour one node plan's record calls for, and why."""
    occurrence = _next_open(milestone)
    due = occurrence.effective_due_date if occurrence else None
    if occurrence and is_overdue(due, today):
        return Proposal(SupervisionColour.RED, f"已逾期{(today - due).days}天（截止{due:%Y年%-m月%-d日}）")
    if milestone.status == MilestoneStatus.LAGGING:
        return Proposal(SupervisionColour.YELLOW, "进展状态为“滞后”")
    last = milestone.reports.filter(kind=ReportKind.CONSOLIDATED).order_by("-submitted_at").first()
    if last and last.state == ReportState.RETURNED:
        return Proposal(SupervisionColour.YELLOW, "最近一次进展报告被退回，报送质量不达要求")
    if occurrence:
        expected = elapsed_percent(occurrence.start_date, due, today)
        if expected - milestone.percent > SCHEDULE_TOLERANCE:
            return Proposal(SupervisionColour.YELLOW, f"完成进度{milestone.percent}%，落后序时进度{expected}%")
        if is_due_within(due, today, NEAR_DAYS):
            return Proposal(SupervisionColour.BLUE, f"{(due - today).days}天后到期（{due:%Y年%-m月%-d日}）")
    return Proposal(SupervisionColour.BLUE, "提前督办")


def propose_for(milestones, today: date) -> Proposal:
    """A batch: its most serious item's colour, with every item's reason that calls for that colour."""
    proposals = [propose(milestone, today) for milestone in milestones]
    worst = max(proposals, key=lambda p: SEVERITY.index(p.colour))
    reasons = list(dict.fromkeys(p.basis for p in proposals if p.colour == worst.colour))
    basis = "；".join(reasons[:3]) + ("等" if len(reasons) > 3 else "")
    return Proposal(worst.colour, basis[:300])
