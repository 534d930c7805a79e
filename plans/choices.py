from django.db import models

from talentplan.lib.light import Rag as Rag  # the light's colours, shared with targets (talentplan/lib/light.py)


class ScheduleKind(models.TextChoices):
    ONCE = "once", "一次性"
    YEARLY = "yearly", "每年"
    BIENNIAL = "biennial", "每两年"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"
    MONTHLY = "monthly", "每月"
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


class ReportKind(models.TextChoices):
    CONSOLIDATED = "consolidated", "牵头单位报送"
    INPUT = "input", "配合单位反馈"


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过"
    SHARED = "shared", "已送牵头单位"


class ExtensionState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class InstructionState(models.TextChoices):
    OPEN = "open", "待反馈"
    REPLIED = "replied", "已反馈"
    DONE = "done", "已办结"


class NotifyBy(models.TextChoices):
    """How a person hears about workflow events, besides the in-app 通知 everyone gets."""

    IN_APP = "in_app", "仅站内通知"
    EMAIL = "email", "站内通知 + 邮件"
    ROBOT = "robot", "站内通知 + 邮件 + 单位群机器人"


class Outcome(models.TextChoices):
    """How one deadline ended: what 年度销号 records, and what the dashboard and bulletin count."""

    MET = "met", "按期完成"
    LATE = "late", "逾期完成"
    MISSED = "missed", "未完成"
