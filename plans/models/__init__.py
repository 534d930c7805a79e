from .loading import FixtureSnapshot
from .progress import Evidence, ExtensionRequest, Instruction, ProgressReport
from .reminders import (
    Channel,
    Escalation,
    Notification,
    Outbox,
    OutboxStatus,
    ReminderKind,
    ReminderRun,
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
    "Occurrence",
    "Plan",
    "PlanYearClosure",
    "ProgressReport",
    "Reviewable",
]
