"""The periods a 进展通报 can cover, named once: the page's choice, the download's ?period= and the
`bulletin` command's --period all read them here, and build_bulletin takes one. A period is cut off at
its last day (or today, within it): what was decided after that does not count (plans.bulletin.as_at).

Three kinds, each within one plan year (whose node plans and indicators it reports on):
a year ("2023", 2023年度), a quarter ("2023Q2", 2023年第二季度, 截至6月30日) and a month ("2023-05",
2023年5月, 截至5月31日). Another kind is a change here: build it in `_periods_of_year` and read its key in
`period_named`; the page, the download and the command offer it as is.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

YEAR, QUARTER, MONTH = "year", "quarter", "month"
KIND_LABELS = {YEAR: "年度", QUARTER: "季度", MONTH: "月度"}
QUARTER_NAMES = "一二三四"


@dataclass(frozen=True)
class Period:
    key: str  # in the URL and the command: "2023", "2023Q2", "2023-05"
    label: str  # in the title and the file name: "2023年度", "2023年第二季度", "2023年5月"
    year: int  # the plan year whose node plans and indicators it reports on
    start: date
    end: date
    kind: str = YEAR

    def cut_off(self, today: date) -> date:
        """The bulletin's 截至: the period's last day, or today while the period runs."""
        return min(today, self.end)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def year_period(year: int) -> Period:
    return Period(str(year), f"{year}年度", year, date(year, 1, 1), date(year, 12, 31), YEAR)


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * quarter - 2
    end = date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    label = f"{year}年第{QUARTER_NAMES[quarter - 1]}季度"
    return Period(f"{year}Q{quarter}", label, year, date(year, first, 1), end, QUARTER)


def month_period(year: int, month: int) -> Period:
    end = date(year, month, calendar.monthrange(year, month)[1])
    return Period(f"{year}-{month:02d}", f"{year}年{month}月", year, date(year, month, 1), end, MONTH)


def _periods_of_year(year: int) -> list[Period]:
    return [
        year_period(year),
        *(quarter_period(year, q) for q in range(1, 5)),
        *(month_period(year, m) for m in range(1, 13)),
    ]


def periods(plan, kind: str | None = None) -> list[Period]:
    """What the plan's bulletin can cover, in order (each year, then its quarters, then its months);
    `kind` keeps one kind (YEAR, QUARTER or MONTH)."""
    every = [period for year in plan.years for period in _periods_of_year(year)]
    return [period for period in every if kind is None or period.kind == kind]


KEY = re.compile(r"^(?P<year>[0-9]{4})(?:Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


def period_named(plan, key: str) -> Period | None:
    """The period a ?period= (or --period) names, or None when the plan has no such period. Only ASCII digits
    are read ("２０２３" and "2023Q5" name nothing)."""
    match = KEY.match((key or "").strip())
    if match is None:
        return None
    year = int(match["year"])
    if year not in plan.years:
        return None
    if match["quarter"]:
        return quarter_period(year, int(match["quarter"]))
    if match["month"]:
        return month_period(year, int(match["month"]))
    return year_period(year)


def default_period(plan, today: date | None = None) -> Period:
    """This year's period, or the plan's nearest year when today is outside it."""
    today = today or timezone.localdate()
    return year_period(min(max(today.year, plan.start_year), plan.end_year))
