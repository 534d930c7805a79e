"""The periods a 进展通报 can cover, named once: the page's choice, the download's ?period= and the
`bulletin` command's --period all read them here, and build_bulletin takes one. A period is cut off at
its last day (or today, within it): what was decided after that does not count (plans.bulletin.as_at).

Today a period is a plan year. Another kind (a quarter: "2023Q2", 截至6月30日) is a change here: list it
in `periods` and read its key in `period_named`; the page, the download and the command offer it as is.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    key: str  # in the URL and the command: "2023"
    label: str  # in the title and the file name: "2023年度"
    year: int  # the plan year whose node plans and indicators it reports on
    start: date
    end: date

    def cut_off(self, today: date) -> date:
        """The bulletin's 截至: the period's last day, or today while the period runs."""
        return min(today, self.end)


def year_period(year: int) -> Period:
    return Period(str(year), f"{year}年度", year, date(year, 1, 1), date(year, 12, 31))


def periods(plan) -> list[Period]:
    """What the plan's bulletin can cover, in order."""
    return [year_period(year) for year in plan.years]


def period_named(plan, key: str) -> Period | None:
    """The period a ?period= (or --period) names, or None when the plan has no such period."""
    key = (key or "").strip()
    return next((period for period in periods(plan) if period.key == key), None)


def default_period(plan, today: date | None = None) -> Period:
    """This year's period, or the plan's nearest year when today is outside it."""
    today = today or timezone.localdate()
    return year_period(min(max(today.year, plan.start_year), plan.end_year))
