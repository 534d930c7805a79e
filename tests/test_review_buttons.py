"""Every review form has separate 通过 and 退回 buttons (no dropdown that defaults to 通过); a 退回 without a
comment is refused in Chinese and changes nothing; the report form starts from the node plan's status."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import ExtensionRequest, Milestone
from plans.workflow import reporting
from targets.models import IndicatorYear
from tests.helpers import milestone_led_by, submit
from tests.test_access_matrix import health_objects  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def buttons(body: str, name: str) -> list[tuple[str, str]]:
    """(value, text) of the submit buttons posting `name`, in page order."""
    pattern = rf'<button[^>]*type="submit" name="{re.escape(name)}" value="([^"]+)">([^<]+)</button>'
    return re.findall(pattern, body)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- the buttons on each page -------------------------------------------------------------------------------


def test_each_review_form_shows_two_buttons_and_no_dropdown(client_as, health_objects):  # noqa: F811
    report, extension, entry = health_objects["report"], health_objects["extension"], health_objects["entry"]
    staff = client_as("staff")
    task = page(staff, report.milestone.get_absolute_url())
    assert buttons(task, f"v{report.pk}-decision") == [("approve", "通过"), ("return", "退回")]
    assert buttons(task, "decision") == [("approve", "批准"), ("reject", "不批准")]
    indicator = page(staff, entry.indicator.get_absolute_url())
    assert buttons(indicator, f"e{entry.pk}-decision") == [("approve", "通过"), ("return", "退回")]
    for body, name in ((task, f"v{report.pk}-decision"), (task, "decision"), (indicator, f"e{entry.pk}-decision")):
        assert f'<select name="{name}"' not in body and f'name="{name}" value=""' not in body
    assert extension.state == "pending"


# --- progress reports ---------------------------------------------------------------------------------------


def _review_report(client, report, decision, comment=""):
    prefix = f"v{report.pk}"
    data = {f"{prefix}-version": report.version, f"{prefix}-comment": comment}
    if decision is not None:
        data[f"{prefix}-decision"] = decision
    return client.post(reverse("plans:report_review", args=[report.pk]), data)


def test_approving_a_report_by_its_button(client_as, user_named, health_objects):  # noqa: F811
    report = health_objects["report"]
    response = _review_report(client_as("staff"), report, "approve")
    assert response.status_code == 302
    report.refresh_from_db()
    report.milestone.refresh_from_db()
    assert (report.state, report.review_comment, report.reviewer) == ("approved", "", user_named("staff"))
    assert (report.milestone.status, report.milestone.percent) == (report.status, report.percent)


def test_returning_a_report_with_a_comment(client_as, health_objects):  # noqa: F811
    report = health_objects["report"]
    assert _review_report(client_as("staff"), report, "return", "请补充照片。").status_code == 302
    report.refresh_from_db()
    assert (report.state, report.review_comment) == ("returned", "请补充照片。")


@pytest.mark.parametrize("comment", ["", "   "])
def test_returning_a_report_without_a_comment_changes_nothing(client_as, health_objects, comment):  # noqa: F811
    report = health_objects["report"]
    before = Milestone.objects.values("status", "percent", "version").get(pk=report.milestone_id)
    response = _review_report(client_as("staff"), report, "return", comment)
    assert response.status_code == 400 and "退回时请填写退回意见" in response.content.decode()
    report.refresh_from_db()
    assert (report.state, report.version, report.reviewer) == ("submitted", 1, None)
    assert Milestone.objects.values("status", "percent", "version").get(pk=report.milestone_id) == before


def test_a_post_without_a_button_is_refused_in_chinese(client_as, health_objects):  # noqa: F811
    report = health_objects["report"]
    response = _review_report(client_as("staff"), report, None)
    assert response.status_code == 400 and "请点击“通过”或“退回”按钮提交" in response.content.decode()
    response = _review_report(client_as("staff"), report, "maybe")
    assert response.status_code == 400 and "请点击“通过”或“退回”按钮提交" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"


def test_a_completion_naming_no_deadline_still_asks_for_the_confirmation(client_as, user_named):
    milestone = milestone_led_by("区人力资源和社会保障局")
    report = submit(user_named("liaison_hr"), milestone, status="completed", percent=100)
    assert report.occurrence is None and reporting.completes_no_deadline(report)
    staff = client_as("staff")
    body = page(staff, milestone.get_absolute_url())
    assert f'name="v{report.pk}-confirm_no_deadline"' in body
    assert buttons(body, f"v{report.pk}-decision") == [("approve", "通过"), ("return", "退回")]
    assert _review_report(staff, report, "approve").status_code == 400
    report.refresh_from_db()
    assert report.state == "submitted"
    data = {f"v{report.pk}-version": report.version, f"v{report.pk}-decision": "approve"}
    staff.post(reverse("plans:report_review", args=[report.pk]), data | {f"v{report.pk}-confirm_no_deadline": "on"})
    report.refresh_from_db()
    assert report.state == "approved"


# --- extension requests -------------------------------------------------------------------------------------


def _review_extension(client, extension, decision, comment=""):
    data = {"decision": decision, "comment": comment}
    return client.post(reverse("plans:extension_review", args=[extension.pk]), data)


def test_approving_an_extension_by_its_button(client_as, health_objects):  # noqa: F811
    extension = health_objects["extension"]
    # The fixture asks for 2030, after the plan's end: approving it takes staff's comment (issue 21, item 4).
    assert extension.requested_due_date.year > extension.milestone.plan.end_year
    comment = "人员调整，同意延至2030年。"
    assert _review_extension(client_as("staff"), extension, "approve", comment).status_code == 302
    extension.refresh_from_db()
    extension.occurrence.refresh_from_db()
    assert (extension.state, extension.review_comment) == ("approved", comment)
    assert extension.occurrence.extended_due_date == extension.requested_due_date


def test_refusing_an_extension_with_a_reason(client_as, health_objects):  # noqa: F811
    extension = health_objects["extension"]
    assert _review_extension(client_as("staff"), extension, "reject", "年内必须完成。").status_code == 302
    extension.refresh_from_db()
    extension.occurrence.refresh_from_db()
    assert (extension.state, extension.review_comment) == ("rejected", "年内必须完成。")
    assert extension.occurrence.extended_due_date is None


def test_refusing_an_extension_without_a_reason_changes_nothing(client_as, user_named, health_objects):  # noqa: F811
    extension = health_objects["extension"]
    response = _review_extension(client_as("staff"), extension, "reject", " ")
    assert response.status_code == 400 and "不批准延期时请填写理由" in response.content.decode()
    fresh = ExtensionRequest.objects.get(pk=extension.pk)
    assert (fresh.state, fresh.version, fresh.reviewer) == ("pending", extension.version, None)
    # The service holds the same rule for any other caller.
    with pytest.raises(Exception, match="不批准延期时请填写理由"):
        reporting.review_extension(user_named("staff"), fresh, False, "")


# --- indicator entries --------------------------------------------------------------------------------------


def _review_entry(client, entry, decision, comment=""):
    prefix = f"e{entry.pk}"
    data = {f"{prefix}-version": entry.version, f"{prefix}-decision": decision, f"{prefix}-comment": comment}
    return client.post(reverse("plans:entry_review", args=[entry.pk]), data, follow=True)


def test_approving_an_entry_by_its_button(client_as, health_objects):  # noqa: F811
    entry = health_objects["entry"]
    _review_entry(client_as("staff"), entry, "approve")
    entry.refresh_from_db()
    assert entry.state == "approved"
    assert IndicatorYear.objects.get(indicator=entry.indicator, year=2022).actual_value == Decimal(3)


def test_returning_an_entry_with_a_comment(client_as, health_objects):  # noqa: F811
    entry = health_objects["entry"]
    _review_entry(client_as("staff"), entry, "return", "来源不清。")
    entry.refresh_from_db()
    assert (entry.state, entry.review_comment) == ("returned", "来源不清。")


def test_returning_an_entry_without_a_comment_changes_nothing(client_as, health_objects):  # noqa: F811
    entry = health_objects["entry"]
    response = _review_entry(client_as("staff"), entry, "return")
    assert "退回时请填写退回意见" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.state, entry.version, entry.reviewer) == ("submitted", 1, None)
    assert not IndicatorYear.objects.filter(indicator=entry.indicator, year=2022, actual_value__isnull=False).exists()


# --- the report form starts from the node plan --------------------------------------------------------------


def test_the_report_form_prefills_the_current_status_and_percent(client_as, user_named):
    milestone = milestone_led_by("区人力资源和社会保障局")
    reporting.update_status(user_named("staff"), milestone, "in_progress", 65, milestone.version, "季度调度")
    body = page(client_as("liaison_hr"), milestone.get_absolute_url())
    form = body[body.index('action="' + reverse("plans:report_create", args=[milestone.pk])) :]
    form = form[: form.index("</form>")]
    assert re.search(r'<option value="in_progress" selected>', form)
    assert re.search(r'name="percent" value="65"', form)
    assert 'name="narrative"' in form and "</textarea>" in form  # the narrative starts empty
    assert re.search(r'name="narrative"[^>]*>\s*</textarea>', form)
