"""Bad input in the browser gets a clear Chinese error and saves nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Evidence, ProgressReport
from plans.workflow import reporting
from tests.helpers import PNG_BYTES, milestone_led_by, pdf_upload, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone():
    return milestone_led_by("区人力资源和社会保障局")


def _post(client, milestone, **overrides):
    data = {"status": "in_progress", "percent": "50", "narrative": "已完成初稿。", "occurrence": ""}
    data.update(overrides)
    return client.post(reverse("plans:report_create", args=[milestone.pk]), data)


def _assert_refused(response, message):
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert "本次未保存任何内容" in body
    assert ProgressReport.objects.count() == 0 and Evidence.objects.count() == 0


def test_a_good_report_with_a_file_is_saved(client_as, milestone):
    response = _post(client_as("liaison_hr"), milestone, files=[pdf_upload()])
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.evidence.get().original_name == "进展佐证.pdf"
    assert report.evidence.get().file_type == "pdf"


@pytest.mark.parametrize("percent", ["101", "-1", "abc"])
def test_percent_outside_0_to_100(client_as, milestone, percent):
    _assert_refused(_post(client_as("liaison_hr"), milestone, percent=percent), "完成进度")


def test_missing_narrative(client_as, milestone):
    _assert_refused(_post(client_as("liaison_hr"), milestone, narrative="   "), "请填写进展情况")


def test_wrong_file_type_is_caught_by_content_not_name(client_as, milestone):
    disguised = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    _assert_refused(_post(client_as("liaison_hr"), milestone, files=[disguised]), "内容不是允许的类型")


def test_a_real_image_with_a_misleading_name_is_refused(client_as, milestone):
    image = SimpleUploadedFile("报告.docx", PNG_BYTES, content_type="application/vnd.openxmlformats")
    _assert_refused(_post(client_as("liaison_hr"), milestone, files=[image]), "扩展名与其内容不符")


def test_oversized_file(client_as, milestone, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = pdf_upload(content=b"%PDF-1.4\n" + b"0" * 2048)
    _assert_refused(_post(client_as("liaison_hr"), milestone, files=[big]), "超过 0 MB 的大小限制")


def test_stale_version_on_review_is_refused_in_the_browser(client_as, user_named, milestone):
    report = submit(user_named("liaison_hr"), milestone)
    stale = report.version
    reporting.review_report(user_named("staff"), report, False, "请补充", stale)
    client = client_as("staff")
    response = client.post(
        reverse("plans:report_review", args=[report.pk]),
        {f"v{report.pk}-version": stale, f"v{report.pk}-decision": "approve", f"v{report.pk}-comment": ""},
        follow=True,
    )
    assert "该记录已被他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "returned" and report.review_comment == "请补充"


def test_returning_without_a_comment_is_a_form_error(client_as, user_named, milestone):
    report = submit(user_named("liaison_hr"), milestone)
    response = client_as("staff").post(
        reverse("plans:report_review", args=[report.pk]),
        {f"v{report.pk}-version": report.version, f"v{report.pk}-decision": "return", f"v{report.pk}-comment": ""},
    )
    assert response.status_code == 400 and "退回时请填写退回意见" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"


def test_evidence_is_stored_outside_the_web_root_and_downloadable(client_as, milestone, settings):
    _post(client_as("liaison_hr"), milestone, files=[pdf_upload()])
    evidence = Evidence.objects.get()
    assert not str(evidence.file.path).startswith(str(settings.STATIC_ROOT))
    assert str(evidence.file.path).startswith(str(settings.MEDIA_ROOT))
    response = client_as("staff").get(reverse("plans:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
