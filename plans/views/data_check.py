"""数据体检 (staff): what reaches nobody or cannot be judged, with links to where each is fixed."""

from django.shortcuts import render

from plans import access
from plans.data_check import SECTION_KEYS
from plans.data_check import data_health as health_sections


def _page(value: str | None) -> int:
    """A page number from the query string; anything else is page 1 (a bad link is not an error page)."""
    return int(value) if value and value.isdigit() and len(value) < 7 else 1


def data_health(request):
    access.require_page(request.user, "data_health")
    pages = {key: _page(request.GET.get(f"{key}_page")) for key in SECTION_KEYS}
    sections = health_sections(pages=pages)
    total = sum(section.total for section in sections)
    query = request.GET.copy()
    for section in sections:
        for name, page in (("previous", section.page - 1), ("next", section.page + 1)):
            if 1 <= page <= section.pages:
                query[section.page_param] = page
                setattr(section, f"{name}_query", query.urlencode())
        query[section.page_param] = section.page
    return render(request, "plans/data_health.html", {"sections": sections, "total": total})
