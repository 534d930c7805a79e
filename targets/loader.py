"""Load a plan's indicators from its plan.yaml entries (validated first, written only if different)."""

from decimal import Decimal

from plans.sync import delete_stale, sync_object

from .choices import IndicatorKind
from .comparators import Target, TargetError, parse_number, parse_target
from .models import Indicator, IndicatorYear

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


def validate_indicators(entries: list[dict], years: range, where: str) -> list[str]:
    errors = []
    for index, entry in enumerate(entries, start=1):
        errors += validate_indicator(entry, years, f"{where} 指标 {index}“{entry.get('name', '')}”")
    return errors


def validate_indicator(entry: dict, years: range, label: str) -> list[str]:
    """What the writer needs of one indicator, each problem prefixed with label (where it came from)."""
    errors = []
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


def sync_indicators(plan, entries: list[dict], where: str) -> tuple[int, int]:
    changes, keep = 0, set()
    for position, entry in enumerate(entries, start=1):
        target = parse_target(entry.get("target"))
        indicator, changed = sync_object(
            Indicator,
            {"plan": plan, "position": position},
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
                "comparator": target.comparator if target else "",
                "target_year": entry.get("target_year"),
                "source": _text(entry.get("source")),
                "note": _text(entry.get("note")),
            },
        )
        changes += changed
        keep.add(indicator.pk)
        yearly = entry.get("yearly") or {}
        for year in plan.years:
            planned = parse_target(_text(yearly.get(year)))
            # Only the planned figures come from the document; actuals entered by staff are kept.
            _, changed = sync_object(
                IndicatorYear,
                {"indicator": indicator, "year": year},
                {"planned_text": _text(yearly.get(year)), "planned_value": planned.value if planned else None},
            )
            changes += changed
        changes += delete_stale(
            indicator.years.all(), set(indicator.years.filter(year__in=plan.years).values_list("pk", flat=True))
        )
    changes += delete_stale(plan.indicators.all(), keep)
    return len(keep), changes
