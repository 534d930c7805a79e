"""How big a synthetic province is: everything scales with the number of node plans."""

import math
import re
from dataclasses import dataclass

DEFAULT_MILESTONES = 100_000
MAX_PLAN_ROWS = 30_000  # Milestone.position is a PositiveSmallIntegerField


@dataclass(frozen=True)
class Size:
    milestones: int
    plans: int
    units: int  # both regions together, group units included
    reports: int
    indicators: int
    staff: int = 3
    leaders: int = 2

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def size_for(milestones: int) -> Size:
    """At 100k: 200 plans, 500 units, 300,000 reports, 2,000 indicators; smaller scales in proportion,
    with floors (2 plans, 20 units) so every page still has something to show."""
    return Size(
        milestones=milestones,
        plans=max(2, round(milestones / 500)),
        units=max(20, round(milestones / 200)),
        reports=3 * milestones,
        indicators=max(2, round(milestones / 50)),
    )


def parse_scale(text: str) -> int:
    """ "1k", "10k", "100k", "2500" → a number of node plans."""
    match = re.fullmatch(r"\s*(\d+)\s*([kK]?)\s*", str(text or ""))
    if not match:
        raise ValueError(f"规模“{text}”无法识别，应为节点计划数，如 1k、10k、100k 或 2500")
    value = int(match[1]) * (1000 if match[2] else 1)
    if not 20 <= value <= 1_000_000:
        raise ValueError(f"规模 {value} 超出范围：节点计划数应在 20 到 1,000,000 之间")
    return value


def plan_sizes(size: Size, rng) -> list[int]:
    """Node plans per plan: the first plan is the largest (5% of all, for the 工作清单 export), the rest vary ±50%."""
    average = math.ceil(size.milestones / size.plans)
    largest = min(MAX_PLAN_ROWS, max(average, round(size.milestones * 0.05)))
    rest = size.milestones - largest
    weights = [rng.uniform(0.5, 1.5) for _ in range(size.plans - 1)]
    total = sum(weights)
    counts = [max(1, int(rest * w / total)) for w in weights]
    counts[-1] += rest - sum(counts)  # exact total
    return [largest, *counts]
