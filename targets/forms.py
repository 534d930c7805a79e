from django import forms

from talentplan.lib.forms import BootstrapFormMixin, ReviewForm
from talentplan.lib.uploads import ACCEPT_ATTRIBUTE, validate_evidence
from targets.models import IndicatorEntry


class IndicatorEntryForm(BootstrapFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)
    value_kind = forms.ChoiceField(label="填报口径", choices=IndicatorEntry.ValueKind.choices)
    value = forms.DecimalField(
        label="数值",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages={"invalid": "请输入数字。", "min_value": "数值不能为负数。", "required": "请填写数值。"},
    )
    member = forms.ChoiceField(label="成员", required=False)
    source_note = forms.CharField(label="数据来源", max_length=300, error_messages={"required": "请填写数据来源。"})
    evidence = forms.FileField(
        label="佐证材料", required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
    )

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in indicator.plan.years]
        if indicator.member_label:  # each member reports its own figure (targets.members)
            self.fields["member"].required = True
            self.fields["member"].label = f"成员（{indicator.member_label}分别填报）"
            self.fields["member"].choices = [("", "请选择"), *[(m, m) for m in indicator.members or []]]
            self.fields["member"].error_messages["required"] = f"该指标要求{indicator.member_label}都达到，请选择成员。"
        else:
            del self.fields["member"]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            validate_evidence(upload)
        return upload


class EntryReviewForm(ReviewForm):
    pass
