"""The daily loop in real headless Chromium, at desktop (1366 px) and phone (390 px) widths:

- 催办: staff press 催办 on a task → the unit's liaison sees the nav count and the one-line notification,
  opens it and reports;
- 批示: a leader's 批示 → the unit replies with a file → staff mark it 办结.

A screenshot of every step lands in test-artifacts/e2e/ (loop-<flow>-<width>-<step>.png). Needs Debian's
chromium (`make browsers`); launched as in tests/test_e2e_browser.py.
"""

import pytest

from plans.models import Chase, Instruction, Notification, ProgressReport
from tests.conftest import PASSWORD
from tests.helpers import PDF_BYTES, milestone_led_by
from tests.test_e2e_browser import ARTIFACTS, assert_no_sideways_scroll, browser, portal  # noqa: F401 (fixtures)
from tests.test_e2e_browser import pytestmark as browser_marks

pytestmark = browser_marks
HR = "区人力资源和社会保障局"
WIDTHS = [1366, 390]


class Person:
    """One signed-in browser page at a width; shot() keeps a numbered screenshot of every step."""

    def __init__(self, chromium, base, username, width, flow):
        self.page = chromium.new_page(viewport={"width": width, "height": 900 if width > 800 else 844}, locale="zh-CN")
        self.base, self.width, self.flow, self.username = base, width, flow, username
        self.page.goto(f"{base}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")

    def go(self, path):
        status = self.page.goto(self.base + path).status
        assert_no_sideways_scroll(self.page)
        return status

    def shot(self, step, name):
        assert_no_sideways_scroll(self.page)  # every page visited, at both widths
        path = ARTIFACTS / f"loop-{self.flow}-{self.width}-{step:02d}-{self.username}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def unread_badge(self) -> str:
        selector = "#nav-notifications .badge" if self.width > 800 else "#nav-notifications-phone .badge"
        return self.page.locator(selector).inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_chase_loop(browser, portal, width):  # noqa: F811
    milestone = milestone_led_by(HR)
    staff = Person(browser, portal, "staff", width, "chase")
    staff.go(f"/tasks/{milestone.pk}/")
    staff.page.fill("#chase #id_message", "请本周内报送进展")
    staff.page.click("#chase button[type=submit]")
    assert "已向区人力资源和社会保障局催办" in staff.page.content()
    assert "催办说明：请本周内报送进展" in staff.page.inner_text("body")  # the timeline entry
    staff.shot(1, "chased")
    assert Chase.objects.count() == 1

    liaison = Person(browser, portal, "liaison_hr", width, "chase")
    assert liaison.page.url.endswith("/my/")
    assert liaison.unread_badge() == "1"
    liaison.shot(2, "nav-count")
    liaison.go("/notifications/")
    line = liaison.page.locator(".notification-line").first
    assert "组织部催办" in line.inner_text() and "请本周内报送进展" in line.inner_text()
    liaison.shot(3, "notification")
    line.click()
    liaison.page.wait_for_url(f"**/tasks/{milestone.pk}/")
    assert Notification.objects.get(user__username="liaison_hr").read_at is not None
    assert liaison.page.input_value("#id_status") == milestone.status  # the form starts from where it stands
    liaison.shot(4, "task-opened")
    liaison.page.select_option("#id_status", "in_progress")
    liaison.page.fill("#id_percent", "60")
    liaison.page.fill("#id_narrative", "已按催办要求报送：方案已起草。")
    liaison.page.click("#report-form button[type=submit]")
    assert "进展报告已提交" in liaison.page.content()
    assert liaison.page.locator("#nav-notifications .badge, #nav-notifications-phone .badge").count() == 0
    liaison.shot(5, "reported")
    assert ProgressReport.objects.get(milestone=milestone).narrative == "已按催办要求报送：方案已起草。"

    staff.go("/tasks/")
    staff.shot(6, "staff-sees-pending-count")
    pending = "#nav-reviews .badge"
    if width > 800:
        assert staff.page.locator(pending).inner_text() == "1"
    else:
        staff.page.click(".navbar-toggler")
        staff.page.locator(pending).wait_for()
        assert staff.page.locator(pending).inner_text() == "1"


@pytest.mark.parametrize("width", WIDTHS)
def test_instruction_loop(browser, portal, width, tmp_path):  # noqa: F811
    milestone = milestone_led_by(HR)
    evidence = tmp_path / "落实方案.pdf"
    evidence.write_bytes(PDF_BYTES)

    leader = Person(browser, portal, "leader", width, "instruction")
    leader.go(f"/tasks/{milestone.pk}/")
    leader.page.fill("#id_text", "请区人社局两周内拿出落实方案。")
    leader.page.fill("#id_reply_by", "2099-01-31")
    leader.page.click("form[action$='/instruction/'] button[type=submit]")
    assert "批示已送承办单位" in leader.page.content()
    leader.shot(1, "instructed")
    instruction = Instruction.objects.get()
    leader.go("/dashboard/")
    assert leader.page.locator("#open-instructions").inner_text().count("请区人社局两周内拿出落实方案") == 1
    leader.shot(2, "dashboard-open")

    liaison = Person(browser, portal, "liaison_hr", width, "instruction")
    assert liaison.unread_badge() == "1"
    liaison.page.click(f"#open-instructions a[href='/instructions/{instruction.pk}/']")
    liaison.page.fill("#reply-form #id_text", "已制定落实方案，见附件。")
    liaison.page.set_input_files("#reply-form #id_files", str(evidence))
    liaison.shot(3, "reply-form")
    liaison.page.click("#reply-form button[type=submit]")
    assert "反馈已提交" in liaison.page.content()
    assert liaison.page.locator("#nav-notifications .badge, #nav-notifications-phone .badge").count() == 0
    assert liaison.page.locator("#replies").inner_text().count("落实方案.pdf") == 1
    liaison.shot(4, "replied")

    staff = Person(browser, portal, "staff", width, "instruction")
    staff.go(f"/instructions/{instruction.pk}/")
    staff.page.fill("#decision-form #id_comment", "方案可行，办结。")
    staff.page.click("#decision-form button[value=done]")
    assert "批示已办结" in staff.page.content()
    assert staff.page.locator("#instruction-state").inner_text() == "已办结"
    staff.shot(5, "done")
    instruction.refresh_from_db()
    assert instruction.state == "done"

    leader.go("/dashboard/")
    assert leader.page.locator("#open-instructions").count() == 0
    leader.go("/notifications/")
    leader.shot(6, "leader-hears-done")
    assert "已办结" in leader.page.locator(".notification-list").inner_text()
