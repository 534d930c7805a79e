"""Forms: every message a user can see is in Chinese."""

from django import forms

from talentplan.lib.forms import BootstrapFormMixin, MultipleFileField, VersionedForm

from .choices import MilestoneStatus, Rag
from .models import Milestone, Occurrence

# Free text is bounded before anything is written: a text column takes any length, but a page, an e-mail
# and an export do not; a character column's own max_length is read from the model.
NARRATIVE_MAX = 5000
REASON_MAX = 1000
COMMENT_MAX = 1000
RAG_REASON_MAX = Milestone._meta.get_field("rag_override_reason").max_length


class ProgressReportForm(BootstrapFormMixin, forms.Form):
    occurrence = forms.ModelChoiceField(
        label="报送期次", queryset=Occurrence.objects.none(), required=False, empty_label="（不针对具体期次）"
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

    def clean_narrative(self):
        narrative = self.cleaned_data["narrative"].strip()
        if not narrative:
            raise forms.ValidationError("请填写进展情况。")
        return narrative


class ResubmitReportForm(ProgressReportForm, VersionedForm):
    pass


class ExtensionRequestForm(BootstrapFormMixin, forms.Form):
    occurrence = forms.ModelChoiceField(
        label="申请延期的期次", queryset=Occurrence.objects.none(), empty_label="请选择期次"
    )
    requested_due_date = forms.DateField(
        label="申请延期至",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期。"},
    )
    reason = forms.CharField(label="延期理由", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurrence"].queryset = milestone.occurrences.filter(is_deadline=True, completed_on__isnull=True)


class ExtensionReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label="审批结果", choices=[("approve", "批准"), ("reject", "不批准")])
    comment = forms.CharField(
        label="审批意见", required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class InstructionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="批示内容", max_length=NARRATIVE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


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
