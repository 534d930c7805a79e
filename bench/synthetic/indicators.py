"""Synthetic indicators: yearly planned figures as printed, and approved actual figures for past years."""

from decimal import Decimal

from django.utils import timezone

from bench.synthetic import text
from bench.synthetic.ids import IdAllocator, bulk
from targets.choices import IndicatorKind
from targets.comparators import parse_target
from targets.models import Indicator, IndicatorEntry, IndicatorYear


def build_indicators(plans, count: int, people, ids: IdAllocator, rng, today) -> int:
    indicators, years, entries = [], [], []
    positions = {}
    for n in range(count):
        plan = plans[n % len(plans)]
        positions[plan.pk] = positions.get(plan.pk, 0) + 1
        baseline = rng.randrange(10, 500)
        increment = rng.randrange(5, 60)
        target_text = f"不少于{baseline + increment * 3}"
        target = parse_target(target_text)
        unit = rng.choice(people.units[plan.region_id])
        indicator = Indicator(
            pk=ids.next(Indicator),
            plan=plan,
            position=positions[plan.pk],
            table="主要指标",
            name=f"{rng.choice(text.INDICATOR_NAMES)}（{n + 1}）",
            measure_unit=rng.choice(text.MEASURE_UNITS),
            kind=IndicatorKind.CUMULATIVE if n % 4 else IndicatorKind.ANNUAL,
            baseline_year=plan.start_year - 1,
            baseline_text=str(baseline),
            baseline_value=Decimal(baseline),
            target_text=target_text,
            target_value=target.value,
            target_upper=target.upper,
            comparator=target.comparator,
            target_year=plan.end_year,
            source="合成数据",
            unit=unit,
        )
        indicators.append(indicator)
        for year in plan.years:
            planned = parse_target(str(increment))
            row = IndicatorYear(
                pk=ids.next(IndicatorYear),
                indicator=indicator,
                year=year,
                planned_text=str(increment),
                planned_value=planned.value,
            )
            if year < today.year:  # a past year's actual, entered by the unit and approved by staff
                actual = Decimal(increment + rng.randrange(-5, 10))
                entry = IndicatorEntry(
                    pk=ids.next(IndicatorEntry),
                    indicator=indicator,
                    year=year,
                    value_kind=IndicatorEntry.ValueKind.INCREMENT,
                    value=actual,
                    increment=actual,
                    source_note=f"{year}年统计年报",
                    state=IndicatorEntry.State.APPROVED,
                    author_id=people.liaison_of[unit.pk],
                    reviewer_id=people.staff_ids[0],
                    reviewed_at=timezone.now(),
                )
                entries.append(entry)
                row.actual_value, row.actual_note = entry.increment, entry.source_note
            years.append(row)
    bulk(Indicator, indicators)
    bulk(IndicatorYear, years)
    bulk(IndicatorEntry, entries)
    return len(indicators)
