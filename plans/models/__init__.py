from .progress import Evidence, ExtensionRequest, Instruction, ProgressReport
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
    "Category",
    "Evidence",
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
]
