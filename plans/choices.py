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


class SupervisionColour(models.TextChoices):
    """督办单's colour (宿迁's three-colour 督办): 蓝 near the deadline, 黄 behind 序时进度 or of poor quality,
    红 overdue."""

    BLUE = "blue", "蓝色督办"
    YELLOW = "yellow", "黄色督办"
    RED = "red", "红色督办"


class SupervisionState(models.TextChoices):
    """下发 → 签收 → 回执 → 办结 (or 退回 → a new 回执), as 宜昌's platform runs it."""

    ISSUED = "issued", "待签收"
    SIGNED = "signed", "已签收"
    REPLIED = "replied", "已回执"
    RETURNED = "returned", "已退回"
    DONE = "done", "已办结"


class VerificationMethod(models.TextChoices):
    RANDOM = "random", "随机抽取"
    SHARE = "share", "按单位比例抽取"
    MANUAL = "manual", "人工指定"


class Verdict(models.TextChoices):
    PENDING = "", "待核查"
    TRUE = "true", "属实"
    FALSE = "false", "不实"
