"""Session limits with a moved clock (time-machine): 30 minutes idle ends a session, activity keeps it up to the
absolute limit and no longer, the cookie ends with the browser, and the sign-in page says why in Chinese."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PAGE = "/tasks/"


def sign_in(client, username="liaison_hr"):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def is_signed_in(client) -> bool:
    response = client.get(PAGE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    return False


def test_idle_for_30_minutes_signs_out_with_a_chinese_notice(client):
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client)
        clock.move_to(T0 + timedelta(minutes=29))
        assert is_signed_in(client)  # 29 minutes after sign-in: the page counts as activity
        clock.move_to(T0 + timedelta(minutes=29 + 31))
        assert not is_signed_in(client)
        page = client.get("/accounts/login/").content.decode()
        assert "由于超过 30 分钟未操作，您已自动退出登录，请重新登录。" in page
        assert "由于超过" not in client.get("/accounts/login/").content.decode()  # said once
        clock.move_to(T0 + timedelta(minutes=29 + 31 + 1))
        assert not is_signed_in(client)  # the old cookie does not come back


def test_activity_keeps_the_session_until_the_absolute_limit(client, settings):
    assert (settings.SESSION_IDLE_MINUTES, settings.SESSION_MAX_HOURS) == (30, 8)  # the defaults
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client)
        for minutes in range(20, 8 * 60, 20):  # a page every 20 minutes for almost 8 hours
            clock.move_to(T0 + timedelta(minutes=minutes))
            assert is_signed_in(client), minutes
        clock.move_to(T0 + timedelta(hours=8))
        assert not is_signed_in(client)
        assert "登录已超过 8 小时" in client.get("/accounts/login/").content.decode()


def test_limits_follow_the_settings(client, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client)
        clock.move_to(T0 + timedelta(minutes=4))
        assert is_signed_in(client)
        clock.move_to(T0 + timedelta(minutes=4 + 5))
        assert not is_signed_in(client)
        assert "超过 5 分钟未操作" in client.get("/accounts/login/").content.decode()


def test_signing_in_again_after_expiry_works(client):
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client)
        clock.move_to(T0 + timedelta(hours=1))
        assert not is_signed_in(client)
        sign_in(client)
        assert is_signed_in(client)


def test_the_session_cookie_ends_when_the_browser_closes(client):
    response = client.post("/accounts/login/", {"username": "liaison_hr", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
