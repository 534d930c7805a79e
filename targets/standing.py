"""How a leader counts indicators: 达标, 正常, 落后, 未达标 (and 无法判断 when nothing is planned).

The standing is read off the one judgement, `targets.trajectory.trajectory_of` (its met flag, its light and
its 序时进度 flag); nothing here judges a figure again. Once the unified verdict lands (branch i10-judge,
`Trajectory.verdict`), this maps 已达标 → 达标, 未达标 → 未达标, 落后序时进度/未达标准 → 落后,
符合序时进度/本年无要求 → 正常 and 无计划值/暂无实际值 → 无法判断.
"""

from django.db import models

from plans.choices import Rag

from .trajectory import Trajectory


class Standing(models.TextChoices):
    MET = "met", "达标"
    ON_TRACK = "on_track", "正常"
    BEHIND = "behind", "落后"
    MISSED = "missed", "未达标"
    UNJUDGED = "unjudged", "无法判断"


OFF_TRACK = (Standing.MISSED, Standing.BEHIND)


def standing_of(trajectory: Trajectory) -> Standing:
    if trajectory.met:
        return Standing.MET  # a met target is never counted as off track, whatever its light
    if trajectory.rag == Rag.RED:
        return Standing.MISSED  # the latest year end with a planned figure passed unmet
    if trajectory.behind_schedule:
        return Standing.BEHIND
    if trajectory.rag == Rag.GREY:
        return Standing.UNJUDGED  # nothing planned within the plan's years
    return Standing.ON_TRACK
