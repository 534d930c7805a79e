from plans.models.bulletin import Bulletin, BulletinState
from plans.models.figures import PlanFigures, PlanStatusFigures, PlanUnitFigures, figures_changed
from plans.models.loading import FixtureSnapshot
from plans.models.progress import (
    Chase,
    Evidence,
    ExtensionRequest,
    Instruction,
    InstructionFile,
    InstructionReply,
    ProgressReport,
)
from plans.models.reminders import (
    Channel,
    Escalation,
    Notification,
    NotificationPreference,
    Outbox,
    OutboxStatus,
    ReminderKind,
    ReminderRun,
    ReminderSettings,
    RobotPace,
)
from plans.models.structure import (
    Category,
    Item,
    ItemUnit,
    Measure,
    Milestone,
    MilestoneUnit,
    Occurrence,
    Plan,
    PlanYearClosure,
)
from plans.models.supervision import SupervisionFile, SupervisionNotice, SupervisionReply, SupervisionSequence
from plans.models.verification import VerificationCheck, VerificationFile, VerificationRound
from plans.models.years import MilestoneYear
from talentplan.lib.reviewable import Reviewable

__all__ = [
    "Bulletin",
    "BulletinState",
    "RobotPace",
    "Channel",
    "Chase",
    "InstructionFile",
    "InstructionReply",
    "NotificationPreference",
    "Escalation",
    "Notification",
    "Outbox",
    "OutboxStatus",
    "ReminderKind",
    "ReminderRun",
    "ReminderSettings",
    "Category",
    "Evidence",
    "FixtureSnapshot",
    "ExtensionRequest",
    "Instruction",
    "Item",
    "ItemUnit",
    "Measure",
    "Milestone",
    "MilestoneUnit",
    "MilestoneYear",
    "Occurrence",
    "Plan",
    "PlanFigures",
    "PlanStatusFigures",
    "PlanUnitFigures",
    "PlanYearClosure",
    "ProgressReport",
    "Reviewable",
    "SupervisionFile",
    "SupervisionNotice",
    "SupervisionReply",
    "SupervisionSequence",
    "VerificationCheck",
    "VerificationFile",
    "VerificationRound",
    "figures_changed",
]
