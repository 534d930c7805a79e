"""Reminders: per-unit channel settings, the outbox (one row per recipient, channel, day and kind),
in-app notifications, and the record that an overdue item was escalated to a leader."""

from django.conf import settings
from django.db import models

from plans.choices import NotifyBy
from plans.models.structure import Occurrence
from talentplan.lib.recipients import split_addresses
from units.models import Unit


class Channel(models.TextChoices):
    """How an outbox row goes out; each value is sent by its class in plans/notifications/channels/."""

    EMAIL = "email", "邮件"
    WECOM = "wecom", "企业微信"
    DINGTALK = "dingtalk", "钉钉"
    WEBHOOK = "webhook", "群机器人（其他）"  # a proxy whose host says nothing: sent in 企业微信's format


# What a unit may choose: every robot but the plain webhook, which is what a host that names none is sent as.
ROBOT_CHOICES = [(c.value, f"{c.label}群机器人") for c in Channel if c not in (Channel.EMAIL, Channel.WEBHOOK)]


class ReminderSettings(models.Model):
    """How one unit is reminded: its liaisons and contact e-mail, extra addresses, and a group-robot webhook."""

    unit = models.OneToOneField(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="reminder_settings")
    email_enabled = models.BooleanField("发送邮件", default=True)
    extra_emails = models.TextField("其他收件人", blank=True, help_text="每行一个邮箱地址")
    webhook_enabled = models.BooleanField("推送群机器人", default=False)
    robot_channel = models.CharField(
        "群机器人类型",
        max_length=10,
        blank=True,
        choices=ROBOT_CHOICES,
        help_text="留空时按地址的主机名判断",
    )
    webhook_url = models.URLField("群机器人地址", blank=True)
    robot_secret = models.CharField(
        "加签密钥", max_length=200, blank=True, help_text="群机器人安全设置选择“加签”时填写（钉钉为 SEC 开头）"
    )

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = "提醒设置"

    def __str__(self):
        return f"{self.unit} 的提醒设置"

    @property
    def extra_email_list(self) -> list[str]:
        # Split as the form does, so a list saved before validation existed (a full-width "；") still works.
        return split_addresses(self.extra_emails)[0]


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    UNKNOWN = "unknown", "可能已发送"  # the robot did not answer in time: staff confirm or retry
    FAILED = "failed", "发送失败"
    DISMISSED = "dismissed", "已忽略"


class ReminderKind(models.TextChoices):
    UNIT_DIGEST = "unit_digest", "牵头单位提醒"
    CO_UNIT_DIGEST = "co_unit_digest", "配合单位知会"
    STAFF_SUMMARY = "staff_summary", "逾期汇总（工作人员）"
    ESCALATION = "escalation", "逾期上报（领导）"
    # Workflow events: one message per event, told apart by Outbox.event_key.
    SUBMITTED = "submitted", "进展报告待审核"
    RETURNED = "returned", "进展报告被退回"
    APPROVED = "approved", "进展报告审核通过"
    EXTENSION_DECIDED = "extension_decided", "延期申请审批结果"
    INSTRUCTION = "instruction", "领导批示"
    INSTRUCTION_REPLY = "instruction_reply", "批示反馈"
    INSTRUCTION_DECIDED = "instruction_decided", "批示办结或退回"
    INSTRUCTION_DUE = "instruction_due", "批示反馈期限提醒"
    CHASE = "chase", "催办"
    YEAR_CLOSED = "year_closed", "年度销号结果"
    SUPERVISION = "supervision", "督办单"
    SUPERVISION_REPLY = "supervision_reply", "督办单回执"
    SUPERVISION_DECIDED = "supervision_decided", "督办单办结或退回"
    SUPERVISION_DUE = "supervision_due", "督办单签收及回执提醒"
    VERIFICATION_FAILED = "verification_failed", "核查不实，事项重新打开"


class Outbox(models.Model):
    """One message to send. The unique constraint is what "the same reminder" means; sending claims the
    row with a conditional update first, so two workers never send it twice."""

    recipient_key = models.CharField("收件对象", max_length=40, help_text="unit:<id> 或 user:<id>")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, null=True, blank=True
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    date = models.DateField("提醒日期")
    kind = models.CharField("类型", max_length=20, choices=ReminderKind.choices)
    event_key = models.CharField("事件", max_length=80, blank=True, help_text="工作流事件的标识；每日提醒为空")
    recipients = models.JSONField("收件地址", default=list)
    subject = models.CharField("标题", max_length=200)
    body_text = models.TextField("正文")
    body_html = models.TextField("HTML 正文", blank=True)
    items = models.JSONField("事项", default=list)
    status = models.CharField("状态", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.TextField("错误信息", blank=True)
    permanent_error = models.BooleanField("永久性错误", default=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["-date", "recipient_key", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "channel", "date", "kind", "event_key"], name="outbox_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} → {self.unit or self.user}（{self.get_channel_display()}）"


class Notification(models.Model):
    """The in-app copy of a reminder or workflow event (one line and a link), with a read or unread state."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="notifications"
    )
    outbox = models.ForeignKey(
        Outbox, verbose_name="提醒", on_delete=models.CASCADE, null=True, related_name="notifications"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    link = models.CharField("链接", max_length=300, blank=True)
    kind = models.CharField("类型", max_length=20, choices=ReminderKind.choices, blank=True)
    event_key = models.CharField("事件", max_length=80, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "outbox"], name="notification_once_per_outbox"),
            models.UniqueConstraint(
                fields=["user", "event_key"], condition=~models.Q(event_key=""), name="notification_once_per_event"
            ),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """How one person hears about workflow events beyond the in-app 通知 (which everyone gets)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="notification_preference"
    )
    notify_by = models.CharField("通知方式", max_length=10, choices=NotifyBy.choices, default=NotifyBy.EMAIL)

    class Meta:
        verbose_name = "通知方式"
        verbose_name_plural = "通知方式"

    def __str__(self):
        return f"{self.user}：{self.get_notify_by_display()}"


class Escalation(models.Model):
    """An overdue occurrence reported to the plan's overseeing leader (once per occurrence)."""

    occurrence = models.OneToOneField(
        Occurrence, verbose_name="期次", on_delete=models.CASCADE, related_name="escalation"
    )
    date = models.DateField("上报日期")

    class Meta:
        verbose_name = "逾期上报"
        verbose_name_plural = "逾期上报"

    def __str__(self):
        return f"{self.occurrence} 于 {self.date} 上报"


class ReminderRun(models.Model):
    """One day's reminders were all created. The daily job covers every day since the last completed one
    (at most REMINDER_CATCH_UP_DAYS), so a day missed while the broker was down is made good later."""

    date = models.DateField("提醒日期", unique=True)
    started_at = models.DateTimeField("开始时间")
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    created = models.PositiveIntegerField("新生成", default=0)

    class Meta:
        verbose_name = "每日提醒运行"
        verbose_name_plural = "每日提醒运行"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} 的提醒{'已完成' if self.completed_at else '未完成'}"


class RobotPace(models.Model):
    """One group robot's recent sends and back-off, shared by every worker and node (plans/notifications/pacing.py):
    the robot is its webhook URL (hashed, so no key is stored twice). Updated by a conditional update on version."""

    robot = models.CharField("机器人", max_length=64, unique=True)
    sent = models.JSONField("最近一分钟发送时间", default=list)  # epoch seconds, oldest first
    backoff_until = models.DateTimeField("限流暂停至", null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "机器人发送节奏"
        verbose_name_plural = "机器人发送节奏"

    def __str__(self):
        return self.robot
