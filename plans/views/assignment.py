"""交办 pages: new plan, measure, node plan and ad-hoc 督办事项, node plan edit, and the deadline preview.

Thin: find in scope (404), ask plans.access (403), validate, call plans.workflow.assignment. The preview of
deadlines is a small JSON endpoint the static talentplan.js calls while typing; without JS the form's 预览
button posts the same form back and the page shows the same preview, computed by the same function.
"""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from plans import access
from plans.forms import (
    MeasureEditForm,
    MeasureForm,
    MilestoneEditForm,
    MilestoneForm,
    PlanEditForm,
    PlanForm,
    PreviewForm,
)
from plans.models import Measure
from plans.schedule import ScheduleError
from plans.workflow import assignment
from talentplan.lib.params import id_param

PREVIEW = "preview"  # the name of the no-JS 预览 button


def _preview(phrase: str, plan) -> dict:
    """What the page (and the JSON) shows under the completion time: the deadlines or the parser's error."""
    if not phrase.strip():
        return {"ok": False, "error": "请填写完成时间。"}
    try:
        kind, deadlines = assignment.preview_deadlines(phrase, plan.start_year, plan.end_year)
    except ScheduleError as exc:
        return {"ok": False, "error": f"{exc}"}
    return {
        "ok": True,
        "kind": kind,
        "years": f"{plan.start_year}—{plan.end_year}年",
        "deadlines": [
            {
                "label": d.label,
                "start": f"{d.start.year}年{d.start.month}月{d.start.day}日",
                "due": f"{d.due.year}年{d.due.month}月{d.due.day}日",
                "is_deadline": d.is_deadline,
            }
            for d in deadlines
        ],
    }


def schedule_preview_json(request):
    """GET ?due_text=…&plan=<id>: the deadlines that completion time yields within that plan's years."""
    access.require_page(request.user, "assign")
    form = PreviewForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": "参数有误。"}, status=400)
    plan_id = form.cleaned_data["plan"]
    if plan_id:
        plan = get_object_or_404(access.plans(request.user), pk=plan_id)
    else:  # an ad-hoc 督办事项: the years its container plan has (this year and the next four)
        year = timezone.localdate().year
        plan = SimpleNamespace(start_year=year, end_year=year + 4)
    return JsonResponse(_preview(form.cleaned_data["due_text"], plan))


def _milestone_input(form, measure):
    data = form.cleaned_data
    return assignment.MilestoneInput(
        measure=measure,
        text=data["text"],
        due_text=data["due_text"],
        lead_units=form.units("lead"),
        co_units=form.units("co"),
        note=data.get("note", ""),
        beyond_plan_reason=data.get("beyond_plan_reason", ""),
    )


def _form_page(request, context, status=200):
    if context.get("form") is not None and request.method == "POST":
        phrase = request.POST.get("due_text", "")[:200]
        if "due_text" in context["form"].fields:
            context["preview"] = _preview(phrase, context["plan"])
    return render(request, "plans/assign_form.html", context, status=status)


def _form(request, context, write, success, preview_of: str | None = None):
    """Every 交办 page: GET shows the form (with the current completion time's preview when editing); POST
    with 预览 shows the preview; an invalid form → 400 with its errors; a refusal → 400 with the reason;
    else saved, said, and on to what was saved. `write()` saves through plans.workflow.assignment."""
    form = context["form"]
    if request.method != "POST":
        if preview_of is not None:
            context["preview"] = _preview(preview_of, context["plan"])
        return _form_page(request, context)
    if PREVIEW in request.POST:
        return _form_page(request, context)
    if not form.is_valid():
        messages.error(request, "提交的内容有误，请按提示修改后重新提交；本次未保存任何内容。")
        return _form_page(request, context, status=400)
    try:
        result = write()
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        messages.error(request, "本次未保存任何内容。")
        return _form_page(request, context, status=400)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(result if not isinstance(result, assignment.EditOutcome) else result.milestone)


def _plan_to_assign(request, code, refusal="只有组织部工作人员可以交办。"):
    plan = get_object_or_404(access.plans(request.user), code=code)
    access.require(request.user, "assign", plan, refusal)
    return plan


def milestone_create(request, code):
    plan = _plan_to_assign(request, code)
    form = MilestoneForm(request.POST or None, plan=plan)
    return _form(
        request,
        {"plan": plan, "form": form, "title": f"交办节点计划：{plan.title}"},
        lambda: assignment.create_milestone(request.user, plan, _milestone_input(form, form.cleaned_data["measure"])),
        lambda m: f"已交办节点计划（第{m.position}行），责任单位已可在“我的任务”中看到。",
    )


