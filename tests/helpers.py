"""Small builders for workflow tests: they go through the real services, never around them."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from plans.choices import UnitRole
from plans.models import Milestone
from plans.workflow import reporting

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name="进展佐证.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def milestone_led_by(unit_name: str, plan_code="jianghai-rcqq-2022", deadline=True) -> Milestone:
    """A node plan whose lead unit is unit_name (the first in document order)."""
    queryset = Milestone.objects.filter(
        plan__code=plan_code, assignments__unit__name=unit_name, assignments__role=UnitRole.LEAD
    )
    if deadline:
        queryset = queryset.filter(occurrences__is_deadline=True)
    return queryset.distinct().order_by("position").first()


def submit(user, milestone, status="in_progress", percent=40, narrative="按计划推进。", occurrence=None, files=()):
    data = reporting.ReportInput(status=status, percent=percent, narrative=narrative, occurrence=occurrence)
    return reporting.submit_report(user, milestone, data, files)


def every_page(client, url: str, param: str = "page") -> str:
    """The HTML of every page of a paginated list, followed until a page has no “下一页” link."""
    pages, number = [], 1
    while True:
        separator = "&" if "?" in url else "?"
        html = client.get(f"{url}{separator}{param}={number}").content.decode()
        pages.append(html)
        if f"{param}={number + 1}" not in html:
            return "".join(pages)
        number += 1


def every_api_task(client, url: str = "/api/tasks/") -> list[dict]:
    """Every row of the cursor-paginated task API, following `next` to the end."""
    tasks = []
    while url:
        body = client.get(url).json()
        tasks += body["tasks"]
        url = body["next"]
    return tasks


def every_my_task_id(client, query: str = "") -> tuple[list[str], str]:
    """Every node plan id /my/ lists for the query, following its pages (the pager keeps the filters),
    and the pages' HTML joined."""
    ids, pages, url = [], [], f"/my/?{query}"
    while url:
        html = client.get(url).content.decode()
        pages.append(html)
        ids += re.findall(r'href="/tasks/(\d+)/"', html)
        following = re.search(r'href="([^"]*)">下一页<', html)
        url = "/my/" + following.group(1).replace("&amp;", "&") if following else None
    return ids, "".join(pages)
