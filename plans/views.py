from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from .models import Plan


@login_required
def home(request):
    plans = Plan.objects.select_related("region").annotate(
        milestone_count=Count("milestones", distinct=True),
        measure_count=Count("measures", distinct=True),
        indicator_count=Count("indicators", distinct=True),
    )
    return render(request, "plans/home.html", {"plans": plans})
