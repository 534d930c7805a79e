"""Load a plan's indicators from its plan.yaml entries: validated first, then created or updated three-way.

What the document prints comes from the fixtures (names, baseline, targets, planned yearly figures), and so
does how it is judged (comparator, cadence, batch years, the wording read) and who reports it (reporting
unit): all of it three-way, so a reporting unit or comparator staff changed in the portal stays. Actual
figures and their entries belong to the portal and are never touched.
"""

from decimal import Decimal

from django.db.models import Q

from talentplan.lib.sync import (
    LOADED,
    MISSING,
    FieldSpec,
    SyncLog,
    delete_by_loader,
    encode,
    excerpt,
    merge,
    portal_edits,
    save_by_loader,
)
from talentplan.lib.sync_collections import (
    Collection,
    Entry,
    base_entries,
    merged_order,
    next_position,
    renumber,
    text_similarity,
)
from targets.choices import Cadence, Comparator, IndicatorKind, default_cadence
from targets.comparators import Target, TargetError, parse_number, parse_target
from targets.models import Indicator, IndicatorYear

MAX_FIGURE = Decimal(10) ** 12  # the columns hold 14 digits, 2 after the point
# (entry key, what it is, the column's max_length): the writer would fail on a longer text.
TEXT_LIMITS = [
    ("name", "指标名称", 200),
    ("table", "所属表格", 100),
    ("measure_unit", "计量单位", 20),
    ("baseline", "基期值", 40),
    ("target", "目标值", 40),
    ("source", "出处", 300),
]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def validate_indicators(entries: list[dict], years: range, where: str, resolver=None) -> list[str]:
    errors = []
    for index, entry in enumerate(entries, start=1):
        errors += validate_indicator(entry, years, f"{where} 指标 {index}“{entry.get('name', '')}”", resolver)
    return errors


def validate_judgement(entry: dict, years: range, label: str, resolver=None) -> list[str]:
    """The judgement fields (all optional: an imported sheet has none): comparator, cadence, batch years,
    reporting unit."""
    errors = []
    comparator, cadence = entry.get("comparator"), entry.get("cadence")
    if comparator is not None and comparator not in Comparator.values:
        errors.append(f"{label}：比较方式“{comparator}”无效，应为 {'、'.join(Comparator.values)} 之一")
    if cadence is not None and cadence not in Cadence.values:
        errors.append(f"{label}：周期“{cadence}”无效，应为 {'、'.join(Cadence.values)} 之一")
    batch_years = entry.get("batch_years")
    if cadence == Cadence.BIENNIAL:
        if not batch_years:
            errors.append(f"{label}：每两年（biennial）的指标须写明批次年份 batch_years")
        elif outside := [y for y in batch_years if y not in years]:
            span = f"计划年度 {years.start}—{years.stop - 1} 年"
            errors.append(f"{label}：批次年份 {'、'.join(map(str, outside))} 不在{span}内")
    elif batch_years:
        errors.append(f"{label}：只有每两年（biennial）的指标才写批次年份 batch_years")
    members = entry.get("members") or []
    if members and not _text(entry.get("member_label")):
        errors.append(f"{label}：写了成员 members，须同时写逐一达标的对象 member_label（如“每个县（市、区）”）")
    if not isinstance(members, list) or any(not _text(m) or len(_text(m)) > 40 for m in members):
        errors.append(f"{label}：成员 members 应为名称列表，每个名称 1—40 个字")
    elif len({_text(m) for m in members}) != len(members):
        errors.append(f"{label}：成员 members 有重复的名称")
    if len(_text(entry.get("member_label"))) > 40:
        errors.append(f"{label}：逐一达标的对象 member_label 超过 40 个字")
    if entry.get("reporting_unit") and resolver is not None:
        try:
            resolver.resolve(entry["reporting_unit"])
        except ValueError as exc:
            errors.append(f"{label}：报送单位 {exc}")
    return errors


