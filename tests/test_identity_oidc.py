"""统一身份认证 (identity/oidc.py) end to end against a real OpenID Connect provider in its own process
(tests/oidc_server.py): no browser; the provider is driven with a requests session (the person's browser
there), the portal with Django's test client, each redirect followed by hand.

    .venv/bin/python -m pytest tests/test_identity_oidc.py -q -p no:cacheprovider
"""

import base64
import hashlib
import json
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import time_machine
from django.contrib.auth import user_logged_in, user_login_failed
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from identity import oidc
from identity.choices import Source
from identity.models import DirectoryAccount, DirectoryGroupMapping
from tests.oidc_server import PORTAL
from units.models import Membership, Region, RegionMembership, Unit
from units.roles import Role, user_role

pytestmark = pytest.mark.django_db
CLIENT_ID, CLIENT_SECRET = "talentplan", "talentplan-test-secret"  # tests/oidc_provider/.../setup_provider.py
PASSWORDS = {"oidc-zhang": "zhang-pass-1", "oidc-li": "li-pass-1", "oidc-nobody": "nobody-pass-1"}
PASSWORDS |= {"oidc-zhou": "zhou-pass-1", "oidc-wu": "wu-pass-1"}


@pytest.fixture
def portal(oidc_provider, settings):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "identity.oidc.DirectoryOIDCBackend"]
    settings.OIDC_OP_DISCOVERY = oidc_provider.discovery
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_CLAIM_UNIT = "department"
    oidc.forget_discovery()
    jianghai = Region.objects.get(code="jianghai")
    hr = Unit.objects.get(region=jianghai, name="区人力资源和社会保障局")
    health = Unit.objects.get(region=jianghai, name="区卫生健康局")
    liaison = DirectoryGroupMapping.objects.create(source=Source.OIDC, value="jh-hr", region=jianghai, role="liaison")
    liaison.units.add(hr)
    health_group = DirectoryGroupMapping.objects.create(
        source=Source.OIDC, value="jh-health", region=jianghai, role="liaison"
    )
    health_group.units.add(health)
    staff = DirectoryGroupMapping.objects.create(source=Source.OIDC, value="jh-staff", region=jianghai, role="staff")
    staff.regions.add(jianghai)
    DirectoryGroupMapping.objects.create(
        source=Source.OIDC, value="jh-liaisons", region=jianghai, role="liaison", unit_from_directory=True
    )
    yield {"provider": oidc_provider, "hr": hr, "health": health, "jianghai": jianghai}
    oidc.forget_discovery()


def to_provider(client, browser):
    """The portal's 统一身份认证登录: the provider's authorize URL it redirects to."""
    response = client.get("/accounts/oidc/login/")
    assert response.status_code == 302, response.content.decode()[:300]
    return response["Location"]


def sign_in_at_provider(browser, authorize_url, username):
    """The person at the provider: its login form if they have no session there, then the redirect back."""
    response = browser.get(authorize_url, allow_redirects=False)
    if "/accounts/login/" in response.headers.get("Location", ""):
        form = browser.get(urljoin(authorize_url, response.headers["Location"]))
        token = browser.cookies["csrftoken"]
        response = browser.post(
            form.url,
            data={
                "username": username,
                "password": PASSWORDS[username],
                "csrfmiddlewaretoken": token,
                "next": parse_qs(urlsplit(form.url).query)["next"][0],
            },
            headers={"Referer": form.url},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:300]
        response = browser.get(urljoin(form.url, response.headers["Location"]), allow_redirects=False)
    location = response.headers["Location"]
    assert location.startswith(f"{PORTAL}/accounts/oidc/callback/"), location
    return location


def back_at_portal(client, callback_url):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def full_sign_in(client, browser, username):
    return back_at_portal(client, sign_in_at_provider(browser, to_provider(client, browser), username))


def state():
    return (
        sorted(User.objects.values_list("username", "is_staff", "first_name")),
        sorted(Membership.objects.values_list("user__username", "unit_id")),
        sorted(RegionMembership.objects.values_list("user__username", "region_id", "access")),
        sorted(DirectoryAccount.objects.values_list("subject", "user__username")),
    )


@pytest.fixture
def signals():
    seen = []

    def logged_in(sender, user, **kwargs):
        seen.append(("logged_in", user.username))

    def failed(sender, credentials, **kwargs):
        seen.append(("failed", sorted(credentials)))

    user_logged_in.connect(logged_in)
    user_login_failed.connect(failed)
    yield seen
    user_logged_in.disconnect(logged_in)
    user_login_failed.disconnect(failed)


def test_the_login_page_offers_it_only_when_configured(client, settings, portal):
    assert "统一身份认证登录" in client.get("/accounts/login/").content.decode()
    settings.OIDC_RP_CLIENT_ID = ""
    assert "统一身份认证登录" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/oidc/login/").status_code == 404


def test_sign_in_end_to_end_applies_the_mapping(client, portal, signals):
    browser = requests.Session()
    response = full_sign_in(client, browser, "oidc-zhang")
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="oidc-zhang")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user_role(user) == Role.LIAISON and user.first_name == "张联络员"
    assert set(Membership.objects.filter(user=user).values_list("unit", flat=True)) == {portal["hr"].pk}
    assert DirectoryAccount.objects.get(user=user).source == Source.OIDC
    assert ("logged_in", "oidc-zhang") in signals
    assert client.get("/tasks/").status_code == 200


