"""Standards each member must meet: "县级每年不少于2场" binds each of the 10 counties, "直接联系服务 1—3 名专家"
each 党政领导 (002 lines 201, 273, 293). Such an indicator lists its members (`Indicator.members`, under
`Indicator.member_label`); every member's figures are judged with the one rule (`trajectory.compute`), and the
indicator takes the worst member's verdict, so a total of 2 never reads 已达标 when each county needs 2.

A member's figures are its approved entries (`IndicatorEntry.member`): the latest approved one per year.
Pure functions over plain values, as in trajectory.py; `member_figures_of` reads them in one query.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from talentplan.lib.light import Rag
from targets.trajectory import VERDICT_SEVERITY, IndicatorSpec, Trajectory, Verdict, compute

_LIGHT_OF = {
    Verdict.MET: Rag.GREEN,
    Verdict.MISSED: Rag.RED,
    Verdict.BEHIND: Rag.GREEN,
    Verdict.ON_PACE: Rag.GREEN,
    Verdict.NOT_DUE: Rag.GREEN,
    Verdict.BELOW_STANDARD: Rag.YELLOW,
}


def combine(spec: IndicatorSpec, member_label: str, members: list[str], figures: dict, today: date) -> Trajectory:
    """One Trajectory for the indicator: each member judged on its own `figures[member]` ({year: increment}),
    the verdict the worst member's, the members and a count per verdict in `notes`."""
    judged = [(name, compute(spec, figures.get(name, {}), set(figures.get(name, {})), today)) for name in members]
    if not judged:
        result = compute(spec, {}, set(), today)
        result.verdict, result.rag, result.met = Verdict.UNREPORTED, Rag.GREY, False
        result.notes.append(f"标准适用于{member_label}，尚未列出名单（在数据管理的指标中填写“成员”），无法逐一判断")
        result.member_label = member_label
        return result
    verdicts = [t.verdict for _name, t in judged]
    worst = min(verdicts, key=lambda v: VERDICT_SEVERITY.index(v) if v in VERDICT_SEVERITY else len(VERDICT_SEVERITY))
    result = compute(spec, {}, set(), today)  # the planned path for the chart; actuals are per member
    result.members, result.member_label = judged, member_label
    result.met = all(t.met for _name, t in judged)
    result.verdict = Verdict.MET if result.met else worst
    lights = {t.rag for _name, t in judged}
    result.rag = _LIGHT_OF.get(result.verdict, Rag.GREY)
    if Rag.YELLOW in lights and result.rag == Rag.GREEN and not result.met:
        result.rag = Rag.YELLOW
    met = sum(1 for _name, t in judged if t.met)
    result.reached = None
    result.completion = (Decimal(met) / Decimal(len(judged)) * 100).quantize(Decimal("0.1"))
    counts = []
    for verdict in VERDICT_SEVERITY:
        names = [name for name, t in judged if t.verdict == verdict]
        if names:
            counts.append(f"{verdict} {len(names)} 个（{'、'.join(names)}）")
    result.notes.append(f"标准适用于{member_label}，逐一判断：" + "；".join(counts))
    return result


def member_figures_of(indicator_ids) -> dict:
    """Indicator id → member → {year: increment}: the latest approved entry per member and year, one query."""
    from targets.models import IndicatorEntry

    figures: dict = defaultdict(lambda: defaultdict(dict))
    indicator_ids = list(indicator_ids)
    if not indicator_ids:
        return figures  # no such standard among them: no query
    rows = (
        IndicatorEntry.objects.filter(indicator_id__in=indicator_ids, state=IndicatorEntry.State.APPROVED)
        .exclude(member="")
        .order_by("submitted_at", "pk")
        .values_list("indicator_id", "member", "year", "increment")
    )
    for indicator_id, member, year, increment in rows:
        figures[indicator_id][member][year] = increment  # later rows win: the latest approved
    return figures