def validate_indicator(entry: dict, years: range, label: str, resolver=None) -> list[str]:
    """What the writer needs of one indicator, each problem prefixed with label (where it came from)."""
    errors = validate_judgement(entry, years, label, resolver)
    span = f"计划年度 {years.start}—{years.stop - 1} 年"
    if not entry.get("name") or not entry.get("table"):
        errors.append(f"{label}：缺少指标名称或所属表格（name / table）")
    if entry.get("kind") not in IndicatorKind.values:
        kinds = "、".join(f"{name}（{value}）" for value, name in IndicatorKind.choices)
        errors.append(f"{label}：类型“{entry.get('kind') or ''}”无效，应为 {kinds}")
    checks = [(parse_number, entry.get("baseline"), "基期值")] + [(parse_target, entry.get("target"), "目标值")]
    for year, value in (entry.get("yearly") or {}).items():
        if year not in years and _text(value):
            errors.append(f"{label}：{year}年计划值“{_text(value)}”不在{span}内")
        checks.append((parse_target, _text(value), f"{year}年计划值"))
    for parse, text, what in checks:
        try:
            parsed = parse(text)
        except TargetError:
            errors.append(f"{label}：{what}“{_text(text)}”不是可识别的数值")
            continue
        values = [parsed.value, parsed.upper] if isinstance(parsed, Target) else [parsed]
        if any(v is not None and abs(v) >= MAX_FIGURE for v in values):
            errors.append(f"{label}：{what}“{_text(text)}”过大（应小于一万亿）")
    for key, what, limit in TEXT_LIMITS:
        if len(_text(entry.get(key))) > limit:
            errors.append(f"{label}：{what}超过 {limit} 个字")
    for year, value in (entry.get("yearly") or {}).items():
        if len(_text(value)) > 40:
            errors.append(f"{label}：{year}年计划值超过 40 个字")
    target_year, baseline_year = entry.get("target_year"), entry.get("baseline_year")
    if target_year is not None and target_year not in years:
        errors.append(f"{label}：目标年份 {target_year} 年不在{span}内")
    if baseline_year is not None and baseline_year > years.start:
        errors.append(f"{label}：基期年份 {baseline_year} 年晚于计划起始年份 {years.start} 年")
    return errors


def _kind_label(value) -> str:
    return f"“{IndicatorKind(value).label}”" if value in IndicatorKind.values else f"“{value}”"


INDICATOR_SPECS = [
    FieldSpec("table", "所属表格/章节"),
    FieldSpec("name", "指标名称"),
    FieldSpec("measure_unit", "计量单位"),
    FieldSpec("kind", "类型", show=_kind_label),
    FieldSpec("baseline_year", "基期年份"),
    FieldSpec("baseline", "基期值", fields=("baseline_text", "baseline_value")),
    FieldSpec("target", "目标值", fields=("target_text", "target_value", "target_upper", "comparator")),
    FieldSpec("target_year", "目标年份"),
    FieldSpec("source", "出处"),
    FieldSpec("note", "整理说明"),
    FieldSpec("cadence", "周期", fields=("cadence", "batch_years"), initial=["", []]),
    FieldSpec("wording", "原文措辞", fields=("wording", "wording_line"), initial=["", None]),
    FieldSpec("judgement_note", "解读说明", initial=""),
    FieldSpec("reporting_unit", "报送单位", fields=("unit",), initial=None, show=lambda pk: _unit_label(pk)),
    FieldSpec("unit_note", "报送单位依据", initial=""),
    FieldSpec("members", "逐一达标的成员", fields=("member_label", "members"), initial=["", []]),
]


def _unit_label(pk) -> str:
    from units.models import Unit

    unit = Unit.objects.filter(pk=pk).first() if pk is not None else None
    return f"“{unit.name}”" if unit else "（空）"


PLANNED_SPEC = FieldSpec("planned", "计划值", fields=("planned_text", "planned_value"))


def _encoded(model, raw: dict) -> dict:
    return {name: encode(model, name, value) for name, value in raw.items()}


def indicator_values(entry: dict, years: range, resolver=None) -> dict:
    """What plan.yaml gives one indicator, in the form the snapshot stores (grouped as INDICATOR_SPECS)."""
    target = parse_target(entry.get("target"))
    comparator = entry.get("comparator") or (target.comparator if target else "")
    reporting_unit = None
    if entry.get("reporting_unit") and resolver is not None:
        reporting_unit = resolver.resolve(entry["reporting_unit"]).pk
    flat = _encoded(
        Indicator,
        {
            "table": entry["table"],
            "name": entry["name"],
            "measure_unit": entry.get("measure_unit") or "",
            "kind": entry["kind"],
            "baseline_year": entry.get("baseline_year"),
            "baseline_text": _text(entry.get("baseline")),
            "baseline_value": parse_number(entry.get("baseline")),
            "target_text": _text(entry.get("target")),
            "target_value": target.value if target else None,
            "target_upper": target.upper if target else None,
            "comparator": comparator,
            "target_year": entry.get("target_year"),
            "source": _text(entry.get("source")),
            "note": _text(entry.get("note")),
            "cadence": entry.get("cadence") or default_cadence(entry["kind"]),
            "batch_years": list(entry.get("batch_years") or []),
            "wording": _text(entry.get("wording")),
            "wording_line": entry.get("wording_line"),
            "judgement_note": _text(entry.get("judgement_note")),
            "unit": reporting_unit,
            "unit_note": _text(entry.get("reporting_unit_note")),
            "member_label": _text(entry.get("member_label")),
            "members": [_text(m) for m in entry.get("members") or []],
        },
    )
    flat["reporting_unit"] = flat["unit"]
    values = {
        spec.key: [flat[f] for f in spec.fields] if len(spec.fields) > 1 else flat[spec.key] for spec in INDICATOR_SPECS
    }
    yearly = entry.get("yearly") or {}
    values["years"] = {}
    for year in years:
        planned = parse_target(_text(yearly.get(year)))
        encoded = _encoded(
            IndicatorYear,
            {"planned_text": _text(yearly.get(year)), "planned_value": planned.value if planned else None},
        )
        values["years"][str(year)] = [encoded["planned_text"], encoded["planned_value"]]
    return values


