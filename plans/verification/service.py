"""核查 of completed work: a 督查员 (a parent region's reader) or staff of the region draws completed deadlines,
at random with the seed recorded (so the draw can be repeated), a set share of each lead unit's completed
deadlines, or by hand; then records 属实 or 不实 with a note and evidence. 不实 reopens the deadline (its
completion is taken back, the node plan goes back to 推进中, the history says why) and tells the lead unit.

Each (deadline, lead unit) pair is one item: a node plan with two lead units is checked for each."""

import math
import random
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans import access
from plans.choices import MilestoneStatus, Outcome, UnitRole, Verdict, VerificationMethod
from plans.models import Milestone, MilestoneUnit, Occurrence, VerificationCheck, VerificationFile, VerificationRound
from plans.notifications import notices

NOTE_MAX = 2000
MAX_SAMPLE = 500


def completed_pairs(region) -> list[tuple[int, int, int]]:
    """(occurrence, node plan, lead unit) for every completed deadline of the region's active plans, in a
    fixed order (so a seed draws the same items again), without those waiting in an unfinished check."""
    pending = VerificationCheck.objects.filter(verdict=Verdict.PENDING).values_list("occurrence_id", "unit_id")
    waiting = set(pending)
    done = Occurrence.objects.filter(
        is_deadline=True,
        completed_on__isnull=False,
        milestone__plan__region=region,
        milestone__plan__archived_at__isnull=True,
    ).values_list("pk", "milestone_id")
    occurrences = dict(done)
    leads = MilestoneUnit.objects.filter(milestone_id__in=set(occurrences.values()), role=UnitRole.LEAD)
    units = defaultdict(list)
    for milestone_id, unit_id in leads.values_list("milestone_id", "unit_id"):
        units[milestone_id].append(unit_id)
    pairs = [
        (occurrence_id, milestone_id, unit_id)
        for occurrence_id, milestone_id in occurrences.items()
        for unit_id in units[milestone_id]
        if (occurrence_id, unit_id) not in waiting
    ]
    return sorted(pairs)


@dataclass
class DrawInput:
    title: str
    method: str
    seed: int | None = None  # random and share: None draws a new one, recorded on the round
    size: int | None = None  # random: how many
    share: int | None = None  # share: percent of each unit's completed deadlines (at least one each)
    occurrence_ids: tuple = ()  # manual


def _require_verifier(user, region) -> None:
    if access.role_in_region(user, region.pk) not in (access.Role.STAFF, access.SUPERVISOR):
        raise ValidationError("只有本地区的组织部工作人员或上级督查员可以发起核查。")


def _chosen(pairs, data: DrawInput, rng: random.Random) -> list:
    if data.method == VerificationMethod.RANDOM:
        if not data.size or not 1 <= data.size <= MAX_SAMPLE:
            raise ValidationError(f"请填写抽取数量（1—{MAX_SAMPLE}）。")
        return sorted(rng.sample(pairs, min(data.size, len(pairs))))
    if data.method == VerificationMethod.SHARE:
        if not data.share or not 1 <= data.share <= 100:
            raise ValidationError("请填写抽取比例（1—100 之间的整数）。")
        by_unit = defaultdict(list)
        for pair in pairs:
            by_unit[pair[2]].append(pair)
        picked = []
        for unit_id in sorted(by_unit):
            own = by_unit[unit_id]
            picked += rng.sample(own, math.ceil(len(own) * data.share / 100))
        return sorted(picked)
    if data.method == VerificationMethod.MANUAL:
        wanted = set(data.occurrence_ids)
        picked = [pair for pair in pairs if pair[0] in wanted]
        if not wanted or {pair[0] for pair in picked} != wanted:
            raise ValidationError("所选事项不存在、尚未完成或正在核查中，请重新选择。")
        return picked
    raise ValidationError("抽取方式无效。")


@transaction.atomic
def draw(user, region, data: DrawInput) -> VerificationRound:
    """A new round of items to check. The random draws record their seed: the same seed over the same record
    draws the same items."""
    _require_verifier(user, region)
    if not data.title.strip() or len(data.title) > 100:
        raise ValidationError("请填写核查批次名称（不超过 100 字）。")
    pairs = completed_pairs(region)
    if not pairs:
        raise ValidationError("本地区暂无可核查的已完成事项。")
    seed = None
    if data.method in (VerificationMethod.RANDOM, VerificationMethod.SHARE):
        seed = data.seed if data.seed is not None else random.SystemRandom().randrange(1, 2**31)
    chosen = _chosen(pairs, data, random.Random(seed))
    completed = dict(Occurrence.objects.filter(pk__in={p[0] for p in chosen}).values_list("pk", "completed_on"))
    round_ = VerificationRound.objects.create(
        region=region,
        title=data.title.strip(),
        method=data.method,
        seed=seed,
        share=data.share if data.method == VerificationMethod.SHARE else None,
        sample_size=data.size if data.method == VerificationMethod.RANDOM else None,
        created_by=user,
    )
    VerificationCheck.objects.bulk_create(
        VerificationCheck(round=round_, occurrence_id=o, milestone_id=m, unit_id=u, completed_on=completed[o])
        for o, m, u in chosen
    )
    return round_


