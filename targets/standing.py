"""How a leader counts indicators: 达标, 正常, 落后, 未达标, 未报送 (and 无法判断 when nothing is planned).

The standing is read off the one verdict, `targets.trajectory.Trajectory.verdict`; nothing here judges a
figure again: 已达标 → 达标, 未达标 → 未达标, 落后序时进度/未达标准 → 落后, 符合序时进度/本年无要求 → 正常
未报送/暂无实际值 → 未报送 (a count and a colour of its own: a missing report is not a failure) and 无计划值 →
无法判断.
"""

from django.db import models

from targets.trajectory import Trajectory, Verdict


class Standing(models.TextChoices):
    MET = "met", "达标"
    ON_TRACK = "on_track", "正常"
    BEHIND = "behind", "落后"
    MISSED = "missed", "未达标"
    UNREPORTED = "unreported", "未报送"
    UNJUDGED = "unjudged", "无法判断"


OFF_TRACK = (Standing.MISSED, Standing.BEHIND)

STANDING_OF_VERDICT = {
    Verdict.MET: Standing.MET,
    Verdict.MISSED: Standing.MISSED,
    Verdict.BEHIND: Standing.BEHIND,
    Verdict.BELOW_STANDARD: Standing.BEHIND,
    Verdict.ON_PACE: Standing.ON_TRACK,
    Verdict.NOT_DUE: Standing.ON_TRACK,
    Verdict.NO_PLAN: Standing.UNJUDGED,
    Verdict.UNREPORTED: Standing.UNREPORTED,
    Verdict.NO_ACTUAL: Standing.UNREPORTED,
}


def standing_of(trajectory: Trajectory) -> Standing:
    return STANDING_OF_VERDICT.get(trajectory.verdict, Standing.UNJUDGED)