def milestone_edit(request, pk):
    milestone = get_object_or_404(access.milestones(request.user), pk=pk)
    access.require(request.user, "edit", milestone, "只有组织部工作人员可以修改节点计划。")
    plan = milestone.plan
    form = MilestoneEditForm(request.POST or None, plan=plan, initial=MilestoneEditForm.initial_for(milestone))

    def write():
        data = form.cleaned_data
        return assignment.edit_milestone(
            request.user, milestone, data["version"], _milestone_input(form, data["measure"])
        )

    def success(outcome):
        kept = "；".join(outcome.kept)
        return "节点计划已修改。" + (f"{kept}。" if kept else "")

    context = {"plan": plan, "form": form, "milestone": milestone, "title": f"修改节点计划（第{milestone.position}行）"}
    return _form(request, context, write, success, preview_of=milestone.schedule_phrase)


def measure_create(request, code):
    plan = _plan_to_assign(request, code)
    form = MeasureForm(request.POST or None, plan=plan)
    return _form(
        request,
        {"plan": plan, "form": form, "title": f"新增工作举措：{plan.title}"},
        lambda: (
            assignment.create_measure(request.user, plan, form.cleaned_data["item"], form.cleaned_data["text"]).plan
        ),
        "工作举措已新增，可以在其下交办节点计划。",
    )


def measure_edit(request, pk):
    measure = get_object_or_404(Measure.objects.filter(plan__in=access.plans(request.user)), pk=pk)
    plan = measure.plan
    access.require(request.user, "assign", plan, "只有组织部工作人员可以修改工作举措。")
    initial = {"item": measure.item_id, "text": measure.text, "version": measure.version}
    form = MeasureEditForm(request.POST or None, plan=plan, initial=initial)

    def write():
        data = form.cleaned_data
        return assignment.edit_measure(request.user, measure, data["version"], data["item"], data["text"]).plan

    return _form(
        request,
        {"plan": plan, "form": form, "title": f"修改工作举措（第{measure.position}条）"},
        write,
        "工作举措已修改。",
    )


def plan_edit(request, code):
    plan = _plan_to_assign(request, code, "只有组织部工作人员可以修改行动计划。")
    initial = {name: getattr(plan, name) for name in assignment.PLAN_EDITABLE} | {"version": plan.version}
    form = PlanEditForm(request.POST or None, initial=initial)

    def write():
        values = {name: form.cleaned_data[name] for name in assignment.PLAN_EDITABLE}
        return assignment.edit_plan(request.user, plan, form.cleaned_data["version"], **values)

    return _form(
        request,
        {"plan": plan, "form": form, "title": f"修改行动计划：{plan.title}"},
        write,
        "行动计划已修改（起止年份、地区和代码不可修改）。",
    )


def plan_create(request):
    access.require_page(request.user, "assign")
    form = PlanForm(request.POST or None, regions=access.regions(request.user))

    def write():
        values = {k: v for k, v in form.cleaned_data.items() if k != "region"}
        return assignment.create_plan(request.user, form.cleaned_data["region"], **values)

    return _form(request, {"form": form, "title": "新建行动计划"}, write, "行动计划已新建，请添加工作举措和节点计划。")


def adhoc_create(request):
    """A 督办事项 that belongs to no plan, in the region's 临时督办事项 container (made on first save)."""
    access.require_page(request.user, "assign")
    regions = access.regions(request.user).order_by("pk")
    region_id = id_param(request.GET, "region")
    region = get_object_or_404(regions, pk=region_id) if region_id is not None else regions.first()
    if region is None:
        raise Http404
    year = timezone.localdate().year
    years = SimpleNamespace(start_year=year, end_year=year + 4, title=assignment.ADHOC_TITLE, pk="")
    form = MilestoneForm(request.POST or None, plan=None, region=region)

    def write():
        measure = assignment.adhoc_measure(request.user, region)
        return assignment.create_milestone(request.user, measure.plan, _milestone_input(form, measure))

    context = {"plan": years, "form": form, "title": f"交办临时督办事项（{region.name}）", "adhoc": True}
    return _form(request, context, write, "临时督办事项已交办，责任单位已可在“我的任务”中看到。")
