"""Login throttling (django-axes, units/throttle.py) through real login POSTs: after the limit even the right
password is refused, a forged X-Forwarded-For does not reset the count, and unlocking works.

The limits are the documented defaults (README 安全 / Security): 5 failures for one username from one address,
20 for one username from anywhere, 100 from one address; locked for 15 minutes."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from tests.conftest import PASSWORD
from units.throttle import client_ip

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]
LOCKED_TEXT = "登录失败次数过多，已暂时锁定"


def post_login(client, path, username, password, **meta):
    return client.post(path, {"username": username, "password": password, "next": "/"}, **meta)


def logged_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_the_documented_limits_are_the_settings():
    assert (settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_LIMIT_PER_USERNAME) == (5, 20)
    assert (settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS, settings.LOGIN_LOCKOUT_MINUTES) == (100, 15)
    assert settings.AXES_ENABLED and settings.TRUSTED_PROXY_COUNT == 0


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_after_five_wrong_passwords_the_right_one_is_refused(path):
    client = Client()
    for attempt in range(1, 5):  # failures 1-4: the ordinary "wrong password" page
        response = post_login(client, path, "staff", f"wrong-{attempt}")
        assert response.status_code == 200 and LOCKED_TEXT not in response.content.decode()
    fifth = post_login(client, path, "staff", "wrong-5")
    assert fifth.status_code == 429 and LOCKED_TEXT in fifth.content.decode()

    right = post_login(client, path, "staff", PASSWORD)
    assert right.status_code == 429
    assert "锁定 15 分钟" in right.content.decode()
    assert logged_in_as(client) is None

    # Another user at the same address is not affected (6 of the 100 per-address failures are used).
    other = Client()
    assert post_login(other, "/accounts/login/", "leader", PASSWORD).status_code == 302
    assert logged_in_as(other) is not None


def test_the_lock_lifts_fifteen_minutes_after_the_last_attempt():
    client = Client()
    for attempt in range(5):
        post_login(client, "/accounts/login/", "liaison_hr", f"wrong-{attempt}")
    assert post_login(client, "/accounts/login/", "liaison_hr", PASSWORD).status_code == 429
    # Every refused attempt (the right password included) restarts the 15 minutes.
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert post_login(Client(), "/accounts/login/", "liaison_hr", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14 + 14), tick=False):
        assert post_login(Client(), "/accounts/login/", "liaison_hr", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14 + 14 + 16), tick=False):
        client = Client()
        assert post_login(client, "/accounts/login/", "liaison_hr", PASSWORD).status_code == 302
        assert logged_in_as(client) is not None


def test_a_forged_x_forwarded_for_changing_on_every_request_does_not_reset_the_count():
    client = Client()
    for attempt in range(5):
        post_login(client, "/accounts/login/", "staff", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    response = post_login(client, "/accounts/login/", "staff", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert response.status_code == 429 and logged_in_as(client) is None


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_only_the_address_it_appended_counts():
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    client = Client()
    for attempt in range(5):  # the client forges the left part; our proxy appends the real address
        forged = f"198.51.100.{attempt}, 203.0.113.7"
        post_login(client, "/accounts/login/", "staff", "wrong", HTTP_X_FORWARDED_FOR=forged, **proxy)
    refused = post_login(client, "/accounts/login/", "staff", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert refused.status_code == 429

    # A different real client behind the same proxy is a different address: not locked.
    other = Client()
    allowed = post_login(other, "/accounts/login/", "staff", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert allowed.status_code == 302 and logged_in_as(other) is not None


def test_which_address_is_the_client():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(request) == "10.0.0.2"  # no trusted proxy: the header is ignored
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "203.0.113.7"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_ip(request) == "1.2.3.4"
    with override_settings(TRUSTED_PROXY_COUNT=3):
        assert client_ip(request) == "10.0.0.2"  # fewer entries than proxies: did not come through them
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(garbage) == "10.0.0.2"


def test_guessing_one_username_from_many_addresses_locks_it_everywhere():
    # 5 addresses x 4 failures = 20 failures for "leader": no single address reaches 5, the username reaches 20.
    for host in range(5):
        for attempt in range(4):
            post_login(Client(), "/accounts/login/", "leader", f"wrong-{attempt}", REMOTE_ADDR=f"192.0.2.{host}")
    client = Client()
    refused = post_login(client, "/accounts/login/", "leader", PASSWORD, REMOTE_ADDR="192.0.2.200")
    assert refused.status_code == 429 and logged_in_as(client) is None


def test_nineteen_failures_from_many_addresses_do_not_lock_the_username():
    for host in range(19):
        post_login(Client(), "/accounts/login/", "leader", "wrong", REMOTE_ADDR=f"192.0.2.{host}")
    assert post_login(Client(), "/accounts/login/", "leader", PASSWORD, REMOTE_ADDR="192.0.2.200").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT_PER_ADDRESS=10)  # the default 100, scaled down to keep the test short
def test_spraying_many_usernames_from_one_address_locks_that_address():
    for index in range(10):
        post_login(Client(), "/accounts/login/", f"guess{index}", "wrong", REMOTE_ADDR="192.0.2.50")
    assert post_login(Client(), "/accounts/login/", "staff", PASSWORD, REMOTE_ADDR="192.0.2.50").status_code == 429
    assert post_login(Client(), "/accounts/login/", "staff", PASSWORD, REMOTE_ADDR="192.0.2.51").status_code == 302


def lock(username):
    for attempt in range(5):
        post_login(Client(), "/accounts/login/", username, f"wrong-{attempt}")
    assert post_login(Client(), "/accounts/login/", username, PASSWORD).status_code == 429


def test_the_reset_command_unlocks():
    lock("liaison_health")
    call_command("axes_reset_username", "liaison_health")
    client = Client()
    assert post_login(client, "/accounts/login/", "liaison_health", PASSWORD).status_code == 302


def test_the_admin_action_unlocks_a_liaison(user_named):
    lock("liaison_lile")
    admin = Client()
    admin.force_login(user_named("staff"))
    response = admin.post(
        "/admin/auth/user/",
        {"action": "unlock_login", "_selected_action": [str(user_named("liaison_lile").pk)]},
        follow=True,
    )
    assert "已解除 1 个用户的登录锁定" in response.content.decode()
    assert post_login(Client(), "/accounts/login/", "liaison_lile", PASSWORD).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT_PER_ADDRESS=10, LOGIN_SHARED_ADDRESSES=["192.0.2.0/28"])
def test_behind_a_shared_nat_address_one_person_does_not_lock_the_department():
    # Ten failures with ten usernames from the department's NAT address: the per-address limit (10) would lock it.
    for index in range(10):
        post_login(Client(), "/accounts/login/", f"guess{index}", "wrong", REMOTE_ADDR="192.0.2.5")
    assert post_login(Client(), "/accounts/login/", "staff", PASSWORD, REMOTE_ADDR="192.0.2.5").status_code == 302
    # The username+address limit still holds there: five wrong passwords for one user lock that user.
    for attempt in range(5):
        post_login(Client(), "/accounts/login/", "leader", f"wrong-{attempt}", REMOTE_ADDR="192.0.2.5")
    assert post_login(Client(), "/accounts/login/", "leader", PASSWORD, REMOTE_ADDR="192.0.2.5").status_code == 429
    # An address outside the shared network is still locked by the per-address limit.
    for index in range(10):
        post_login(Client(), "/accounts/login/", f"guess{index}", "wrong", REMOTE_ADDR="192.0.2.50")
    assert post_login(Client(), "/accounts/login/", "staff", PASSWORD, REMOTE_ADDR="192.0.2.50").status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT_PER_ADDRESS=10, TRUSTED_PROXY_COUNT=1)
def test_with_a_trusted_proxy_its_own_address_is_never_locked_by_the_per_address_limit():
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # requests that reach gunicorn without the proxy's X-Forwarded-For entry
    for index in range(10):
        post_login(Client(), "/accounts/login/", f"guess{index}", "wrong", **proxy)
    assert post_login(Client(), "/accounts/login/", "staff", PASSWORD, **proxy).status_code == 302
    # Behind the proxy, the per-address limit counts each client's own address.
    for index in range(10):
        post_login(Client(), "/accounts/login/", f"guess{index}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    locked = post_login(Client(), "/accounts/login/", "staff", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert locked.status_code == 429
    other = post_login(Client(), "/accounts/login/", "staff", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)
    assert other.status_code == 302
