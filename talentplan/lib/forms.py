"""Form pieces no app owns: Bootstrap classes, a hidden version field, evidence uploads, a review decision."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe

from talentplan.lib.params import is_ascii_int
from talentplan.lib.uploads import ACCEPT_ATTRIBUTE, check_report_total, validate_evidence


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked = [
            (upload, validate_evidence(super(MultipleFileField, self).clean(upload, initial))) for upload in uploads
        ]
        check_report_total([upload for upload, _ in checked])
        return checked


class QuickSelect(forms.Select):
    """A single <select> written in Python. Django renders every <option> through two templates (about 30 µs
    each); the task list's filters offer hundreds of units, plans and categories at provincial scale."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(iter(self.choices))  # one pass: a model choice iterator queries on each (and counts on len)
        if self.allow_multiple_selected or any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)  # groups, multiple: Django's own templates
        final = self.build_attrs(self.attrs, attrs)
        final.pop("name", None)
        chosen = next(iter(self.format_value(value)), None)
        # Joined by hand, not format_html_join: one format_html (a str.format, a SafeString) per option adds up.
        options = []
        for v, label in choices:
            key = "" if v is None else str(v)
            selected = " selected" if key == chosen else ""
            options.append(f'<option value="{escape(key)}"{selected}>{conditional_escape(label)}</option>')
        options = mark_safe("".join(options))
        # name first, as Django's own Select writes it (flatatt sorts the rest)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


def quick_selects(form) -> None:
    """Swap the form's plain single selects for QuickSelect (same attributes and choices)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = QuickSelect


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class BootstrapFormMixin:
    """Bootstrap's classes on every visible widget: form-select for choices, form-control otherwise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput | MultipleFileInput):
                continue
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class DecisionButtons(forms.HiddenInput):
    """A decision is the submit button pressed, so the form draws no input for it (it counts as hidden);
    templates/includes/decision_buttons.html draws one button per choice, the first as the positive one."""

    def render(self, name, value, attrs=None, renderer=None):
        return ""


def decision_field(choices, label="审核结果"):
    words = "或".join(f"“{text}”" for _, text in choices)
    message = f"请点击{words}按钮提交。"
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=DecisionButtons,
        error_messages={"required": message, "invalid_choice": message},
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    """通过 or 退回, two buttons; a 退回 without a comment is refused (the service refuses it too)."""

    decision = decision_field([("approve", "通过"), ("return", "退回")])
    # A text column, bounded so a review stays a comment (pages, e-mails and exports quote it).
    comment = forms.CharField(
        label="审核意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    return_value, comment_required_message = "return", "退回时请填写退回意见。"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.return_value and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", self.comment_required_message)
        return cleaned


class ReviewForm(DecisionForm, VersionedForm):
    """A review of a versioned row: a stale page is refused."""


def _refuse_unreadable_pk(field, value):
    """A primary key the database cannot hold (SQLite raises OverflowError past 2**63) is an invalid choice,
    refused before any query, so a crafted value gets the form's Chinese error instead of a 500."""
    if value not in field.empty_values and not is_ascii_int(value):
        raise forms.ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if not getattr(self, "to_field_name", None):
            _refuse_unreadable_pk(self, value)
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else [value]:
            _refuse_unreadable_pk(self, pk)
        return super()._check_values(value)


class WholeNumberField(forms.DecimalField):
    """A whole number in ASCII digits, with an optional minus sign: what int() or Decimal() would also read
    ("１２", "١٢") or refuse with a 500 upstream ("²³") is the field's "invalid" error, as any other bad text."""

    def to_python(self, value):
        if value not in self.empty_values and not is_ascii_int(str(value).strip().removeprefix("-")):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
