"""Forms: every message a user can see is in Chinese."""

from django import forms
from django.utils import timezone

from plans.choices import MilestoneStatus, NotifyBy, Rag, UnitRole
from plans.models import ExtensionRequest, Measure, Milestone, Occurrence, Plan, ReminderSettings
from plans.models.reminders import ROBOT_CHOICES
from plans.notifications.channels import TRANSPORTS, robot_for_url, robot_hosts, robot_of
from plans.workflow.reporting import NO_DEADLINE_WARNING, default_occurrence_id
from talentplan.lib.forms import (
    BootstrapFormMixin,
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    DecisionForm,
    MultipleFileField,
    ReviewForm,
    VersionedForm,
    decision_field,
)
from talentplan.lib.recipients import mask_secret, normalize_webhook_url, split_addresses
from units.models import Unit

# Free text is bounded before anything is written: a text column takes any length, but a page, an e-mail
# and an export do not; a character column's own max_length is read from the model.
NARRATIVE_MAX = 5000
REASON_MAX = 1000
COMMENT_MAX = 1000
RAG_REASON_MAX = Milestone._meta.get_field("rag_override_reason").max_length


class ProgressReportForm(BootstrapFormMixin, forms.Form):
    occurrence = BoundedModelChoiceField(
        label="报送期次",
        queryset=Occurrence.objects.none(),
        required=False,
        empty_label="（不针对具体期次）",
        help_text="默认为当前待完成（或已逾期）的期次；报“已完成”时请选择所完成的期次，否则该期限仍按未完成计。",
    )
    status = forms.ChoiceField(label="工作状态", choices=MilestoneStatus.choices)
    percent = forms.IntegerField(
        label="完成进度（%）",
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "完成进度应在 0 到 100 之间。",
            "max_value": "完成进度应在 0 到 100 之间。",
            "invalid": "完成进度请填写 0 到 100 之间的整数。",
        },
    )
    narrative = forms.CharField(
        label="进展情况",
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "请填写进展情况。"},
    )
    files = MultipleFileField(
        label="佐证材料", required=False, help_text="可多选；PDF、Word、Excel、JPG、PNG，每个不超过 10 MB"
    )

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurrence"].queryset = milestone.occurrences.all()
        if not self.is_bound:
            if self.initial.get("occurrence") is None:
                self.initial["occurrence"] = default_occurrence_id(milestone)
            # A new report starts from where the node plan stands, so a liaison changes only what moved.
            self.initial.setdefault("status", milestone.status)
            self.initial.setdefault("percent", milestone.percent)

    def clean_narrative(self):
        narrative = self.cleaned_data["narrative"].strip()
        if not narrative:
            raise forms.ValidationError("请填写进展情况。")
        return narrative


class ResubmitReportForm(ProgressReportForm, VersionedForm):
    pass


