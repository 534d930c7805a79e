"""The completion-time parser: a phrase as written ("2022年12月", "每年下半年") becomes a typed schedule.

Pure functions, no database. Text that cannot be read is an error naming the text and its source,
never a silent default.

What people write (issue 21) and the deadlines it means, within the plan's years:
- 2022年12月 / 2022年12月底 / 2022年底: once, the month's (year's) last day; 2024年上半年: once, 1月1日—6月30日;
  2023年6月—12月 (or 2023年6月—2024年3月): once, from the first month's first day to the last month's last day;
- 上半年 / 下半年 without a year: once, in the plan's first year (每年上半年 is every year);
- 每年 / 每年6月 / 每年上半年 / 每两年: yearly (every other year), as before;
- 每季度 / 每季度末: every quarter's last day (3月31日, 6月30日, 9月30日, 12月31日) of every plan year;
- 每半年: 6月30日 and 12月31日 of every plan year;
- 每月 / 每月底: every month's last day; 每月10日前 / 每月10日: the 10th of every month (the month's last day
  when it is shorter);
- 长期推进, 按需开展: no deadline.
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
_ONCE_HALF = re.compile(r"^(?:(\d{4})年)?(上半年|下半年)(?:前|底|末)?$")
_ONCE_RANGE = re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?[—\-–~～至到]+(?:(\d{4})年)?(\d{1,2})月(?:份|底|前|底前)?$")
_QUARTERLY = {"每季度", "每季度末", "每季", "每季末", "每个季度", "每季度底"}
_HALF_YEARLY = {"每半年", "每半年末", "每半年底"}
_MONTHLY = re.compile(r"^每(?:个)?月(?:底|末)?$")
_MONTHLY_DAY = re.compile(r"^每(?:个)?月(\d{1,2})(?:日|号)(?:前|之前)?$")
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
    day: int | None = None  # monthly: the day of the month (None: the month's last day)
    from_year: int | None = None  # a one-off range (2023年6月—12月): where its window starts
    from_month: int | None = None

    @property
    def has_deadline(self) -> bool:
        return self.kind not in (ScheduleKind.ONGOING, ScheduleKind.ON_DEMAND)

    def occurrences(self, start_year: int, end_year: int) -> list[ScheduledDate]:
        """The deadlines within the plan's years (a one-off may lie after them: see `last_due`). Ongoing and
        on-demand work has none."""
        years = range(start_year, end_year + 1)
        if self.kind == ScheduleKind.ONCE:
            year = self.year if self.year is not None else start_year  # 上半年 alone: the plan's first year
            if self.from_year is not None:
                month = self.month or 12
                due = date(year, month, calendar.monthrange(year, month)[1])
                same_year = self.from_year == year
                label = f"{self.from_year}年{self.from_month}月—{'' if same_year else f'{year}年'}{month}月"
                return [ScheduledDate(date(self.from_year, self.from_month, 1), due, label)]
            return [self._occurrence_in(year, window_start=date(min(start_year, year), 1, 1))]
        if self.kind in (ScheduleKind.YEARLY, ScheduleKind.BIENNIAL):
            return [self._occurrence_in(year) for year in range(start_year, end_year + 1, self.interval)]
        if self.kind == ScheduleKind.QUARTERLY:
            return [
                _period(year, first, 3, f"{year}年第{(first - 1) // 3 + 1}季度")
                for year in years
                for first in (1, 4, 7, 10)
            ]
        if self.kind == ScheduleKind.HALF_YEARLY:
            return [
                _period(year, first, 6, f"{year}年{'上' if first == 1 else '下'}半年")
                for year in years
                for first in (1, 7)
            ]
        if self.kind == ScheduleKind.MONTHLY:
            return [self._monthly(year, month) for year in years for month in range(1, 13)]
        return []

    def last_due(self, start_year: int, end_year: int) -> date | None:
        """The latest deadline the schedule yields for the plan (None without one)."""
        dues = [d.due for d in self.occurrences(start_year, end_year)]
        return max(dues) if dues else None

    def _monthly(self, year: int, month: int) -> ScheduledDate:
        last = calendar.monthrange(year, month)[1]
        due = date(year, month, min(self.day, last) if self.day else last)
        return ScheduledDate(date(year, month, 1), due, f"{year}年{month}月")

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


def _period(year: int, first_month: int, months: int, label: str) -> ScheduledDate:
    last_month = first_month + months - 1
    return ScheduledDate(
        date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1]), label
    )


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
    if match := _ONCE_HALF.match(compact):
        return Schedule(ScheduleKind.ONCE, text, year=int(match[1]) if match[1] else None, half=match[2])
    if match := _ONCE_RANGE.match(compact):
        first_year, first_month = int(match[1]), _month(match[2], text, source)
        last_year, last_month = int(match[3] or match[1]), _month(match[4], text, source)
        if (last_year, last_month) < (first_year, first_month):
            raise ScheduleError(text, source)
        return Schedule(
            ScheduleKind.ONCE, text, year=last_year, month=last_month, from_year=first_year, from_month=first_month
        )
    if compact in _QUARTERLY:
        return Schedule(ScheduleKind.QUARTERLY, text)
    if compact in _HALF_YEARLY:
        return Schedule(ScheduleKind.HALF_YEARLY, text)
    if _MONTHLY.match(compact):
        return Schedule(ScheduleKind.MONTHLY, text)
    if match := _MONTHLY_DAY.match(compact):
        day = int(match[1])
        if not 1 <= day <= 31:
            raise ScheduleError(text, source)
        return Schedule(ScheduleKind.MONTHLY, text, day=day)
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
