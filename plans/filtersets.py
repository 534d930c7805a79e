import django_filters
from django import forms
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

from plans import access
from plans.choices import MilestoneStatus, Outcome, Rag, UnitRole
from plans.models import Category, MilestoneUnit, Plan
from plans.tracking import done_q, due_within, in_year_q, overdue, rag_q, year_outcome_q
from talentplan.lib.forms import WholeNumberField, quick_selects
from talentplan.lib.params import YEAR_RANGE, is_ascii_int
from units.models import Unit

SEARCH_MAX = 100  # characters; each word becomes a LIKE pattern, and SQLite refuses very long ones
SEARCH_WORDS_MAX = 10
DUE_WITHIN_MAX = 3660  # ten years of days: longer than any plan


class RowChoices(BaseChoiceIterator):
    """A model choice filter's options read as plain rows, one values_list query when the form is drawn:
    the ModelChoiceIterator built a model instance per option (hundreds of units, plans and categories at
    provincial scale, issue 13). The field's queryset still checks a submitted value. `label` turns the
    row's other values into the option's text, as the field's label_from_instance would."""

    def __init__(self, field, rows, label):
        self.field, self.rows, self.label = field, rows, label

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for pk, *values in self.rows:
            yield (pk, self.label(*values))


class BoundedChoiceField(django_filters.fields.ModelChoiceField):
    """A row chosen by its id in ASCII digits (talentplan.lib.params): "²³", "１" or a 20-digit id is an invalid
    choice, refused before any query."""

    def to_python(self, value):
        if value not in self.empty_values and value != self.null_value and not is_ascii_int(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = BoundedChoiceField


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


class MilestoneFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="filter_text", max_length=SEARCH_MAX)
    plan = BoundedModelChoiceFilter(label="行动计划", queryset=Plan.objects.active(), empty_label="全部计划")
    category = BoundedModelChoiceFilter(
        label="工作任务",
        field_name="measure__item__category",
        queryset=Category.objects.filter(plan__archived_at__isnull=True).select_related("plan"),
        empty_label="全部",
    )
    unit = BoundedModelChoiceFilter(
        label="单位", queryset=Unit.objects.all(), method="filter_unit", empty_label="全部单位"
    )
    unit_role = django_filters.ChoiceFilter(
        label="单位角色",
        choices=[("lead", "仅牵头"), ("any", "任一角色")],
        method="filter_noop",
        empty_label="任一角色",
    )
    status = django_filters.ChoiceFilter(label="状态", choices=MilestoneStatus.choices, empty_label="全部状态")
    rag = django_filters.ChoiceFilter(label="灯色", choices=Rag.choices, empty_label="全部灯色", method="filter_rag")
    overdue = django_filters.BooleanFilter(
        label="逾期",
        method="filter_overdue",
        widget=forms.Select(choices=[("", "全部"), ("true", "仅逾期"), ("false", "未逾期")]),
    )
    # Bounded so a crafted ?due_within=99999999999999999999 or ?year=-1 is a form error, not a date overflow.
    due_within = WholeNumberFilter(
        label="N 天内到期", method="filter_due_within", min_value=0, max_value=DUE_WITHIN_MAX, decimal_places=0
    )
    year = WholeNumberFilter(
        label="年度", method="filter_year", min_value=YEAR_RANGE[0], max_value=YEAR_RANGE[1], decimal_places=0
    )
    done = django_filters.BooleanFilter(
        label="已完成（按年度）",
        method="filter_done",
        widget=forms.Select(choices=[("", "全部"), ("true", "已完成"), ("false", "未完成")]),
    )
    outcome = django_filters.ChoiceFilter(
        label="期限完成情况", choices=Outcome.choices, method="filter_outcome", empty_label="全部"
    )

    class Meta:
        fields = [
            *("q", "plan", "category", "unit", "unit_role", "status", "rag"),
            *("overdue", "due_within", "year", "done", "outcome"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        plans = access.own_region_first(access.plans_with_tasks(user).active(), user, "-issue_date", "code")
        self.filters["plan"].queryset = plans
        self.filters["category"].queryset = access.own_region_first(
            Category.objects.filter(plan__in=plans).select_related("plan"),
            user,
            "plan",
            "position",
            region="plan__region",
        )
        self.filters["unit"].queryset = access.units(user)
        self.form.fields["unit"].label_from_instance = lambda unit: access.unit_label(user, unit)
        self._rows_as_choices(user)
        for field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
        quick_selects(self.form)
        self.form.fields["due_within"].error_messages.update(
            min_value="天数不能为负数。",
            max_value=f"天数不能超过 {DUE_WITHIN_MAX}。",
            invalid="请输入天数（整数）。",
            max_decimal_places="天数请填写整数。",
            max_digits=f"天数不能超过 {DUE_WITHIN_MAX}。",
        )
        self.form.fields["q"].error_messages["max_length"] = f"搜索内容不能超过 {SEARCH_MAX} 个字。"
        self.form.fields["year"].error_messages.update(
            min_value=f"年度应在 {YEAR_RANGE[0]} 到 {YEAR_RANGE[1]} 之间。",
            max_value=f"年度应在 {YEAR_RANGE[0]} 到 {YEAR_RANGE[1]} 之间。",
            invalid="年度请填写四位数字，如 2024。",
            max_decimal_places="年度请填写四位数字，如 2024。",
            max_digits=f"年度应在 {YEAR_RANGE[0]} 到 {YEAR_RANGE[1]} 之间。",
        )

    def _rows_as_choices(self, user):
        fields = self.form.fields
        home = access.home_region_id(user)
        drawn = {
            "plan": (self.filters["plan"].queryset.values_list("pk", "title"), str),  # Plan.__str__
            "category": (self.filters["category"].queryset.values_list("pk", "name"), str),  # Category.__str__
            # access.unit_label without the instance
            "unit": (
                self.filters["unit"].queryset.values_list("pk", "name", "region_id", "region__name"),
                lambda name, region_id, region_name: name if region_id == home else f"{region_name}·{name}",
            ),
        }
        for name, (rows, label) in drawn.items():
            fields[name].widget.choices = RowChoices(fields[name], rows, label)

    def filter_text(self, queryset, name, value):
        """Every word must appear in the node plan, its measure or its item, or in a unit's full name, short name,
        the document's spelling or any alias of it (q=人社局 finds 区人社局 = 区人力资源和社会保障局): all held in
        the node plan's stored search text (plans.search_text), one column with one trigram index."""
        for word in value.split()[:SEARCH_WORDS_MAX]:
            queryset = queryset.filter(search_text__icontains=word)
        return queryset

    def filter_unit(self, queryset, name, unit):
        # "Lead only" means the unit is named as 牵头单位 (as the dashboard's league counts it); "any role"
        # also covers the tasks given to a group the unit belongs to (各街道 for a street).
        if self.form.cleaned_data.get("unit_role") == "lead":
            assignments = MilestoneUnit.objects.filter(unit=unit, role=UnitRole.LEAD)
        else:
            assignments = MilestoneUnit.objects.filter(unit_id__in=[unit.pk, *unit.groups.values_list("pk", flat=True)])
        return queryset.filter(pk__in=assignments.values("milestone_id"))

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_unit

    def filter_rag(self, queryset, name, value):
        """The light as with_tracking's `rag` says, on the stored, indexed columns (tracking.rag_q)."""
        return queryset.filter(rag_q(value, timezone.localdate())) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return (
            overdue(queryset, today)
            if value
            else queryset.exclude(pk__in=overdue(queryset, today).order_by().values("pk"))
        )

    def filter_due_within(self, queryset, name, value):
        return due_within(queryset, timezone.localdate(), int(value)) if value is not None else queryset

    def filter_year(self, queryset, name, value):
        """Node plans with a deadline or report period in that year."""
        return queryset.filter(in_year_q(int(value)))

    def filter_outcome(self, queryset, name, value):
        """Node plans with a deadline (of the chosen year) 按期完成 / 逾期完成 / 未完成 today (the dashboard's)."""
        year = self.form.cleaned_data.get("year")
        return queryset.filter(year_outcome_q(value, int(year) if year is not None else None, timezone.localdate()))

    def filter_done(self, queryset, name, value):
        """已完成 as the dashboard counts it: for the chosen year per its deadlines, else over all years."""
        if value is None:
            return queryset
        year = self.form.cleaned_data.get("year")
        done = done_q(int(year) if year is not None else None)
        return queryset.filter(done) if value else queryset.exclude(done)


class MyTaskFilterSet(MilestoneFilterSet):
    """我的任务: the same filters, minus the ones that make no sense for one unit's open tasks."""

    KEPT = ("q", "plan", "status", "rag", "overdue", "due_within")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [n for n in self.filters if n not in self.KEPT]:
            del self.filters[name]
            self.form.fields.pop(name, None)
        status = self.form.fields["status"]
        status.choices = [c for c in status.choices if c[0] != MilestoneStatus.COMPLETED]  # /my/ lists open ones
