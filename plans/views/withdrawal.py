"""归档, 恢复 and 删除 of a plan: what each keeps and removes, shown before it is done (plans.workflow.withdrawal)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from plans import access
from plans.workflow.withdrawal import (
    archive_plan,
    delete_plan,
    deletion_refusals,
    plan_activity,
    plan_contents,
    restore_plan,
)


def _plan_for(request, code, action: str, what: str):
    """The plan if the user sees it (else 404) and may archive, restore or delete it (else 403)."""
    plan = get_object_or_404(access.plans(request.user), code=code)
    access.require(request.user, action, plan, f"只有组织部工作人员可以{what}行动计划。")
    return plan


def _withdraw_page(request, plan, action: str, status=200):
    context = {
        "plan": plan,
        "action": action,
        "contents": plan_contents(plan),
        "activity": plan_activity(plan),
        "refusals": deletion_refusals(plan) if action == "delete" else [],
    }
    return render(request, "plans/plan_withdraw.html", context, status=status)


def plan_archive(request, code):
    """GET: what archiving keeps and hides, with counts. POST: archive (归档)."""
    plan = _plan_for(request, code, "archive", "归档")
    if request.method != "POST":
        return _withdraw_page(request, plan, "archive")
    try:
        archive_plan(request.user, plan)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(plan)
    messages.success(request, f"已归档“{plan.title}”。它不再出现在清单、看板和提醒中，可在首页“已归档计划”中恢复。")
    return redirect("plans:home")


@require_POST
def plan_restore(request, code):
    plan = _plan_for(request, code, "restore", "恢复")
    try:
        restore_plan(request.user, plan)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已恢复“{plan.title}”。")
    return redirect(plan)


def plan_delete(request, code):
    """GET: what goes, with counts, or why it cannot be deleted. POST: delete (删除)."""
    plan = _plan_for(request, code, "delete", "删除")
    if request.method != "POST":
        return _withdraw_page(request, plan, "delete")
    try:
        removed = delete_plan(request.user, plan)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _withdraw_page(request, plan, "delete", status=400)
    messages.success(request, f"已删除“{plan.title}”：{'，'.join(str(c) for c in removed)}。")
    return redirect("plans:home")
