"""End to end in real headless Chromium: report with a file, return, resubmit, approve; scoping holds.

Screenshots of every page land in test-artifacts/e2e/. Needs Debian's chromium (`make browsers`).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from plans.loading.load import load_plans
from plans.models import Milestone, ProgressReport
from tests.conftest import PASSWORD, create_test_users
from tests.helpers import PDF_BYTES, milestone_led_by

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="未安装 Chromium，跳过浏览器端到端测试（运行 `make browsers` 安装）",
    ),
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls here are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def portal(live_server):
    if not Milestone.objects.exists():  # a transactional test starts from whatever an earlier one left
        load_plans()
    create_test_users()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return live_server.url


# The widest elements sticking out past the right edge, to name the culprit when a page scrolls sideways.
OVERFLOW_JS = """() => {
  const root = document.documentElement, limit = root.clientWidth;
  const wide = [...document.body.querySelectorAll("*")].filter(e => e.getBoundingClientRect().right > limit + 1)
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join(".")}`);
  return {scrollWidth: root.scrollWidth, clientWidth: limit, wide};
}"""


def assert_no_sideways_scroll(page):
    """No horizontal scroll: the document is no wider than the viewport's layout width."""
    page.wait_for_load_state()  # after a click that navigates, measure the new page, not the one leaving
    seen = page.evaluate(OVERFLOW_JS)
    assert seen["scrollWidth"] <= seen["clientWidth"], f"{page.url} scrolls sideways: {seen}"


class Session:
    def __init__(self, browser, base, username):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.base, self.username, self.step = base, username, 0
        self.page.goto(f"{base}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")

    def go(self, path):
        response = self.page.goto(self.base + path)
        return response.status

    def shot(self, name):
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.username}-{self.step:02d}-{name}.png"), full_page=True)


def test_report_return_resubmit_approve_in_a_real_browser(browser, portal, tmp_path):
    milestone = milestone_led_by("区人力资源和社会保障局")
    foreign = milestone_led_by("区卫生健康局")
    evidence = tmp_path / "佐证材料.pdf"
    evidence.write_bytes(PDF_BYTES)

    liaison = Session(browser, portal, "liaison_hr")
    assert liaison.page.url.endswith("/my/")
    home = liaison.page.content()
    assert f"/tasks/{milestone.pk}/" in home and f"/tasks/{foreign.pk}/" not in home
    liaison.shot("my-tasks")

    liaison.go(f"/tasks/{milestone.pk}/")
    liaison.page.select_option("#id_status", "in_progress")
    liaison.page.fill("#id_percent", "60")
    liaison.page.fill("#id_narrative", "已完成方案起草，正在征求意见。")
    liaison.page.set_input_files("#id_files", str(evidence))
    liaison.page.click("#report-form button[type=submit]")
    assert "进展报告已提交" in liaison.page.content()
    liaison.shot("report-submitted")
    report = ProgressReport.objects.get(milestone=milestone)
    assert report.evidence.count() == 1

    staff = Session(browser, portal, "staff")
    staff.go(f"/tasks/{milestone.pk}/")
    staff.page.click(f"#report-{report.pk} button[value=return]")  # 退回 without a reason is refused
    assert "退回时请填写退回意见" in staff.page.content()
    staff.shot("return-needs-a-reason")
    report.refresh_from_db()
    assert report.state == "submitted"
    staff.page.fill(f"#id_v{report.pk}-comment", "请补充征求意见的范围。")
    staff.page.click(f"#report-{report.pk} button[value=return]")
    assert "已退回" in staff.page.content()
    staff.shot("returned")

    liaison.go(f"/tasks/{milestone.pk}/")
    assert "请补充征求意见的范围。" in liaison.page.content()
    liaison.page.fill(f"#id_r{report.pk}-narrative", "已补充：征求了 12 个单位意见。")
    liaison.page.fill(f"#id_r{report.pk}-percent", "80")
    liaison.page.click(f"#report-{report.pk} form button[type=submit]")
    assert "已重新提交" in liaison.page.content()
    liaison.shot("resubmitted")

    staff.go(f"/tasks/{milestone.pk}/")
    staff.page.click(f"#report-{report.pk} button[value=approve]")
    page = staff.page.content()
    assert "已审核通过" in page and "推进中 · 80%" in page
    for step in ("退回", "修改后重新报送", "审核通过"):
        assert step in page
    staff.shot("approved-with-history")
    milestone.refresh_from_db()
    assert (milestone.status, milestone.percent) == ("in_progress", 80)

    staff.go("/tasks/")
    staff.shot("task-list")

    other = Session(browser, portal, "liaison_health")
    assert other.go(f"/tasks/{milestone.pk}/") == 404
    evidence_pk = report.evidence.get().pk
    assert other.go(f"/evidence/{evidence_pk}/") == 404
    other.shot("other-unit-404")

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{portal}/accounts/login/")
    phone.fill("#id_username", "liaison_hr")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(f"{portal}/tasks/{milestone.pk}/")
    phone.screenshot(path=str(ARTIFACTS / "phone-detail.png"), full_page=True)
    assert_no_sideways_scroll(phone)


def test_dashboard_is_legible_at_desktop_and_phone_widths(browser, portal):
    from plans.demo.accounts import ensure_demo_accounts
    from plans.demo.progress import seed_demo_progress
    from plans.demo.year import seed_demo_year

    ensure_demo_accounts()
    seed_demo_progress()
    seed_demo_year()  # a year of reports: most deadlines met on time, some late, overdue or returned
    create_test_users()  # the demo accounts share the names "staff" and "leader"; restore the test password
    for name, width, height in (("desktop", 1366, 900), ("phone", 390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{portal}/accounts/login/")
        page.fill("#id_username", "leader")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        # No figures are entered here: every indicator is 未报送 (issue 21), drawn when that count is chosen.
        plan_id = Milestone.objects.first().plan_id
        response = page.goto(f"{portal}/dashboard/?plan={plan_id}&standing=unreported")
        assert response.status == 200
        assert page.locator("svg.trajectory").count() > 5
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=False)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}-full.png"), full_page=True)
        page.close()


def test_each_leader_sees_their_own_region_on_the_dashboard(browser, portal):
    """The 江海 leader's dashboard in Chromium: 江海's plans and lead units only; the superuser's: both regions.
    What belongs to which region is read from the database (the fixtures), not from the access layer."""
    from plans.models import MilestoneUnit, Plan

    titles = {code: title for code, title in Plan.objects.values_list("region__code", "title")}
    jianghai_titles = set(Plan.objects.filter(region__code="jianghai").values_list("title", flat=True))
    nanping_titles = set(Plan.objects.filter(region__code="nanping").values_list("title", flat=True))
    assert titles and jianghai_titles and nanping_titles
    lead_units = MilestoneUnit.objects.filter(role="lead").values_list("unit__region__code", "unit__name").distinct()
    jianghai_units = {name for code, name in lead_units if code == "jianghai"}
    for username, shown, hidden in [
        ("leader_jh", jianghai_titles, nanping_titles),
        ("superuser", jianghai_titles | nanping_titles, set()),
    ]:
        session = Session(browser, portal, username)
        assert session.go("/dashboard/") == 200
        plan_titles = set(session.page.locator("h2.plan-title a").all_inner_texts())
        league = [text.strip() for text in session.page.locator("tr.league-row td:first-child").all_inner_texts()]
        session.shot("dashboard-region")
        assert plan_titles == shown and not plan_titles & hidden
        if username == "leader_jh":
            assert league and set(league) <= jianghai_units  # every lead unit is 江海's, named as 江海 names it
        else:  # both regions' lead units; 南平's named with their region, as nobody's own region
            assert any(label.startswith("南平市·") for label in league)
            assert any(label.startswith("江门市江海区·") for label in league)
        session.page.close()
