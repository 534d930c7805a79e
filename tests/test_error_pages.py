"""Error pages in production (DEBUG off) are Chinese, lead back home, and need nothing from the database."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path
from django.views.defaults import server_error

from plans.models import Milestone


@login_not_required  # every other view needs a login (LoginRequiredMiddleware); this one must fail for anyone
def boom(request):
    raise RuntimeError("a bug in a view")


# This module doubles as a URLconf: the portal's URLs plus a view that fails.
urlpatterns = [path("boom/", boom), path("", include("talentplan.urls"))]

ENGLISH_DEFAULTS = ["Not Found", "Server Error", "Forbidden", "Bad Request", "CSRF verification failed"]


def assert_chinese_error_page(response, status: int, heading: str):
    body = response.content.decode()
    assert response.status_code == status
    assert heading in body and str(status) in body
    assert 'lang="zh-hans"' in body and 'href="/">返回首页</a>' in body
    for english in ENGLISH_DEFAULTS:
        assert english not in body
    return body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_out_of_scope_task_is_a_chinese_404_that_reveals_nothing(client_as):
    # liaison_hr belongs to 江海区人社局; a Nanping node plan can never name a Jianghai unit.
    milestone = Milestone.objects.filter(plan__code="nanping-cjwy-2021").order_by("position").first()
    body = assert_chinese_error_page(client_as("liaison_hr").get(f"/tasks/{milestone.pk}/"), 404, "页面不存在")
    assert "不在您的查看范围内" in body
    assert milestone.text[:20] not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_address_is_a_chinese_404(client):
    body = assert_chinese_error_page(client.get("/no-such-page/"), 404, "页面不存在")
    assert "/no-such-page/" in body


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@override_settings(DEBUG=False)
def test_a_failing_view_shows_the_chinese_500_page(client):
    client.raise_request_exception = False
    body = assert_chinese_error_page(client.get("/boom/"), 500, "服务器出错")
    assert "a bug in a view" not in body and "RuntimeError" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_refused_action_is_a_chinese_403_with_the_reason(client_as):
    # Only staff close a plan year (README: 年度销号); a leader sees the plan, so his POST is refused (403)
    # with the reason. (A liaison does not see plan-wide pages at all: 404, see test_access_matrix.)
    response = client_as("leader").post("/plans/jianghai-rcqq-2022/close-year/", {"year": "2022"})
    body = assert_chinese_error_page(response, 403, "没有权限")
    assert "只有组织部工作人员可以进行年度销号。" in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_csrf_failure_is_chinese_and_changes_nothing():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "staff", "password": "test-pass-123"})
    body = assert_chinese_error_page(response, 403, "安全校验未通过")
    assert "刷新后重新提交" in body and "原因（仅开发模式显示）" not in body
    assert "_auth_user_id" not in client.session  # the login did not happen


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_foreign_host_name_is_a_chinese_400(client):
    assert_chinese_error_page(client.get("/", HTTP_HOST="evil.example"), 400, "请求无法处理")


def test_error_pages_render_without_the_database():
    # No django_db mark: any query here fails the test, as it would with the database down.
    request = RequestFactory().get("/tasks/1/")
    assert "服务器出错" in render_to_string("500.html")
    assert "服务器出错" in server_error(request).content.decode()
    for name, heading in [("400.html", "请求无法处理"), ("403.html", "没有权限"), ("404.html", "页面不存在")]:
        assert heading in render_to_string(name, {}, request=request)
    assert "安全校验未通过" in render_to_string("403_csrf.html", {"reason": "CSRF token missing."})


def test_database_down_shows_the_chinese_500_page(tmp_path):
    """A real request with an unreachable PostgreSQL: loading the session fails, the 500 page still renders."""
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        "client.cookies['sessionid'] = 'x' * 32\n"
        "response = client.get('/tasks/')\n"
        "print('STATUS', response.status_code)\n"
        "print(response.content.decode())\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "k",
        "SECURE_SSL_REDIRECT": "0",  # the test client speaks plain HTTP
        "DJANGO_SETTINGS_MODULE": "talentplan.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",  # port 9 (discard): nothing listens
        "TALENTPLAN_VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    # Logs go to stdout too (LOG_FORMAT, README "部署与扩展"), so the answer is found by its marker.
    _, _, answer = result.stdout.partition("STATUS ")
    status, _, body = answer.partition("\n")
    assert status == "500", (result.stdout + result.stderr)[-2000:]
    assert "服务器出错" in body and 'href="/">返回首页</a>' in body
