from django.db import models


class IndicatorKind(models.TextChoices):
    CUMULATIVE = "cumulative", "基期加逐年增量"
    ANNUAL = "annual", "每年目标"
    TOTAL = "total", "期末目标"


class Comparator(models.TextChoices):
    """How a figure is judged, read from the document's wording (fixtures/README.md)."""

    AT_LEAST = "gte", "至少（不少于）"
    MORE_THAN = "gt", "超过"
    EXACT = "eq", "等于"
    AT_MOST = "lte", "至多（不超过）"


class Cadence(models.TextChoices):
    """When an indicator is due: the years its light and 序时进度 expect something."""

    YEARLY = "yearly", "每年"
    BIENNIAL = "biennial", "每两年（批次）"
    ONCE = "once", "一次性（期末）"
    ONGOING = "ongoing", "长期（无期限）"


def default_cadence(kind: str) -> str:
    """An indicator without a stated cadence (an imported sheet): an end-only target is due once."""
    return Cadence.ONCE if kind == IndicatorKind.TOTAL else Cadence.YEARLY