def test_groups_changed_at_the_provider_change_the_role_at_the_next_sign_in(client, portal):
    browser = requests.Session()
    full_sign_in(client, browser, "oidc-zhang")
    portal["provider"].manage("set_groups", "oidc-zhang", "jh-staff")
    try:
        client.logout()  # the portal's session only: the provider still knows the person
        response = full_sign_in(client, browser, "oidc-zhang")
        assert response.status_code == 302
        user = User.objects.get(username="oidc-zhang")
        assert user_role(user) == Role.STAFF and user.is_staff
        assert not Membership.objects.filter(user=user).exists()
        assert RegionMembership.objects.filter(user=user, region=portal["jianghai"], access="full").exists()
    finally:
        portal["provider"].manage("set_groups", "oidc-zhang", "jh-hr")


def test_a_unit_named_by_the_directory_is_found_through_the_mapping(client, portal):
    response = full_sign_in(client, requests.Session(), "oidc-wu")  # department: 区卫生健康局
    assert response.status_code == 302
    user = User.objects.get(username="oidc-wu")
    assert set(Membership.objects.filter(user=user).values_list("unit", flat=True)) == {portal["health"].pk}


def test_an_unmapped_person_is_refused_everything_but_whom_to_ask(client, portal, settings):
    settings.IDENTITY_CONTACT = "江海区委组织部人才办 0750-3861234"
    response = full_sign_in(client, requests.Session(), "oidc-nobody")
    assert response.status_code == 302 and response["Location"] == "/accounts/unmapped/"
    page = client.get("/accounts/unmapped/")
    assert page.status_code == 200 and "江海区委组织部人才办 0750-3861234" in page.content.decode()
    for url in ("/", "/tasks/", "/api/tasks/", "/admin/"):
        assert client.get(url).status_code == 403, url


def test_an_unknown_unit_name_in_a_claim_is_a_chinese_page_and_changes_nothing(client, portal, signals):
    before = state()
    response = full_sign_in(client, requests.Session(), "oidc-zhou")  # department: 不存在的局
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in-failed/"
    page = client.get(response["Location"]).content.decode()
    assert "不存在的局" in page and "找不到" in page
    assert "_auth_user_id" not in client.session and state() == before
    assert any(kind == "failed" for kind, _ in signals)


def test_sign_out_ends_the_providers_session_too(client, portal):
    browser = requests.Session()
    full_sign_in(client, browser, "oidc-zhang")
    # While the provider's session lives, a new sign-in passes straight through (no login form).
    again = browser.get(to_provider(client, browser), allow_redirects=False)
    assert again.headers["Location"].startswith(f"{PORTAL}/accounts/oidc/callback/")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    end_session = response["Location"]
    assert end_session.startswith(f"{portal['provider'].url}/o/logout/") and "id_token_hint=" in end_session
    assert "_auth_user_id" not in client.session
    back = browser.get(end_session, allow_redirects=False)
    assert back.status_code == 302 and back.headers["Location"] == f"{PORTAL}/accounts/login/"
    after = browser.get(to_provider(client, browser), allow_redirects=False)
    assert "/accounts/login/" in after.headers["Location"]  # the provider asks for the password again


def test_a_local_sign_out_with_no_provider_session_stays_local(client, user_named, portal):
    client.force_login(user_named("staff"))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_an_expired_id_token_is_refused(client, portal, signals):
    before = state()
    browser = requests.Session()
    callback = sign_in_at_provider(browser, to_provider(client, browser), "oidc-li")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):  # the token lives 300 s at the provider
        response = back_at_portal(client, callback)
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in-failed/"
    assert "身份令牌无效" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session and state() == before


def real_id_token(provider, browser, username):
    """An ID token of the provider's, fetched as a client would (with our own nonce and PKCE verifier)."""
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    discovery = requests.get(provider.discovery, timeout=10).json()
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": f"{PORTAL}/accounts/oidc/callback/",
        "scope": "openid profile email",
        "state": "s",
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    authorize = requests.Request("GET", discovery["authorization_endpoint"], params=query).prepare().url
    code = parse_qs(urlsplit(sign_in_at_provider(browser, authorize, username)).query)["code"][0]
    tokens = requests.post(
        discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": query["redirect_uri"],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code_verifier": verifier,
        },
        timeout=10,
    ).json()
    return tokens["id_token"], nonce


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_tampered_id_token_is_refused(portal):
    token, nonce = real_id_token(portal["provider"], requests.Session(), "oidc-zhang")
    backend = oidc.DirectoryOIDCBackend()
    oidc.OIDCAuthenticationBackend.__init__(backend)
    assert backend.verify_token(token, nonce=nonce)["preferred_username"] == "oidc-zhang"  # the real one passes
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["groups"] = ["jh-staff"]  # a liaison who would be staff
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(f"{header}.{_b64(json.dumps(claims).encode())}.{signature}", nonce=nonce)
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(token, nonce="another-sign-in")  # replayed into another sign-in


def test_a_provider_that_does_not_answer_is_a_chinese_page(client, portal, settings):
    settings.OIDC_OP_DISCOVERY = "http://127.0.0.1:1/.well-known/openid-configuration"
    oidc.forget_discovery()
    response = client.get("/accounts/oidc/login/")
    assert response.status_code == 503 and "无法读取统一身份认证平台的配置" in response.content.decode()


def test_a_callback_with_a_foreign_state_is_a_chinese_page(client, portal):
    to_provider(client, requests.Session())  # this session's state is another one
    response = client.get("/accounts/oidc/callback/?code=x&state=forged")
    assert response.status_code == 400 and "重新登录" in response.content.decode()
