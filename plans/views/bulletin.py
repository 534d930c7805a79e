"""进展通报 pages: thin views over plans.bulletin.issue. Staff of the plan's region draft, edit and issue;
leaders read what was issued in their regions; liaisons see none (plans.access.bulletins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from plans import access
from plans.bulletin import issue as service
from plans.bulletin.document import summary_paragraphs
from plans.bulletin.figures import count_figures
from plans.bulletin.narrative import SECTIONS
from plans.bulletin.periods import KIND_LABELS, periods
from plans.models import BulletinState

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PER_PAGE = 30


def _bulletin(request, pk):
    return get_object_or_404(
        access.bulletins(request.user).select_related("plan__region", "created_by", "issued_by"), pk=pk
    )


def bulletin_list(request):
    access.require_page(request.user, "overview")
    bulletins = access.bulletins(request.user).select_related("plan", "issued_by", "created_by").defer("docx", "pdf")
    state = request.GET.get("state")
    if state in BulletinState.values:
        bulletins = bulletins.filter(state=state)
    page = Paginator(bulletins.order_by("-issued_at", "-created_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    draftable = [plan for plan in access.plans_acted_on(request.user).active().order_by("-issue_date", "code")]
    context = {
        "page": page,
        "state": state if state in BulletinState.values else "",
        "states": BulletinState.choices,
        "draftable": [(plan, _grouped_periods(plan)) for plan in draftable],
    }
    return render(request, "plans/bulletin_list.html", context)


def _grouped_periods(plan):
    today = timezone.localdate()
    return [(label, [p for p in periods(plan, kind) if p.start <= today]) for kind, label in KIND_LABELS.items()]


@require_POST
def bulletin_create(request, code):
    plan = get_object_or_404(access.plans(request.user), code=code)
    access.require(request.user, "draft_bulletin", plan, "只有本地区的组织部工作人员可以起草进展通报。")
    try:
        bulletin = service.create_draft(request.user, plan, request.POST.get("period", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("plans:bulletin_list")
    messages.success(request, "已起草通报：数据已按截至日填入，正文已按本期审核通过的进展报告生成初稿，请修改后印发。")
    return redirect("plans:bulletin", bulletin.pk)


def _page(request, bulletin, status=200, form=None, error=None):
    period = service.period_of(bulletin)
    today = timezone.localdate()
    as_of = bulletin.cut_off if bulletin.is_issued else period.cut_off(today)
    figures = None if bulletin.is_issued else count_figures(bulletin.plan, period, as_of)
    values = form or {field: getattr(bulletin, field) for field in ("recipients", *dict(SECTIONS))}
    context = {
        "bulletin": bulletin,
        "period": period,
        "as_of": as_of,
        "summary": summary_paragraphs(figures) if figures else [],
        "sections": [(field, label, values.get(field, "")) for field, label in SECTIONS],
        "recipients": values.get("recipients", ""),
        "may_edit": access.can(request.user, "edit", bulletin),
        "may_issue": access.can(request.user, "issue", bulletin),
        "error": error,
    }
    return render(request, "plans/bulletin_detail.html", context, status=status)


def bulletin_detail(request, pk):
    return _page(request, _bulletin(request, pk))


@require_POST
def bulletin_edit(request, pk):
    bulletin = _bulletin(request, pk)
    access.require(request.user, "edit", bulletin, "只有本地区的组织部工作人员可以修改未印发的通报。")
    form = {field: request.POST.get(field, "") for field in ("recipients", *dict(SECTIONS))}
    try:
        service.save_narrative(request.user, bulletin, form, request.POST.get("version"))
    except ValidationError as error:
        return _page(request, bulletin, 400, form, "；".join(error.messages))
    messages.success(request, "通报正文已保存。")
    return redirect("plans:bulletin", bulletin.pk)


@require_POST
def bulletin_issue(request, pk):
    bulletin = _bulletin(request, pk)
    access.require(request.user, "issue", bulletin, "只有本地区的组织部工作人员可以印发通报。")
    if request.POST.get("confirm") != "1":
        return _page(request, bulletin, 400, error="请勾选“确认印发”：印发后将取得文号，正文不能再修改。")
    try:
        issued = service.issue(request.user, bulletin, request.POST.get("version"))
    except ValidationError as error:
        return _page(request, bulletin, 400, error="；".join(error.messages))
    messages.success(request, f"已印发：{issued.document_number}。Word 和 PDF 已按印发稿保存。")
    return redirect("plans:bulletin", issued.pk)


def _file_name(bulletin, suffix: str) -> str:
    period = service.period_of(bulletin)
    number = bulletin.document_number or "草稿"
    return f"{bulletin.plan.title}{period.label}进展通报（{number}）.{suffix}"


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def bulletin_docx(request, pk):
    """The issued Word exactly as issued; a draft's is rendered now (its preview, with no number)."""
    bulletin = _bulletin(request, pk)
    content = bytes(bulletin.docx) if bulletin.is_issued else service.render(bulletin)
    return _attachment(content, _file_name(bulletin, "docx"), DOCX)


def bulletin_pdf(request, pk):
    bulletin = _bulletin(request, pk)
    if not bulletin.is_issued:
        raise Http404("草稿尚未印发，没有 PDF；可先下载 Word 预览。")
    return _attachment(bytes(bulletin.pdf), _file_name(bulletin, "pdf"), "application/pdf")
