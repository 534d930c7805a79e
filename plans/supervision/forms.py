"""督办单's forms: issuing, the 回执 and staff's decision. Every message is in Chinese."""

from django import forms

from plans.choices import SupervisionColour
from plans.supervision.service import REASON_MAX, REQUIREMENT_MAX
from talentplan.lib.forms import BootstrapFormMixin, MultipleFileField, VersionedForm

NARRATIVE_MAX = 5000
COMMENT_MAX = 1000


class SupervisionIssueForm(BootstrapFormMixin, forms.Form):
    tasks = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "请选择要督办的节点计划。"})
    colour = forms.ChoiceField(
        label="督办等级",
        required=False,
        choices=[("", "按建议等级")] + list(SupervisionColour.choices),
        error_messages={"invalid_choice": "督办等级无效，请选择蓝色、黄色或红色督办。"},
    )
    colour_reason = forms.CharField(
        label="调整等级理由",
        required=False,
        max_length=REASON_MAX,
        help_text="选择的等级与建议等级不同时必填",
        error_messages={"max_length": f"调整等级理由不能超过 {REASON_MAX} 字。"},
    )
    requirement = forms.CharField(
        label="督办要求",
        max_length=REQUIREMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写督办要求。", "max_length": f"督办要求不能超过 {REQUIREMENT_MAX} 字。"},
    )
    reply_by = forms.DateField(
        label="回执期限",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写回执期限。", "invalid": "回执期限的日期格式不对，请按 2026-01-31 填写。"},
    )

    def clean_tasks(self):
        raw = self.cleaned_data["tasks"]
        try:
            ids = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("所选节点计划无效，请从节点计划页面重新选择。") from None
        if not ids or len(ids) > 200 or any(pk <= 0 or pk > 2**31 - 1 for pk in ids):
            raise forms.ValidationError("所选节点计划无效（一次最多 200 项），请重新选择。")
        return ids


class SupervisionReplyForm(BootstrapFormMixin, forms.Form):
    progress = forms.CharField(
        label="办理进展",
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写办理进展。", "max_length": f"办理进展不能超过 {NARRATIVE_MAX} 字。"},
    )
    measures = forms.CharField(
        label="整改措施",
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写整改措施。", "max_length": f"整改措施不能超过 {NARRATIVE_MAX} 字。"},
    )
    files = MultipleFileField(
        label="佐证材料", required=False, help_text="可多选；PDF、Word、Excel、JPG、PNG，每个不超过 10 MB"
    )


class SupervisionDecisionForm(BootstrapFormMixin, VersionedForm):
    decision = forms.ChoiceField(
        choices=[("done", "办结"), ("return", "退回")], error_messages={"required": "请选择办结或退回。"}
    )
    comment = forms.CharField(
        label="办理意见（退回时必填）",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"办理意见不能超过 {COMMENT_MAX} 字。"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "退回时请说明理由和还需办理的内容。")
        return cleaned
