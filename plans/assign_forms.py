"""Forms of 交办: bounded lengths and ranges, Chinese errors; the services in plans.assign do the writing."""

from django import forms
from django.utils import timezone

from plans.models import Measure, Milestone, Plan
from talentplan.lib.forms import BootstrapFormMixin, BoundedModelChoiceField, VersionedForm
from units.models import Unit

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
        help_text="按文件写法填写，如“2026年12月”“2026年底”“每年6月”“每年下半年”“长期推进”",
        widget=forms.TextInput(attrs={"data-schedule-preview": "1", "autocomplete": "off"}),
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
        self.order_fields([name for name in self.fields if name != "due_text"] + ["due_text"])

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