class ReportReviewForm(ReviewForm):
    """The review of a progress report; a 已完成 report naming no deadline asks for an explicit confirmation."""

    confirm_no_deadline = forms.BooleanField(label="确认不对应期次通过", required=False)

    def __init__(self, *args, warn: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.warning = NO_DEADLINE_WARNING if warn else ""
        if not warn:
            del self.fields["confirm_no_deadline"]
        else:
            self.fields["confirm_no_deadline"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        if self.warning and cleaned.get("decision") == "approve" and not cleaned.get("confirm_no_deadline"):
            self.add_error("confirm_no_deadline", "该报告未注明完成的期次：请退回，或勾选确认后再通过。")
        return cleaned


class ExtensionRequestForm(BootstrapFormMixin, forms.Form):
    occurrence = BoundedModelChoiceField(
        label="申请延期的期次", queryset=Occurrence.objects.none(), empty_label="请选择期次"
    )
    requested_due_date = forms.DateField(
        label="申请延期至",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期。"},
    )
    reason = forms.CharField(label="延期理由", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    beyond_plan_confirmed = forms.BooleanField(label="确认超出计划期限", required=False)

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurrence"].queryset = milestone.occurrences.filter(is_deadline=True, completed_on__isnull=True)
        end = milestone.plan.end_year
        self.fields[
            "beyond_plan_confirmed"
        ].help_text = f"延期至{end}年12月31日之后（计划期限之后）时须勾选，并在理由中说明"


class ExtensionReviewForm(DecisionForm):
    decision = decision_field([("approve", "批准"), ("reject", "不批准")], label="审批结果")
    comment = forms.CharField(
        label="审批意见", required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    return_value, comment_required_message = "reject", ExtensionRequest.comment_required_message


class InstructionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="批示内容", max_length=NARRATIVE_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    units = BoundedModelMultipleChoiceField(
        label="承办单位",
        queryset=Unit.objects.none(),
        required=False,
        help_text="不选则由牵头单位承办",
        error_messages={"invalid_choice": "所选承办单位无效。", "invalid_pk_value": "所选承办单位无效。"},
    )
    reply_by = forms.DateField(
        label="反馈期限（可选）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期。"},
    )

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(region_id=milestone.plan.region_id)
        self.fields["units"].initial = [a.unit_id for a in milestone.assignments.all() if a.role == UnitRole.LEAD]
        self.fields["units"].widget.attrs["size"] = 6


class InstructionReplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label="反馈内容",
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写反馈内容。"},
    )
    files = MultipleFileField(
        label="附件", required=False, help_text="可多选；PDF、Word、Excel、JPG、PNG，每个不超过 10 MB"
    )


class InstructionDecisionForm(BootstrapFormMixin, VersionedForm):
    decision = forms.ChoiceField(choices=[("done", "办结"), ("return", "退回继续办理")])
    comment = forms.CharField(
        label="办理意见", required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "退回时请说明还需办理的内容。")
        return cleaned


class ChaseForm(BootstrapFormMixin, forms.Form):
    message = forms.CharField(
        label="催办说明（可选）",
        required=False,
        max_length=300,
        error_messages={"max_length": "催办说明不能超过 300 字。"},
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class NotificationPreferenceForm(forms.Form):
    notify_by = forms.ChoiceField(label="通知方式", choices=NotifyBy.choices, widget=forms.RadioSelect)


class StatusForm(BootstrapFormMixin, VersionedForm):
    status = forms.ChoiceField(label="工作状态", choices=MilestoneStatus.choices)
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    reason = forms.CharField(label="修改说明", required=False, max_length=REASON_MAX)


class RagOverrideForm(BootstrapFormMixin, VersionedForm):
    rag = forms.ChoiceField(label="指定灯色", choices=[("", "按规则自动计算"), *Rag.choices], required=False)
    reason = forms.CharField(label="理由", required=False, max_length=RAG_REASON_MAX)  # Milestone.rag_override_reason

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rag") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "指定灯色时必须填写理由。")
        return cleaned


class ReminderSettingsForm(BootstrapFormMixin, forms.ModelForm):
    """A unit's recipients, checked when saved (the admin uses this form too): addresses split on any
    separator, full-width ones included, and stored one a line; the robot URL made sendable (IDN host,
    encoded path); the robot kind taken from the host when not chosen. The 加签 secret is never shown
    back, nor is the robot URL (its key is a credential): the fields stay empty, their help text shows
    the stored value masked by its robot's rule, and leaving them empty keeps it."""

    clear_secret = forms.BooleanField(label="清除已保存的加签密钥", required=False)

    class Meta:
        model = ReminderSettings
        fields = [
            "unit",
            "email_enabled",
            "extra_emails",
            "webhook_enabled",
            "robot_channel",
            "webhook_url",
            "robot_secret",
        ]
        widgets = {"robot_secret": forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})}
        field_classes = {"webhook_url": forms.CharField}  # checked and encoded by normalize_webhook_url

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extra_emails"].help_text = "可用逗号、分号（含全角）、顿号、空格或换行分隔"
        self.fields["robot_channel"].help_text = f"留空时按地址的主机名判断（{robot_hosts()}）"
        stored_url = self.instance.webhook_url if self.instance.pk else ""
        if stored_url:  # the URL carries the robot's key or token: shown masked, never put back in the page
            self.initial["webhook_url"] = ""
            masked = robot_of(self.instance).masked_url(stored_url)
            self.fields["webhook_url"].help_text = f"已保存：{masked}。留空表示不修改。"
        stored = self.instance.robot_secret if self.instance.pk else ""
        if stored:
            self.fields["robot_secret"].help_text = f"已保存：{mask_secret(stored)}。留空表示不修改。"

    def clean_extra_emails(self):
        addresses, errors = split_addresses(self.cleaned_data.get("extra_emails", ""))
        if errors:
            raise forms.ValidationError(errors)
        return "\n".join(addresses)

    def clean_webhook_url(self):
        url = self.cleaned_data.get("webhook_url", "").strip()
        if not url:
            return self.instance.webhook_url if self.instance.pk else ""
        normalized, error = normalize_webhook_url(url)
        if error:
            raise forms.ValidationError(error)
        return normalized

    def clean_robot_secret(self):
        secret = "".join(self.cleaned_data.get("robot_secret", "").split())
        if self.cleaned_data.get("clear_secret"):
            return ""
        return secret or (self.instance.robot_secret if self.instance.pk else "")

    def clean(self):
        data = super().clean()
        url = data.get("webhook_url", "")
        if data.get("webhook_enabled") and not url and "webhook_url" not in self.errors:
            self.add_error("webhook_url", "已开启群机器人推送，请填写群机器人地址")
        if url and not data.get("robot_channel"):
            data["robot_channel"] = robot_for_url(url)
            if data.get("webhook_enabled") and not data["robot_channel"]:
                names = "或".join(label.removesuffix("群机器人") for _, label in ROBOT_CHOICES)
                self.add_error("robot_channel", f"无法从地址判断群机器人类型，请选择{names}")
        robot = TRANSPORTS.get(data.get("robot_channel"))
        if data.get("robot_secret") and robot is not None and not robot.signed:
            self.add_error("robot_secret", f"{robot.label}群机器人不使用加签密钥，请清除")
        return data


# --- 交办: bounded lengths and ranges; plans.workflow.assignment writes -----------------------------------

LEAD_SLOTS = 3  # 牵头单位, in order
CO_SLOTS = 6  # 责任（配合）单位, in order
TEXT_MAX = 2000
DUE_TEXT_MAX = Milestone._meta.get_field("due_text").max_length


class MilestoneForm(BootstrapFormMixin, forms.Form):
    measure = BoundedModelChoiceField(label="工作举措", queryset=Measure.objects.none(), empty_label=None)
    text = forms.CharField(label="节点计划", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), strip=True)
    due_text = forms.CharField(
        label="完成时间",
        max_length=DUE_TEXT_MAX,
        help_text="按文件写法填写，如“2026年12月”“2024年上半年”“2023年6月—12月”“每年6月”“每季度”“每半年”“每月10日前”“长期推进”",
        widget=forms.TextInput(attrs={"data-schedule-preview": "1", "autocomplete": "off"}),
    )
    beyond_plan_reason = forms.CharField(
        label="超出计划期限的理由",
        required=False,
        max_length=REASON_MAX,
        help_text="只在完成时间晚于计划最后一天时填写，记入修改记录",
    )
    note = forms.CharField(label="备注", required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan: Plan | None, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is None:  # an ad-hoc 督办事项: its container's single measure is chosen by the service
            del self.fields["measure"]
        else:
            self.fields["measure"].queryset = plan.measures.order_by("position")
            self.fields["measure"].label_from_instance = lambda m: m.text[:60]
        units = Unit.objects.filter(region=region or plan.region).order_by("name")
        for prefix, label, slots in (("lead", "牵头单位", LEAD_SLOTS), ("co", "责任单位", CO_SLOTS)):
            for index in range(1, slots + 1):
                self.fields[f"{prefix}_{index}"] = BoundedModelChoiceField(
                    label=f"{label}{index}",
                    queryset=units,
                    required=prefix == "lead" and index == 1,
                    empty_label="（无）",
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
        self.fields["due_text"].widget.attrs["data-plan"] = str(plan.pk) if plan else ""
        # The completion time comes last, so the deadline preview sits right under it.
        last = ["due_text", "beyond_plan_reason"]
        self.order_fields([name for name in self.fields if name not in last] + last)

    def units(self, prefix: str) -> list[Unit]:
        slots = LEAD_SLOTS if prefix == "lead" else CO_SLOTS
        return [u for i in range(1, slots + 1) if (u := self.cleaned_data.get(f"{prefix}_{i}"))]

    def clean(self):
        cleaned = super().clean()
        chosen = [u.pk for prefix in ("lead", "co") for u in self.units(prefix)]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("同一单位不能重复指定。")
        return cleaned

    @classmethod
    def initial_for(cls, milestone: Milestone) -> dict:
        initial = {
            "measure": milestone.measure_id,
            "text": milestone.text,
            "due_text": milestone.schedule_phrase,
            "note": milestone.note,
            "version": milestone.version,
        }
        leads = [a for a in milestone.assignments.all() if a.role == "lead"]
        cos = [a for a in milestone.assignments.all() if a.role != "lead"]
        initial.update({f"lead_{i}": a.unit_id for i, a in enumerate(leads[:LEAD_SLOTS], start=1)})
        initial.update({f"co_{i}": a.unit_id for i, a in enumerate(cos[:CO_SLOTS], start=1)})
        return initial


class MilestoneEditForm(MilestoneForm, VersionedForm):
    pass


class MeasureForm(BootstrapFormMixin, forms.Form):
    item = BoundedModelChoiceField(label="项目内容", queryset=None, empty_label=None)
    text = forms.CharField(label="工作举措", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = plan.items.order_by("number")


class MeasureEditForm(MeasureForm, VersionedForm):
    pass


class PlanForm(BootstrapFormMixin, forms.Form):
    region = BoundedModelChoiceField(label="地区", queryset=None, empty_label=None)
    code = forms.SlugField(label="代码", max_length=60, help_text="字母、数字、连字符，如 jianghai-2027")
    title = forms.CharField(label="标题", max_length=200)
    document_number = forms.CharField(label="文号", max_length=60, required=False)
    issuers = forms.CharField(label="发文机关", max_length=300, help_text="多个机关以“、”分隔")
    issue_date = forms.DateField(label="印发日期", widget=forms.DateInput(attrs={"type": "date"}))
    start_year = forms.IntegerField(label="起始年份", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="截止年份", min_value=2000, max_value=2100)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        year = timezone.localdate().year
        self.fields["start_year"].initial, self.fields["end_year"].initial = year, year + 2

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "截止年份不能早于起始年份。")
        if end and start and end - start > 20:
            self.add_error("end_year", "计划年限不能超过 20 年。")
        return cleaned


class PreviewForm(forms.Form):
    """The JSON preview's parameters: bounded like every other input."""

    due_text = forms.CharField(max_length=DUE_TEXT_MAX, required=False)
    plan = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class PlanEditForm(BootstrapFormMixin, VersionedForm):
    title = PlanForm.base_fields["title"]
    document_number = PlanForm.base_fields["document_number"]
    issuers = PlanForm.base_fields["issuers"]
    issue_date = PlanForm.base_fields["issue_date"]