def _reopen(occurrence: Occurrence, milestone: Milestone, note: str, user) -> None:
    """The completion is taken back: the deadline is open again (a closed year's 按期/逾期完成 becomes 未完成,
    still owed), and the node plan is 推进中. Both histories say why."""
    reason = f"核查不实，重新打开：{note[:80]}"
    occurrence.completed_on = None
    if occurrence.outcome in (Outcome.MET, Outcome.LATE):
        occurrence.outcome = Outcome.MISSED
    occurrence._change_reason, occurrence._history_user = reason, user
    occurrence.save(update_fields=["completed_on", "outcome"])
    if milestone.status == MilestoneStatus.COMPLETED:
        milestone.status = MilestoneStatus.IN_PROGRESS
    milestone.version += 1
    milestone._change_reason, milestone._history_user = reason, user
    milestone.save(update_fields=["status", "version"])


@transaction.atomic
def record(user, check: VerificationCheck, truthful: bool, note: str, files=()) -> VerificationCheck:
    access.require(user, "verify", check, "只有本地区的组织部工作人员或上级督查员可以记录核查结果。")
    check = VerificationCheck.objects.select_for_update().select_related("round").get(pk=check.pk)
    if check.verdict:
        raise ValidationError("该事项已记录核查结果。")
    note = note.strip()
    if not truthful and not note:
        raise ValidationError("核查不实时请说明情况。")
    if len(note) > NOTE_MAX:
        raise ValidationError(f"核查说明不能超过 {NOTE_MAX} 字。")
    check.verdict = Verdict.TRUE if truthful else Verdict.FALSE
    check.note, check.checked_by, check.checked_at = note, user, timezone.now()
    check._change_reason, check._history_user = f"核查{check.get_verdict_display()}", user
    check.save(update_fields=["verdict", "note", "checked_by", "checked_at"])
    for upload, file_type in files:
        VerificationFile.objects.create(
            item=check, file=upload, original_name=upload.name[:200], size=upload.size, file_type=file_type
        )
    if not truthful:
        occurrence = Occurrence.objects.select_for_update().get(pk=check.occurrence_id)
        milestone = Milestone.objects.select_for_update().get(pk=check.milestone_id)
        if occurrence.completed_on is not None:
            _reopen(occurrence, milestone, note, user)
        notices.verification_failed(check)
    return check


@dataclass(frozen=True)
class UnitRate:
    """One lead unit's 核查 figures: coverage = checked / completed, 不实 rate = 不实 / checked (percent)."""

    unit_id: int
    unit_name: str
    completed: int
    checked: int
    false: int

    @property
    def coverage(self) -> int:
        return round(100 * self.checked / self.completed) if self.completed else 0

    @property
    def false_rate(self) -> int:
        return round(100 * self.false / self.checked) if self.checked else 0


def unit_rates(user) -> list[UnitRate]:
    """Per lead unit checked at least once, of the regions the user reads: its completed deadlines (now, plus
    those reopened by a 不实 verdict, which were completed when checked), how many were checked, how many 不实."""
    checks = access.verification_checks(user).exclude(verdict=Verdict.PENDING)
    checked, false, names = defaultdict(set), defaultdict(set), {}
    for occurrence_id, unit_id, unit_name, verdict in checks.values_list(
        "occurrence_id", "unit_id", "unit__name", "verdict"
    ):
        checked[unit_id].add(occurrence_id)
        names[unit_id] = unit_name
        if verdict == Verdict.FALSE:
            false[unit_id].add(occurrence_id)
    if not checked:
        return []  # no 核查 yet: nothing to show (one query)
    completed = defaultdict(set)
    done = dict(
        Occurrence.objects.filter(
            is_deadline=True, completed_on__isnull=False, milestone__plan__in=access.plans(user).active()
        ).values_list("pk", "milestone_id")
    )
    by_milestone = defaultdict(list)
    for occurrence_id, milestone_id in done.items():
        by_milestone[milestone_id].append(occurrence_id)
    leads = MilestoneUnit.objects.filter(role=UnitRole.LEAD, milestone_id__in=list(by_milestone))
    for unit_id, unit_name, milestone_id in leads.values_list("unit_id", "unit__name", "milestone_id"):
        completed[unit_id].update(by_milestone[milestone_id])
        names[unit_id] = unit_name
    rows = [UnitRate(u, names[u], len(completed[u] | false[u]), len(checked[u]), len(false[u])) for u in checked]
    return sorted(rows, key=lambda r: (-r.false_rate, -r.checked, r.unit_name))
