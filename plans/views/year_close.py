"""年度销号 from the plan page: thin view over plans.workflow.year_close."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from plans import access
from plans.workflow.year_close import close_year
from talentplan.lib.params import year_param


@require_POST
def year_close(request, code):
    plan = get_object_or_404(access.plans(request.user), code=code)
    access.require(request.user, "close_year", plan, "只有组织部工作人员可以进行年度销号。")
    try:
        closure = close_year(request.user, plan, year_param(request.POST) or 0)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            f"{closure.year}年度已销号：按期完成 {closure.met_count} 项，逾期完成 {closure.late_count} 项，"
            f"未完成 {closure.missed_count} 项。",
        )
    return redirect(plan)
