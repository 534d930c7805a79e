from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.choices import Action
from audit.log import record_response
from plans import access
from plans.workflow import indicator_entries
from talentplan.lib.downloads import stored_file
from targets.charts import trajectory_svg
from targets.forms import EntryReviewForm, IndicatorEntryForm
from targets.models import IndicatorEntry
from targets.trajectory import trajectory_of


def _indicator(request, pk):
    return get_object_or_404(
        access.indicators(request.user).select_related("plan", "unit").prefetch_related("years"), pk=pk
    )


def _page(request, indicator, entry_form=None, status=200):
    trajectory = trajectory_of(indicator, timezone.localdate())
    entries = indicator.entries.select_related("author", "reviewer")
    context = {
        "indicator": indicator,
        "t": trajectory,
        "svg": trajectory_svg(trajectory.points, indicator.name),
        "entries": entries,
        "entry_form": entry_form
        or (IndicatorEntryForm(indicator=indicator) if access.can(request.user, "enter", indicator) else None),
        "review_forms": {
            e.pk: EntryReviewForm(initial={"version": e.version}, prefix=f"e{e.pk}")
            for e in entries
            if e.state == IndicatorEntry.State.SUBMITTED and access.can(request.user, "review", e)
        },
    }
    return render(request, "targets/indicator_detail.html", context, status=status)


def indicator_detail(request, pk):
    return _page(request, _indicator(request, pk))


@require_POST
def entry_create(request, pk):
    indicator = _indicator(request, pk)
    access.require(request.user, "enter", indicator, "您不能填报该指标。")
    form = IndicatorEntryForm(request.POST, request.FILES, indicator=indicator)
    if not form.is_valid():
        messages.error(request, "提交的内容有误，请按提示修改；本次未保存任何内容。")
        return _page(request, indicator, form, status=400)
    data = form.cleaned_data
    try:
        indicator_entries.submit_entry(
            request.user,
            indicator,
            data["year"],
            data["value_kind"],
            data["value"],
            data["source_note"],
            data["evidence"],
            data.get("member", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "实际值已提交，等待组织部审核。")
    return redirect(indicator)


@require_POST
def entry_review(request, pk):
    entry = get_object_or_404(access.indicator_entries(request.user), pk=pk)
    access.require(request.user, "review", entry, "只有组织部工作人员可以审核。")
    form = EntryReviewForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            indicator_entries.review_entry(
                request.user, entry, data["decision"] == "approve", data["comment"], data["version"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已审核。")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect(entry.indicator)


def entry_evidence(request, pk):
    entry = get_object_or_404(access.indicator_entries(request.user), pk=pk)
    response = stored_file(request, entry.evidence, entry.evidence_name)
    return record_response(
        Action.EVIDENCE_VIEW, request, response, target=f"指标佐证：{entry.evidence_name}", obj=entry
    )
