"""督办单 end to end in real headless Chromium, at desktop (1366 px) and phone (390 px) widths: staff issue it
from the node plan's page → the unit's liaison 签收s it → answers with a 回执 and a file → staff 办结 it.
A screenshot of every step lands in test-artifacts/e2e/ (supervision-<width>-<step>.png)."""

import pytest

from plans.models import SupervisionNotice
from tests.helpers import PDF_BYTES, milestone_led_by
from tests.test_e2e_browser import ARTIFACTS, assert_no_sideways_scroll, browser, portal  # noqa: F401 (fixtures)
from tests.test_e2e_browser import pytestmark as browser_marks
from tests.test_e2e_loop import Person

pytestmark = browser_marks
HEALTH = "区卫生健康局"


@pytest.mark.parametrize("width", [1366, 390])
def test_supervision_issued_signed_answered_closed(browser, portal, width, tmp_path):  # noqa: F811
    milestone = milestone_led_by(HEALTH)  # its deadline (2024年12月) has passed: 红色督办 is proposed
    evidence = tmp_path / "签约台账.pdf"
    evidence.write_bytes(PDF_BYTES)

    staff = Person(browser, portal, "staff", width, "supervision")
    staff.go(f"/tasks/{milestone.pk}/")
    staff.page.click("#issue-supervision")
    staff.page.wait_for_url("**/supervision/new/**")
    assert "红色督办" in staff.page.locator("#supervision-items").inner_text()
    staff.page.fill("#id_requirement", "请于两周内报送家庭医生签约进展和佐证材料。")
    staff.page.fill("#id_reply_by", "2099-01-31")
    staff.shot(1, "issue-form")
    staff.page.click("#supervision-issue-form button[type=submit]")
    notice = SupervisionNotice.objects.get()
    staff.page.wait_for_url(f"**/supervision/{notice.pk}/")
    assert staff.page.locator("#supervision-number").inner_text() == notice.number
    assert staff.page.locator("#supervision-state").inner_text() == "待签收"
    staff.shot(2, "issued")

    liaison = Person(browser, portal, "liaison_health", width, "supervision")
    assert liaison.unread_badge() == "1"
    liaison.go("/supervision/")
    assert liaison.page.locator("#supervision-unsigned").inner_text() == "1"
    liaison.shot(3, "list-unsigned")
    liaison.page.click(f"a.supervision-line[href='/supervision/{notice.pk}/']")
    liaison.page.click("#sign-form button[type=submit]")
    assert "已签收" in liaison.page.content()
    assert liaison.page.locator("#supervision-state").inner_text() == "已签收"
    liaison.shot(4, "signed")
    liaison.page.fill("#reply-form #id_progress", "家庭医生签约率已达85%。")
    liaison.page.fill("#reply-form #id_measures", "每周调度，月底前完成全部签约。")
    liaison.page.set_input_files("#reply-form #id_files", str(evidence))
    liaison.page.click("#reply-form button[type=submit]")
    assert "回执已报送" in liaison.page.content()
    assert liaison.page.locator("#supervision-replies").inner_text().count("签约台账.pdf") == 1
    liaison.shot(5, "answered")

    staff.go(f"/supervision/{notice.pk}/")
    staff.page.click("#decision-form button[value=done]")
    assert "督办单已办结" in staff.page.content()
    assert staff.page.locator("#supervision-state").inner_text() == "已办结"
    staff.shot(6, "closed")
    notice.refresh_from_db()
    assert notice.state == "done" and notice.signed_by.username == "liaison_health"
    staff.go("/supervision/?state=open")
    assert staff.page.locator("#supervision-open").inner_text() == "0"
    assert ARTIFACTS.exists()
