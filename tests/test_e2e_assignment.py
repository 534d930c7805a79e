"""交办 end to end in headless Chromium, at 1366 px and 390 px: staff open a plan, 交办 a node plan while the
deadline preview updates as they type, save, and the lead unit's liaison finds it on 我的任务 (/my/).

Screenshots of each step land in test-artifacts/e2e/assign-<width>-NN-<step>.png.
"""

import pytest

from plans.models import Milestone
from tests.conftest import PASSWORD
from tests.test_e2e_browser import (  # noqa: F401 (fixtures, marks)
    ARTIFACTS,
    assert_no_sideways_scroll,
    browser,
    portal,
    pytestmark,
)

PLAN = "jianghai-rcqq-2022"  # 2022—2024


class Steps:
    def __init__(self, browser, base, username, width):  # noqa: F811
        self.page = browser.new_page(viewport={"width": width, "height": 900 if width > 500 else 844}, locale="zh-CN")
        self.base, self.width, self.username, self.step = base, width, username, 0
        self.page.goto(f"{base}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")

    def shot(self, name):
        assert_no_sideways_scroll(self.page)  # every step, at both widths
        self.step += 1
        path = ARTIFACTS / f"assign-{self.width}-{self.username}-{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def no_sideways_scroll(self):
        assert_no_sideways_scroll(self.page)


@pytest.mark.parametrize("width", [1366, 390])
def test_staff_assign_a_node_plan_through_to_the_liaisons_home(browser, portal, width):  # noqa: F811
    text = f"在园区设立人才服务驿站（{width}）。"
    staff = Steps(browser, portal, "staff", width)
    staff.page.goto(f"{portal}/plans/{PLAN}/")
    staff.page.click("text=交办节点计划")
    assert staff.page.url.endswith(f"/plans/{PLAN}/tasks/new/")
    staff.no_sideways_scroll()
    staff.shot("form")

    staff.page.fill("#id_text", text)
    staff.page.select_option("#id_lead_1", label="区人力资源和社会保障局")
    staff.page.select_option("#id_co_1", label="区卫生健康局")
    staff.page.type("#id_due_text", "每年下半年", delay=20)
    # The live preview (talentplan.js → /assign/preview.json): 每年下半年 in 2022—2024 is 1 July–31 December.
    preview = staff.page.locator("#schedule-preview-body")
    preview.locator("li", has_text="2024年下半年").wait_for(timeout=5000)
    assert preview.locator("li").all_inner_texts() == [
        "2022年下半年：2022年7月1日 至 2022年12月31日",
        "2023年下半年：2023年7月1日 至 2023年12月31日",
        "2024年下半年：2024年7月1日 至 2024年12月31日",
    ]
    staff.no_sideways_scroll()
    staff.shot("live-preview")

    staff.page.fill("#id_due_text", "尽快")
    preview.locator(".text-danger", has_text="无法识别的完成时间“尽快”").wait_for(timeout=5000)
    staff.shot("preview-error")
    staff.page.fill("#id_due_text", "每年下半年")
    preview.locator("li", has_text="2024年下半年").wait_for(timeout=5000)

    staff.page.click("button[name=save]")
    assert "已交办节点计划" in staff.page.content()
    milestone = Milestone.objects.get(text=text)
    assert staff.page.url.endswith(f"/tasks/{milestone.pk}/")
    assert sorted(milestone.occurrences.values_list("label", flat=True)) == [
        "2022年下半年",
        "2023年下半年",
        "2024年下半年",
    ]
    staff.shot("saved")

    liaison = Steps(browser, portal, "liaison_hr", width)
    assert liaison.page.url.endswith("/my/")
    assert liaison.page.locator(f"a[href='/tasks/{milestone.pk}/']").count() >= 1
    liaison.no_sideways_scroll()
    liaison.shot("my-tasks")
    liaison.page.goto(f"{portal}/tasks/{milestone.pk}/")
    assert text in liaison.page.content()
    liaison.shot("detail")
