from .loading import FixtureSnapshot
from .progress import Chase, Evidence, ExtensionRequest, Instruction, InstructionFile, InstructionReply, ProgressReport
from .reminders import (
    Channel,
    Escalation,
    Notification,
    NotificationPreference,
    Outbox,
    OutboxStatus,
    ReminderKind,
    ReminderSettings,
)
from .review import Reviewable
from .structure import (
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

__all__ = [
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
    "Occurrence",
    "Plan",
    "PlanYearClosure",
    "ProgressReport",
    "Reviewable",
]
