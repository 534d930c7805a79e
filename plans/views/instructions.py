"""批示 (given on the node plan's page) and its follow-up (list, detail, 反馈, 办结): thin views over
plans.workflow.instructions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.choices import Action
from audit.log import record_response
from plans import access
from plans.forms import InstructionDecisionForm, InstructionForm, InstructionReplyForm
from plans.views.node_plan import in_scope, post_from_page
from plans.workflow import instructions
from talentplan.lib.downloads import stored_file
from talentplan.lib.params import bounded_int


def _instruction_context(request, instruction, **forms):
    user = request.user
    context = {
        "instruction": instruction,
        "replies": instruction.replies.select_related("unit", "author").prefetch_related("files"),
        "units": list(instruction.units.all()),
        "sees_milestone": access.milestones(user).filter(pk=instruction.milestone_id).exists(),
        "activity": instruction.history.select_related("history_user").order_by("-history_date"),
    }
    if access.can(user, "reply", instruction):
        context["reply_form"] = forms.get("reply_form") or InstructionReplyForm()
    if access.can(user, "decide", instruction):
        context["decision_form"] = forms.get("decision_form") or InstructionDecisionForm(
            initial={"version": instruction.version}
        )
    return context


INSTRUCTIONS_PER_PAGE = 30


def checked_page(request, rows, per_page: int):
    """The page ?page= names; a page that is not a number or does not exist is page 1, and the reader is told."""
    paginator = Paginator(rows, per_page)
    raw = request.GET.get("page", "")
    number = bounded_int(raw, 1, paginator.num_pages) if raw.strip() else 1
    if number is None:
        messages.warning(request, f"页码“{raw[:20]}”无效（共 {paginator.num_pages} 页），已显示第 1 页。")
        number = 1
    return paginator.page(number)


def instruction_list(request):
    """领导批示: those the user sees, 待办结 (the most urgent first) by default, or 已办结, or 全部."""
    state = request.GET.get("state") or instructions.DEFAULT_LIST_STATE
    if state not in instructions.LIST_STATES:
        messages.warning(request, "办理状态筛选无效，已显示待办结的批示。")
        state = instructions.DEFAULT_LIST_STATE
    page = checked_page(request, instructions.listed_instructions(request.user, state), INSTRUCTIONS_PER_PAGE)
    context = {
        "page": page,
        "state": state,
        "states": instructions.LIST_STATES,
        "sees_milestones": instructions.visible_milestone_ids(request.user, page.object_list),
        "today": timezone.localdate(),
    }
    return render(request, "plans/instruction_list.html", context)


def _instruction(request, pk):
    return get_object_or_404(
        access.instructions(request.user).select_related("milestone__plan", "author", "closed_by"), pk=pk
    )


def instruction_detail(request, pk):
    instruction = _instruction(request, pk)
    # Opening the 批示 is reading what was said about it: its lines under 通知 are read too.
    unread = access.notifications(request.user).filter(link=instruction.get_absolute_url(), read_at__isnull=True)
    unread.update(read_at=timezone.now())
    return render(request, "plans/instruction_detail.html", _instruction_context(request, instruction))


def _act(request, instruction, form, form_name, action, success):
    access.require(request.user, "reply" if form_name == "reply_form" else "decide", instruction)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, success)
            return redirect(instruction.get_absolute_url())
    else:
        messages.error(request, "提交的内容有误，请按提示修改后重新提交；本次未保存任何内容。")
    context = _instruction_context(request, instruction, **{form_name: form})
    return render(request, "plans/instruction_detail.html", context, status=400)


@require_POST
def instruction_reply(request, pk):
    instruction = _instruction(request, pk)
    return _act(
        request,
        instruction,
        InstructionReplyForm(request.POST, request.FILES),
        "reply_form",
        lambda d: instructions.reply(request.user, instruction, d["text"], d["files"]),
        "反馈已提交，等待组织部办结。",
    )


@require_POST
def instruction_decide(request, pk):
    instruction = _instruction(request, pk)
    form = InstructionDecisionForm(request.POST)
    done = request.POST.get("decision") == "done"
    return _act(
        request,
        instruction,
        form,
        "decision_form",
        lambda d: instructions.decide(request.user, instruction, done, d["comment"], d["version"]),
        "批示已办结。" if done else "已退回承办单位继续办理。",
    )


def instruction_file(request, pk):
    attachment = get_object_or_404(access.instruction_files(request.user), pk=pk)
    response = stored_file(request, attachment.file, attachment.original_name)
    target = f"批示附件：{attachment.original_name}"
    return record_response(Action.EVIDENCE_VIEW, request, response, target=target, obj=attachment)


@require_POST
def instruction_create(request, pk):
    milestone = in_scope(request, access.milestones(request.user), pk, "instruct")
    return post_from_page(
        request,
        milestone,
        InstructionForm(request.POST, milestone=milestone),
        "instruction_form",
        lambda d: instructions.give_instruction(request.user, milestone, d["text"], d["units"], d["reply_by"]),
        "批示已送承办单位，反馈后由组织部办结。",
    )
