"""督办单: issue (staff), list, detail, 签收, 回执, 办结 / 退回, the Word document and the unit lists (Excel):
thin views over plans.supervision. Everything is found through plans.access.supervision_notices (404
outside the user's scope); a role that sees a 督办单 but may not act gets 403."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plans import access
from plans.models import Milestone
from plans.supervision import lists, service
from plans.supervision.colour import propose
from plans.supervision.document import build_notice_document
from plans.supervision.forms import SupervisionDecisionForm, SupervisionIssueForm, SupervisionReplyForm
from plans.supervision.unit_list import save_unit_lists
from plans.views.instructions import checked_page
from plans.views.plan import DOCX, XLSX
from talentplan.lib.downloads import stored_file
from talentplan.lib.params import bounded_int

PER_PAGE = 30


def _state(request) -> str:
    state = request.GET.get("state") or lists.DEFAULT_LIST_STATE
    if state not in lists.LIST_STATES:
        messages.warning(request, "办理状态筛选无效，已显示未办结的督办单。")
        return lists.DEFAULT_LIST_STATE
    return state


def _unit_filter(request):
    raw = request.GET.get("unit", "")
    if not raw.strip():
        return None
    unit_id = bounded_int(raw, 1, 2**31 - 1)
    if unit_id is None:
        messages.warning(request, "单位筛选无效，已显示全部单位。")
    return unit_id


def supervision_list(request):
    today = timezone.localdate()
    state, unit_id = _state(request), _unit_filter(request)
    page = checked_page(request, lists.listed(request.user, state, today, unit_id), PER_PAGE)
    page.object_list = list(page.object_list)
    for notice in page.object_list:
        notice.overdue = lists.is_overdue(notice, today)
    context = {
        "page": page,
        "state": state,
        "states": lists.LIST_STATES,
        "unit_id": unit_id,
        "counts": lists.counts_for(request.user, today),
        "today": today,
        "may_issue": access.can(request.user, "supervise"),
    }
    return render(request, "plans/supervision_list.html", context)


def supervision_list_xlsx(request):
    today = timezone.localdate()
    rows = lists.listed(request.user, _state(request), today, _unit_filter(request))
    buffer = io.BytesIO()
    save_unit_lists(rows, buffer, today)
    buffer.seek(0)
    name = f"督办单清单（{today:%Y%m%d}）.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)


def _ids(texts) -> list[int]:
    return [pk for pk in (bounded_int(text, 1, 2**31 - 1) for text in texts[:200] if text.strip()) if pk]


def _chosen(request, raw_ids):
    found = access.milestones(request.user, active=True).filter(pk__in=raw_ids).select_related("plan")
    return list(found.order_by("plan_id", "position"))


def _issue_context(request, form, milestones):
    today = timezone.localdate()
    proposals = [(milestone, propose(milestone, today)) for milestone in milestones]
    return {"form": form, "proposals": proposals}


def supervision_issue(request):
    """GET ?task=<id> (repeated): the chosen node plans with their proposed colours, and the form."""
    access.require_page(request.user, "supervise")
    if request.method == "POST":
        form = SupervisionIssueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            issue = service.IssueInput(data["requirement"], data["reply_by"], data["colour"], data["colour_reason"])
            try:
                issued = service.issue(request.user, [Milestone(pk=pk) for pk in data["tasks"]], issue)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                numbers = "、".join(n.number for n in issued)
                messages.success(request, f"已下发督办单{numbers}，等待承办单位签收。")
                return redirect(issued[0].get_absolute_url() if len(issued) == 1 else "plans:supervision_list")
            milestones = _chosen(request, data["tasks"])
        else:
            messages.error(request, "提交的内容有误，请按提示修改后重新提交；本次未下发任何督办单。")
            milestones = _chosen(request, _ids(request.POST.get("tasks", "").split(",")))
        return render(request, "plans/supervision_issue.html", _issue_context(request, form, milestones), status=400)
    milestones = _chosen(request, _ids(request.GET.getlist("task")))
    if not milestones:
        messages.warning(request, "请先在节点计划页面点击“下发督办单”，选择要督办的节点计划。")
    tasks = ",".join(str(m.pk) for m in milestones)
    form = SupervisionIssueForm(initial={"tasks": tasks})
    return render(request, "plans/supervision_issue.html", _issue_context(request, form, milestones))


def _notice(request, pk):
    rows = access.supervision_notices(request.user).select_related(
        "unit", "region", "issued_by", "signed_by", "closed_by"
    )
    return get_object_or_404(rows, pk=pk)


def _detail_context(request, notice, **forms):
    user = request.user
    context = {
        "notice": notice,
        "milestones": list(notice.milestones.select_related("plan").order_by("plan_id", "position")),
        "visible_milestones": set(
            access.milestones(user).filter(pk__in=notice.milestones.values("pk")).values_list("pk", flat=True)
        ),
        "replies": notice.replies.select_related("unit", "author").prefetch_related("files"),
        "activity": notice.history.select_related("history_user").order_by("-history_date"),
        "overdue": lists.is_overdue(notice, timezone.localdate()),
        "may_sign": access.can(user, "sign", notice) and notice.state == "issued",
    }
    if access.can(user, "reply", notice) and notice.state in ("signed", "returned"):
        context["reply_form"] = forms.get("reply_form") or SupervisionReplyForm()
    if access.can(user, "decide", notice) and notice.state == "replied":
        context["decision_form"] = forms.get("decision_form") or SupervisionDecisionForm(
            initial={"version": notice.version}
        )
    return context


def supervision_detail(request, pk):
    notice = _notice(request, pk)
    unread = access.notifications(request.user).filter(link=notice.get_absolute_url(), read_at__isnull=True)
    unread.update(read_at=timezone.now())
    return render(request, "plans/supervision_detail.html", _detail_context(request, notice))


def _act(request, notice, action_name, form, form_name, action, success):
    access.require(request.user, action_name, notice)
    if form is None or form.is_valid():
        try:
            action(form.cleaned_data if form is not None else None)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, success)
            return redirect(notice.get_absolute_url())
    else:
        messages.error(request, "提交的内容有误，请按提示修改后重新提交；本次未保存任何内容。")
    forms = {form_name: form} if form is not None else {}
    return render(request, "plans/supervision_detail.html", _detail_context(request, notice, **forms), status=400)


@require_POST
def supervision_sign(request, pk):
    notice = _notice(request, pk)
    return _act(
        request, notice, "sign", None, "", lambda _: service.sign(request.user, notice), "已签收，请按期报送回执。"
    )


@require_POST
def supervision_reply(request, pk):
    notice = _notice(request, pk)
    form = SupervisionReplyForm(request.POST, request.FILES)
    return _act(
        request,
        notice,
        "reply",
        form,
        "reply_form",
        lambda d: service.reply(request.user, notice, d["progress"], d["measures"], d["files"]),
        "回执已报送，等待组织部办结。",
    )


@require_POST
def supervision_decide(request, pk):
    notice = _notice(request, pk)
    form = SupervisionDecisionForm(request.POST)
    done = request.POST.get("decision") == "done"
    return _act(
        request,
        notice,
        "decide",
        form,
        "decision_form",
        lambda d: service.decide(request.user, notice, done, d["comment"], d["version"]),
        "督办单已办结。" if done else "已退回承办单位继续办理。",
    )


def supervision_docx(request, pk):
    notice = _notice(request, pk)
    milestones = list(notice.milestones.select_related("plan").order_by("plan_id", "position"))
    buffer = io.BytesIO()
    build_notice_document(notice, milestones).save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"督办单{notice.number}.docx", content_type=DOCX)


def supervision_file(request, pk):
    attachment = get_object_or_404(access.supervision_files(request.user), pk=pk)
    return stored_file(request, attachment.file, attachment.original_name)
