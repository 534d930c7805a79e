from django.db import models


class IndicatorKind(models.TextChoices):
    CUMULATIVE = "cumulative", "基期加逐年增量"
    ANNUAL = "annual", "每年目标"
    TOTAL = "total", "期末目标"


class Comparator(models.TextChoices):
    EXACT = "eq", "等于"
    AT_LEAST = "gte", "不少于（以上）"
    MORE_THAN = "gt", "超过"
    RANGE = "range", "区间"
    ABOUT = "approx", "左右"
