"""数据体检 (staff): what reaches nobody or cannot be judged, with links to where each is fixed."""

from django.shortcuts import render

from plans import access
from plans.data_check import data_health as health_sections


def data_health(request):
    access.require_page(request.user, "data_health")
    sections = health_sections()
    total = sum(len(section.problems) for section in sections)
    return render(request, "plans/data_health.html", {"sections": sections, "total": total})
