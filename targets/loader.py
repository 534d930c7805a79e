"""Load a plan's indicators from its plan.yaml entries (validated first, written only if different)."""

from talentplan.lib.sync import delete_stale, sync_object

from .choices import IndicatorKind
from .comparators import TargetError, parse_number, parse_target
from .models import Indicator, IndicatorYear


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def validate_indicators(entries: list[dict], years: range, where: str) -> list[str]:
    errors = []
    for index, entry in enumerate(entries, start=1):
        label = f"{where} 指标 {index}“{entry.get('name', '')}”"
        if not entry.get("name") or not entry.get("table"):
            errors.append(f"{label}：缺少 name 或 table")
        if entry.get("kind") not in IndicatorKind.values:
            errors.append(f"{label}：类型“{entry.get('kind')}”无效，应为 {'、'.join(IndicatorKind.values)}")
        try:
            parse_number(entry.get("baseline"))
            parse_target(entry.get("target"), source=label)
            for year, value in (entry.get("yearly") or {}).items():
                if year not in years:
                    errors.append(f"{label}：年份 {year} 不在计划年度 {years.start}—{years.stop - 1} 内")
                parse_target(_text(value), source=f"{label} {year}年")
        except TargetError as exc:
            errors.append(f"{label}：{exc}")
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
