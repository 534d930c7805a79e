"""Importing a new plan from a 工作清单-style Excel file: upload, preview, confirm, progress (plans.loading)."""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plans import access
from plans.loading import import_jobs
from plans.loading.excel_import import PlanHeader, preview_import
from plans.tasks import run_import_task
from talentplan.lib.forms import BootstrapFormMixin
from units.models import Region


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="工作清单 Excel 文件（.xlsx）")
    code = forms.SlugField(label="计划代码", help_text="英文字母、数字和短横线，如 jianghai-rcqq-2025")
    title = forms.CharField(label="计划标题", max_length=200)
    document_number = forms.CharField(label="文号", max_length=60, required=False)
    issuers = forms.CharField(label="发文机关", max_length=300, required=False, help_text="多个机关以“、”分隔")
    issue_date = forms.DateField(label="印发日期", widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ModelChoiceField(label="地区", queryset=Region.objects.none(), to_field_name="code")
    start_year = forms.IntegerField(label="起始年份", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="截止年份", min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.regions(user)

    def header(self) -> PlanHeader:
        data = self.cleaned_data
        return PlanHeader(
            code=data["code"],
            title=data["title"],
            region=data["region"].code,
            start_year=data["start_year"],
            end_year=data["end_year"],
            issue_date=data["issue_date"],
            document_number=data["document_number"],
            issuers=[part for part in data["issuers"].split("、") if part.strip()],
        )


def import_plan(request):
    """Step 1: upload and preview. Nothing is written; the file waits in the "imports" storage."""
    access.require_page(request.user, "import_plan")
    if request.method != "POST":
        return render(request, "plans/import.html", {"form": ImportForm(user=request.user)})
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return render(request, "plans/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    token = uuid.uuid4().hex
    import_jobs.save_file(token, upload)
    with import_jobs.local_copy(token) as stored:
        preview = preview_import(stored, upload.name, form.header())
    import_jobs.save_preview(token, upload.name, form.header(), request.user.pk, len(preview.rows), preview.ok)
    status = 200 if preview.ok else 400
    return render(request, "plans/import.html", {"form": form, "preview": preview, "token": token}, status=status)


def _own_preview(request, token):
    state = import_jobs.load(token)
    return state if state is not None and state.get("user") == request.user.pk else None


@require_POST
def import_confirm(request):
    """Step 2: hand the previewed file to the background task (all rows or none), then show its progress."""
    access.require_page(request.user, "import_plan")
    token = request.POST.get("token", "")
    state = _own_preview(request, token)
    if not state or state.get("state") == "" and not import_jobs.has_file(token):
        messages.error(request, "导入预览已失效，请重新上传文件。")
        return redirect("plans:import")
    if state.get("state"):
        return redirect("plans:import_status", token=token)  # confirmed already: a second click writes nothing
    if not state.get("ok"):
        header = import_jobs.header_of(state)
        with import_jobs.local_copy(token) as stored:
            preview = preview_import(stored, state["name"], header)
        messages.error(request, "未导入，数据库未作任何修改：" + "；".join(preview.errors[:5]))
        form = ImportForm(initial=state["header"], user=request.user)
        return render(request, "plans/import.html", {"form": form, "preview": preview, "token": token}, status=400)
    import_jobs.mark(token, import_jobs.QUEUED)
    if settings.IMPORT_IN_BACKGROUND:
        try:
            run_import_task.delay(token)
        except Exception:  # the broker is down: write now rather than leave the job queued forever
            import_jobs.run_import(token)
    else:
        import_jobs.run_import(token)
    return redirect("plans:import_status", token=token)


def import_status(request, token):
    """The import's progress: refreshes itself while the task writes, then links to the new plan."""
    access.require_page(request.user, "import_plan")
    state = _own_preview(request, token)
    if state is None or not state.get("state"):
        raise Http404("导入任务不存在或已过期")
    if state["state"] == import_jobs.DONE and request.GET.get("go"):
        return redirect("plans:plan", code=state["plan_code"])
    context = {"job": state, "label": import_jobs.STATE_LABELS[state["state"]], "token": token}
    context["working"] = state["state"] in (import_jobs.QUEUED, import_jobs.RUNNING)
    return render(request, "plans/import_status.html", context)
