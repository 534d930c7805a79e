"""The light (红黄绿灯) that node plans and indicators share: its colours and the date rules it is built
from (overdue, due within a window, the yellow window), in Python for one date and as SQL over a date
column. No app owns it: plans.tracking composes a node plan's light from these, targets.trajectory an
indicator's, so both apps build on this module and neither imports the other for it.
"""

from datetime import date, timedelta

from django.db import models
from django.db.models import Q

YELLOW_WITHIN_DAYS = 7  # the yellow window


class Rag(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"
    GREY = "grey", "灰灯"


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


def is_due_within(due: date | None, today: date, days: int) -> bool:
    return due is not None and today <= due <= today + timedelta(days=days)


def in_yellow_window(due: date | None, today: date) -> bool:
    return is_due_within(due, today, YELLOW_WITHIN_DAYS)


def overdue_q(field: str, today: date) -> Q:
    return Q(**{f"{field}__lt": today})


def due_within_q(field: str, today: date, days: int) -> Q:
    return Q(**{f"{field}__gte": today, f"{field}__lte": today + timedelta(days=days)})
