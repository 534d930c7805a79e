# ruff: noqa: F811  (the browser fixtures are imported from test_e2e_browser and used as parameters)
"""The phone-first pages, measured in real headless Chromium at 390×844 (and the dashboard at 1366).

Screenshots land in test-artifacts/e2e/. Needs Debian's chromium (`make browsers`).
"""

from plans.models import Milestone
from tests.conftest import PASSWORD
from tests.test_e2e_browser import ARTIFACTS, browser, portal, pytestmark  # noqa: F401

PHONE = {"width": 390, "height": 844}


def signed_in(browser, base, username, viewport):
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    return page


def measure(page):
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight, window.innerWidth]"
    )


def test_task_list_with_20_rows_fits_a_phone(browser, portal):
    assert Milestone.objects.count() >= 20  # the three plans hold far more; 20 fill one page
    page = signed_in(browser, portal, "staff", PHONE)
    page.goto(f"{portal}/tasks/?per_page=20")
    cards = page.locator(".task-card")
    assert cards.count() == 20
    width, height, inner = measure(page)
    page.screenshot(path=str(ARTIFACTS / "phone-task-list.png"), full_page=True)
    # No sideways scroll (the viewport is 390 wide), and 20 node plans in under three screens: 3 × 844 = 2532.
    assert inner == 390 and width <= 390
    assert height < 3 * 844, height
    # Every card carries its light, deadline, lead unit and status; the filters are folded away.
    first = cards.first.inner_text()
    assert "牵头：" in first and ("年" in first or "无截止期限" in first)
    assert page.locator("#task-filters").is_hidden()
    page.click("button[data-bs-target='#task-filters']")
    page.locator("#task-filters").wait_for(state="visible")
    assert page.locator("#id_q").is_visible()
    page.close()


def test_task_list_keeps_its_table_on_a_desktop(browser, portal):
    page = signed_in(browser, portal, "staff", {"width": 1366, "height": 900})
    page.goto(f"{portal}/tasks/?per_page=20")
    assert page.locator("table tbody tr").count() == 20
    assert page.locator(".task-card").first.is_hidden()
    assert page.locator("#id_q").is_visible()  # filters open on a wide screen
    page.close()


def test_my_tasks_fit_a_phone(browser, portal):
    page = signed_in(browser, portal, "liaison_hr", PHONE)
    assert page.url.endswith("/my/")
    width, _height, _inner = measure(page)
    page.screenshot(path=str(ARTIFACTS / "phone-my-tasks.png"), full_page=True)
    assert width <= 390
    page.close()


def test_dashboard_on_a_phone_puts_plans_off_track_and_league_first(browser, portal):
    from plans.demo.accounts import ensure_demo_accounts
    from plans.demo.progress import seed_demo_progress
    from plans.demo.year import seed_demo_year
    from plans.models import Plan
    from tests.conftest import create_test_users

    ensure_demo_accounts()
    seed_demo_progress()
    seed_demo_year()  # a year of reports: most deadlines met on time, some late, overdue or returned
    create_test_users()  # the demo accounts share the names "staff" and "leader"; restore the test password
    page = signed_in(browser, portal, "leader", PHONE)
    # The per-category table is shown for a chosen plan (the all-plans page of a province would list hundreds).
    plan = Plan.objects.order_by("-issue_date", "code").first()
    page.goto(f"{portal}/dashboard/?plan={plan.pk}")

    def top(text):
        return page.locator(".card-header", has_text=text).first.bounding_box()["y"]

    plan_card = page.locator(".card h2 a").first.bounding_box()["y"]
    order = [
        plan_card,
        top("需要关注"),
        top("牵头单位排名"),
        top("按工作任务"),
        page.locator("#indicators").bounding_box()["y"],
    ]
    assert order == sorted(order), order
    width, height, _inner = measure(page)
    assert width <= 390
    print(f"dashboard at 390×844: {height} px tall")  # the issue measured 22,211 px before the fold
    page.screenshot(path=str(ARTIFACTS / "phone-dashboard-full.png"), full_page=True)
    page.close()
