"""Form pieces no app owns: Bootstrap classes, a hidden version field, evidence uploads, a review decision."""

from django import forms

from .uploads import ACCEPT_ATTRIBUTE, check_report_total, validate_evidence


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


class ReviewForm(BootstrapFormMixin, VersionedForm):
    decision = forms.ChoiceField(label="审核结果", choices=[("approve", "通过"), ("return", "退回")])
    # A text column, bounded so a review stays a comment (pages, e-mails and exports quote it).
    comment = forms.CharField(
        label="审核意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "退回时请填写退回意见。")
        return cleaned
