"""The plan page and its downloads: the 工作清单 (Excel) and the 进展通报 (Word)."""

import io

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from audit.choices import Action
from audit.log import record_response
from plans import access
from plans.bulletin.document import build_bulletin
from plans.bulletin.periods import default_period, period_named, periods
from plans.dashboard.board import plan_tally
from plans.excel.worklist import save_worklist

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(buffer_writer, filename: str, content_type: str):
    buffer = io.BytesIO()
    buffer_writer(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=content_type)


def worklist_download(request, code):
    plan = get_object_or_404(access.plans(request.user), code=code)
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{plan.title}工作清单（{stamp}）.xlsx"
    response = _download(lambda buffer: save_worklist(plan, buffer), filename, XLSX)
    return record_response(Action.EXPORT, request, response, target=filename, obj=plan)


def bulletin_download(request, code):
    """?period= names the period (plans.bulletin.periods); ?year= is the same for a plan year (older links)."""
    plan = get_object_or_404(access.plans(request.user), code=code)
    key = request.GET.get("period") or request.GET.get("year")
    period = period_named(plan, key) if key else default_period(plan)
    if period is None:
        raise Http404("该期间不在计划实施年度内")
    filename = f"{plan.title}{period.label}进展通报.docx"
    response = _download(build_bulletin(plan, period).save, filename, DOCX)
    return record_response(Action.DOWNLOAD, request, response, target=filename, obj=plan)


def plan_detail(request, code):
    plan = get_object_or_404(access.plans(request.user).select_related("region", "archived_by"), code=code)
    today = timezone.localdate()
    closures = list(plan.closures.select_related("closed_by"))
    closed_years = {closure.year for closure in closures}
    context = {
        "plan": plan,
        "tally": plan_tally(plan, None, today),
        "closures": closures,
        "closable_years": [year for year in plan.years if year not in closed_years],
        "bulletin_periods": periods(plan),
    }
    return render(request, "plans/plan_detail.html", context)
