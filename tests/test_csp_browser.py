"""The Content-Security-Policy fits the pages: in real Chromium, every page of every role (the admin included)
renders with 0 CSP violations, Bootstrap's scripts still work, and the year-close confirmation (now in
static/talentplan.js instead of an inline onsubmit) still asks before anything is written."""

import os

import pytest
from django.contrib.auth import get_user_model

from plans.models import Milestone, Plan, PlanYearClosure
from targets.models import Indicator
from tests.conftest import PASSWORD
from tests.test_e2e_browser import CHROMIUM, browser, portal  # noqa: F401  (shared Chromium fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="未安装 Chromium，跳过 CSP 浏览器测试（运行 `make browsers` 安装）",
    ),
]

# Collects every violation the browser reports, from the first byte of every page.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


def signed_in(browser, portal, username, width=1280):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{portal}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page, console


def violations(page, console) -> list[str]:
    return page.evaluate("window.__cspViolations") + [m for m in console if "Content Security Policy" in m]


def test_every_page_renders_without_csp_violations(browser, portal):  # noqa: F811
    from plans.demo.accounts import ensure_demo_accounts
    from plans.demo.progress import seed_demo_progress
    from tests.conftest import create_test_users

    ensure_demo_accounts()
    seed_demo_progress()
    create_test_users()  # the demo accounts share the names "staff" and "leader"; restore the test password
    milestone = Milestone.objects.filter(reports__isnull=False).first() or Milestone.objects.first()
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    indicator = Indicator.objects.filter(plan=plan).first()
    liaison_pk = get_user_model().objects.get(username="liaison_hr").pk
    pages = {
        "staff": [
            "/",
            "/tasks/",
            f"/tasks/{milestone.pk}/",
            f"/dashboard/?plan={plan.pk}",
            f"/plans/{plan.code}/",
            f"/indicators/{indicator.pk}/",
            "/plans/import/",
            "/reviews/",
            "/reminders/",
            "/notifications/",
            "/accounts/password/",
            "/admin/",
            "/admin/auth/user/",
            f"/admin/auth/user/{liaison_pk}/change/",
            "/admin/auth/user/add/",
            "/admin/plans/milestone/",
            f"/admin/plans/milestone/{milestone.pk}/change/",
            "/admin/units/unit/",
        ],
        "leader": ["/", f"/dashboard/?plan={plan.pk}", f"/tasks/{milestone.pk}/"],
        "liaison_hr": ["/my/", "/tasks/", f"/tasks/{milestone.pk}/"],
    }
    visited = 0
    for username, paths in pages.items():
        page, console = signed_in(browser, portal, username)
        for path in paths:
            response = page.goto(portal + path)
            assert response.status in (200, 404), (path, response.status)  # 404: a task outside a liaison's units
            assert violations(page, console) == [], path
            visited += 1
        page.context.close()
    assert visited == sum(len(paths) for paths in pages.values())

    # The login page while signed out.
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(f"{portal}/accounts/login/")
    assert page.evaluate("window.__cspViolations") == []
    context.close()


def test_bootstrap_and_the_year_close_confirmation_work_under_the_csp(browser, portal):  # noqa: F811
    page, console = signed_in(browser, portal, "staff", width=390)
    # Bootstrap's collapse (external script) opens the phone navigation.
    page.click("button.navbar-toggler")
    page.wait_for_selector("#nav.show")

    page.set_viewport_size({"width": 1280, "height": 900})
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    page.goto(f"{portal}/plans/{plan.code}/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("form[data-confirm] button[type=submit]")
    page.wait_for_timeout(300)
    assert asked and "不可撤销" in asked[0]
    assert not PlanYearClosure.objects.filter(plan=plan).exists()  # dismissed: nothing written

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("form[data-confirm] button[type=submit]")
    assert PlanYearClosure.objects.filter(plan=plan).count() == 1
    assert violations(page, console) == []
