"""Every kind of evidence downloads through talentplan.lib.downloads.stored_file: the file under its
original name to whoever sees it, and, when the stored file is gone (a restore without the media volume),
404 with a Chinese reason. The indicator figure's evidence answered 500 there before issue 19."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from plans.workflow import indicator_entries, instructions
from talentplan.lib.downloads import MISSING
from targets.models import Indicator
from tests.helpers import PDF_BYTES, milestone_led_by, pdf_upload, submit

pytestmark = pytest.mark.django_db
HR = "区人力资源和社会保障局"


def report_evidence(user_named):
    report = submit(user_named("liaison_hr"), milestone_led_by(HR), files=[(pdf_upload("佐证一.pdf"), "pdf")])
    evidence = report.evidence.get()
    return reverse("plans:evidence_download", args=[evidence.pk]), evidence.file, "佐证一.pdf"


def reply_file(user_named):
    instruction = instructions.give_instruction(user_named("leader"), milestone_led_by(HR), "请加快推进。")
    reply = instructions.reply(user_named("liaison_hr"), instruction, "已部署。", [(pdf_upload("反馈.pdf"), "pdf")])
    attachment = reply.files.get()
    return reverse("plans:instruction_file", args=[attachment.pk]), attachment.file, "反馈.pdf"


def figure_evidence(user_named):
    indicator = Indicator.objects.get(plan__code="jianghai-rcqq-2022", name="博士（后）")
    indicator.unit = indicator.plan.region.units.get(name=HR)
    indicator.save()
    entry = indicator_entries.submit_entry(
        user_named("liaison_hr"), indicator, 2022, "increment", Decimal(15), "统计", pdf_upload("统计表.pdf")
    )
    return reverse("plans:entry_evidence", args=[entry.pk]), entry.evidence, "统计表.pdf"


@pytest.mark.parametrize("make", [report_evidence, reply_file, figure_evidence])
def test_evidence_downloads_under_its_name_and_a_lost_file_is_404_in_chinese(make, user_named, client_as):
    url, stored, name = make(user_named)
    response = client_as("staff").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert quote(name) in response["Content-Disposition"] and "attachment" in response["Content-Disposition"]
    stored.storage.delete(stored.name)  # gone from storage, still recorded
    response = client_as("staff").get(url)
    assert response.status_code == 404 and MISSING in response.content.decode()
    assert client_as("liaison_np").get(url).status_code == 404  # and another region's liaison never sees it


def test_the_missing_file_reason_is_shown_to_the_user(user_named, client_as):
    url, stored, _ = figure_evidence(user_named)
    stored.storage.delete(stored.name)
    body = client_as("staff").get(url).content.decode()
    assert MISSING in body
