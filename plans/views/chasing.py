"""催办 (a node plan's lead units, or a unit from the league table) and the 催办记录 list: thin views over
plans.workflow.chasing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from plans import access
from plans.forms import ChaseForm
from plans.workflow import chasing
from talentplan.lib.params import id_param, page_param
from units.models import Unit


def _chase_done(request, chases):
    if chases:
        names = "、".join(str(c.unit) for c in chases)
        messages.success(request, f"已向{names}催办，联络员已收到通知。")
    else:
        messages.info(request, "该催办已发送过，未重复发送。")


@require_POST
def milestone_chase(request, pk):
    milestone = get_object_or_404(access.milestones(request.user), pk=pk)
    access.require(request.user, "chase", milestone, "只有组织部工作人员可以催办。")
    form = ChaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            _chase_done(request, chasing.chase_milestone(request.user, milestone, **form.cleaned_data))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect(milestone.get_absolute_url())


@require_POST
def unit_chase(request, pk):
    access.require_page(request.user, "chase_unit")
    unit = get_object_or_404(access.units_acted_on(request.user), pk=pk)
    form = ChaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        _chase_done(request, chasing.chase_unit(request.user, unit, **form.cleaned_data))
    return redirect("plans:chase_list")


def chase_list(request):
    """催办记录, optionally of one unit (the league table's 催办次数 links here)."""
    access.require_page(request.user, "chase_list")
    rows = access.chases(request.user).select_related("unit", "milestone", "author").order_by("-created_at")
    unit, unit_id = None, id_param(request.GET, "unit")
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        rows = rows.filter(unit=unit) if unit else rows.none()
    page = Paginator(rows, 50).get_page(page_param(request.GET))
    return render(request, "plans/chase_list.html", {"page": page, "unit": unit})
