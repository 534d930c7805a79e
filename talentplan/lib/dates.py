"""The one Chinese date format of the portal: pages, e-mails and exports all call these.

"2022年4月30日" for a date, "2022年4月30日 14:05" for a moment, always read in Asia/Shanghai
(settings.TIME_ZONE) so an export never shows raw UTC.
"""

from datetime import date, datetime

from django.utils import timezone


def local_moment(value: datetime) -> datetime:
    """An aware datetime in the portal's time zone; a naive one is taken as already local."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def cn_date(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = local_moment(value).date()
    if not isinstance(value, date):
        return str(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return cn_date(value)
    moment = local_moment(value)
    return f"{cn_date(moment.date())} {moment:%H:%M}"
