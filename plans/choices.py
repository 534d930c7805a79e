from django.db import models


class ScheduleKind(models.TextChoices):
    ONCE = "once", "一次性"
    YEARLY = "yearly", "每年"
    BIENNIAL = "biennial", "每两年"
    ONGOING = "ongoing", "长期推进"
    ON_DEMAND = "on_demand", "按需开展"


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    RESPONSIBLE = "responsible", "责任单位"


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    COMPLETED = "completed", "已完成"
    LAGGING = "lagging", "滞后"
    PAUSED = "paused", "暂缓"
