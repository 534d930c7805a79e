"""The completion-time parser: a phrase as written ("2022年12月", "每年下半年") becomes a typed schedule.

Pure functions, no database. Text that cannot be read is an error naming the text and its source,
never a silent default.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from plans.choices import ScheduleKind

_ONCE_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月(?:底|前|底前)?$")
_ONCE_YEAR_END = re.compile(r"^(\d{4})年(?:底|末|底前)$")
_YEARLY_MONTH = re.compile(r"^每年(\d{1,2})月(?:底|前|底前)?$")
_EVERY_N_YEARS = re.compile(r"^每(两|二)年(上半年|下半年)?$")
_YEARLY_HALF = re.compile(r"^每年(上半年|下半年)$")
_ONGOING = {"长期推进"}
_ON_DEMAND = {"按需开展"}


class ScheduleError(ValueError):
    """A completion time nobody has taught the parser to read."""

    def __init__(self, text: str, source: str = ""):
        self.text = text
        self.source = source
        where = f"（{source}）" if source else ""
        super().__init__(f"无法识别的完成时间“{text}”{where}")


@dataclass(frozen=True)
class ScheduledDate:
    """One concrete deadline (or report period) a schedule yields: work is expected between start and due
    (both inclusive). The loader stores each as an `Occurrence` row (plans.models)."""

    start: date
    due: date
    label: str
    is_deadline: bool = True


@dataclass(frozen=True)
class Schedule:
    kind: ScheduleKind
    text: str
    year: int | None = None  # one-off: the year
    month: int | None = None  # one-off / yearly: the month; None means the year end
    half: str | None = None  # "上半年" / "下半年": a window instead of a month
    interval: int = 1  # years between occurrences

    @property
    def has_deadline(self) -> bool:
        return self.kind in (ScheduleKind.ONCE, ScheduleKind.YEARLY, ScheduleKind.BIENNIAL)

    def occurrences(self, start_year: int, end_year: int) -> list[ScheduledDate]:
        """The deadlines within the plan's years. Ongoing and on-demand work has none."""
        if self.kind == ScheduleKind.ONCE:
            return [self._occurrence_in(self.year, window_start=date(min(start_year, self.year), 1, 1))]
        if self.kind in (ScheduleKind.YEARLY, ScheduleKind.BIENNIAL):
            return [self._occurrence_in(year) for year in range(start_year, end_year + 1, self.interval)]
        return []

    def report_periods(self, start_year: int, end_year: int, months: int = 3) -> list[ScheduledDate]:
        """Periodic progress reports for ongoing work (quarterly by default); not deadlines."""
        if self.kind != ScheduleKind.ONGOING:
            return []
        periods = []
        for year in range(start_year, end_year + 1):
            for first_month in range(1, 13, months):
                last_month = first_month + months - 1
                due = date(year, last_month, calendar.monthrange(year, last_month)[1])
                label = (
                    f"{year}年第{(first_month - 1) // 3 + 1}季度"
                    if months == 3
                    else f"{year}年{first_month}—{last_month}月"
                )
                periods.append(ScheduledDate(date(year, first_month, 1), due, label, is_deadline=False))
        return periods

    def _occurrence_in(self, year: int, window_start: date | None = None) -> ScheduledDate:
        if self.half == "下半年":
            return ScheduledDate(date(year, 7, 1), date(year, 12, 31), f"{year}年下半年")
        if self.half == "上半年":
            return ScheduledDate(date(year, 1, 1), date(year, 6, 30), f"{year}年上半年")
        month = self.month or 12
        due = date(year, month, calendar.monthrange(year, month)[1])
        label = f"{year}年{month}月" if self.month else f"{year}年底"
        return ScheduledDate(window_start or date(year, 1, 1), due, label)


def parse_schedule(text: str, source: str = "") -> Schedule:
    """Read a completion-time phrase exactly as a document writes it."""
    compact = re.sub(r"\s+", "", text or "")
    if not compact:
        raise ScheduleError(text or "", source)

    if match := _ONCE_MONTH.match(compact):
        return Schedule(ScheduleKind.ONCE, text, year=int(match[1]), month=_month(match[2], text, source))
    if match := _ONCE_YEAR_END.match(compact):
        return Schedule(ScheduleKind.ONCE, text, year=int(match[1]))
    if match := _YEARLY_MONTH.match(compact):
        return Schedule(ScheduleKind.YEARLY, text, month=_month(match[1], text, source))
    if match := _YEARLY_HALF.match(compact):
        return Schedule(ScheduleKind.YEARLY, text, half=match[1])
    if compact == "每年":
        return Schedule(ScheduleKind.YEARLY, text)
    if match := _EVERY_N_YEARS.match(compact):
        return Schedule(ScheduleKind.BIENNIAL, text, half=match[2], interval=2)
    if compact in _ONGOING:
        return Schedule(ScheduleKind.ONGOING, text)
    if compact in _ON_DEMAND:
        return Schedule(ScheduleKind.ON_DEMAND, text)
    raise ScheduleError(text, source)


def _month(value: str, text: str, source: str) -> int:
    month = int(value)
    if not 1 <= month <= 12:
        raise ScheduleError(text, source)
    return month