def indicator_dependents(indicator) -> list[str]:
    years = IndicatorYear.objects.filter(indicator=indicator)
    reasons = []
    if entries := indicator.entries.count():
        reasons.append(f"有实际值填报 {entries} 条")
    if years.filter(Q(actual_value__isnull=False) | ~Q(actual_note="")).exists():
        reasons.append("有实际值")
    if edits := portal_edits(IndicatorYear.history.filter(indicator_id=indicator.pk)):
        reasons.append(f"有在门户中的修改记录 {edits} 条")
    return reasons


def sync_indicators(plan, entries: list[dict], years: range, snapshot, log: SyncLog, resolver=None) -> tuple[int, dict]:
    """Create or update the plan's indicators for the fixtures' plan years; returns how many the fixtures list
    and their snapshot part."""
    code = plan.code
    fixture_entries = [Entry((e["table"], e["name"]), indicator_values(e, years, resolver)) for e in entries]

    def subject(indicator):
        return f"{code} 指标 第{indicator.position}项“{excerpt(indicator.name)}”"

    def create(entry):
        indicator = Indicator(plan=plan, position=next_position(plan.indicators.all()))
        for spec in INDICATOR_SPECS:
            spec.write(indicator, entry.values[spec.key])
        save_by_loader(indicator, reason=LOADED)
        for year in years:
            _create_year(indicator, year, entry.values["years"][str(year)])
        return indicator

    def after_merge(indicator, entry, base, written):
        _sync_years(
            indicator, entry.values["years"], MISSING if base is MISSING else base.get("years", {}), log, subject
        )

    indicators = Collection(
        "indicators",
        INDICATOR_SPECS,
        list(plan.indicators.order_by("position")),
        fixture_entries,
        base_entries(snapshot, "indicators"),
        key_of=lambda i: (i.table, i.name),
        subject=subject,
        new_subject=lambda e: f"{code} 指标“{excerpt(e.values['name'])}”",
        create=create,
        dependents=indicator_dependents,
        similarity=lambda a, b: text_similarity(a[0] + a[1], b[0] + b[1]),
        after_merge=after_merge,
    )
    indicators.sync(log)
    deleted = indicators.remove_stale(log)
    if not indicators.created and not deleted:
        return len(fixture_entries), indicators.snapshot()
    moved = renumber(
        plan.indicators.all(), merged_order(indicators.remaining(deleted), indicators.results, indicators.created)
    )
    if moved and not log.quiet:
        log.wrote("更新", f"{code} 指标", f"{moved} 项的顺序随 fixtures 的增删重新编排（原有先后顺序不变）")
    return len(fixture_entries), indicators.snapshot()


def _create_year(indicator, year: int, planned: list) -> IndicatorYear:
    row = IndicatorYear(indicator=indicator, year=year)
    PLANNED_SPEC.write(row, planned)
    save_by_loader(row, reason=LOADED)
    return row


def _sync_years(indicator, wanted: dict, base, log: SyncLog, subject) -> None:
    """Planned figures per plan year, three-way. Only years the fixtures add or drop are created or deleted;
    a year row staff added or deleted in the portal stays as they left it."""
    current = {row.year: row for row in indicator.years.all()}
    known = set() if base is MISSING else set(base)
    for year_text, planned in wanted.items():
        row = current.get(int(year_text))
        if row is None:
            if year_text not in known:
                _create_year(indicator, int(year_text), planned)
                log.wrote("新增", subject(indicator), f"{year_text}年计划值 {planned[0] or '（空）'}")
            continue
        old = MISSING if base is MISSING or year_text not in base else {"planned": base[year_text]}
        label = f"{subject(indicator)} {year_text}年"
        if written := merge(row, [PLANNED_SPEC], old, {"planned": planned}, log, label):
            save_by_loader(row, written)
    for year, row in current.items():
        if str(year) in wanted or str(year) not in known:
            continue
        if row.actual_value is not None or row.actual_note or portal_edits(row.history.all()):
            log.keep(subject(indicator), f"{year}年已不在计划年度内，但有实际值或在门户中的修改记录，未删除")
        else:
            delete_by_loader(row)
            log.wrote("删除", subject(indicator), f"{year}年（已不在计划年度内）")
