"""LDAP / AD sign-in (identity/ldap.py) against a real OpenLDAP server (tests/ldap_server.py): the mapping of
groups to roles and units, refusals that change nothing, and groups that change between two sign-ins.

    .venv/bin/python -m pytest tests/test_identity_ldap.py -q -p no:cacheprovider
"""

import pytest

pytest.importorskip(
    "django_auth_ldap",
    reason="没有安装 python-ldap（make directory 安装）/ LDAP client not installed (make directory)",
)

from django.contrib.auth import user_logged_in, user_login_failed
from django.contrib.auth.models import User

from identity.choices import REFUSE, Source
from identity.models import DirectoryAccount, DirectoryGroupMapping
from tests.ldap_server import GROUPS, PEOPLE, group_dn, person_dn
from units.models import Membership, Region, RegionMembership, Unit
from units.roles import Role, user_role

pytestmark = pytest.mark.django_db

BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "identity.ldap.DirectoryLDAPBackend",
]


@pytest.fixture
def directory(slapd, settings):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    settings.LDAP_SERVER_URI = slapd
    settings.LDAP_USER_SEARCH_BASE = PEOPLE
    settings.LDAP_GROUP_SEARCH_BASE = GROUPS
    settings.LDAP_UNIT_ATTR = "departmentNumber"
    jianghai = Region.objects.get(code="jianghai")
    hr = Unit.objects.get(region=jianghai, name="区人力资源和社会保障局")
    health = Unit.objects.get(region=jianghai, name="区卫生健康局")
    rows = {
        "jianghai-hr": DirectoryGroupMapping.objects.create(
            source=Source.LDAP, value="jianghai-hr", region=jianghai, role=Role.LIAISON
        ),
        "jianghai-health": DirectoryGroupMapping.objects.create(
            source=Source.LDAP, value=group_dn("jianghai-health"), region=jianghai, role=Role.LIAISON
        ),
        "jianghai-staff": DirectoryGroupMapping.objects.create(
            source=Source.LDAP, value="JIANGHAI-STAFF", region=jianghai, role=Role.STAFF
        ),
        "jianghai-liaisons": DirectoryGroupMapping.objects.create(
            source=Source.LDAP, value="jianghai-liaisons", region=jianghai, role=Role.LIAISON, unit_from_directory=True
        ),
        "disabled-accounts": DirectoryGroupMapping.objects.create(
            source=Source.LDAP, value="disabled-accounts", region=jianghai, role=REFUSE
        ),
        "portal-staff": DirectoryGroupMapping.objects.create(
            source=Source.LDAP, value="portal-staff", region=jianghai, role=Role.STAFF
        ),
    }
    rows["jianghai-hr"].units.add(hr)
    rows["jianghai-health"].units.add(health)
    rows["jianghai-staff"].regions.add(jianghai)
    rows["portal-staff"].regions.add(jianghai)
    return {"hr": hr, "health": health, "jianghai": jianghai}


@pytest.fixture
def signals():
    seen = []

    def logged_in(sender, user, **kwargs):
        seen.append(("logged_in", user.username))

    def failed(sender, credentials, **kwargs):
        seen.append(("failed", credentials.get("username")))

    user_logged_in.connect(logged_in)
    user_login_failed.connect(failed)
    yield seen
    user_logged_in.disconnect(logged_in)
    user_login_failed.disconnect(failed)


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def state():
    return (
        sorted(User.objects.values_list("username", "is_staff", "first_name")),
        sorted(Membership.objects.values_list("user__username", "unit_id")),
        sorted(RegionMembership.objects.values_list("user__username", "region_id", "access")),
        sorted(DirectoryAccount.objects.values_list("subject", "user__username")),
    )


def test_a_mapped_person_signs_in_with_the_role_and_unit_of_their_group(client, directory, signals):
    response = sign_in(client, "zhang", "zhang-pass-1")
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="zhang")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user_role(user) == Role.LIAISON and user.first_name == "张联络员" and user.email == "zhang@example.gov"
    assert set(Membership.objects.filter(user=user).values_list("unit", flat=True)) == {directory["hr"].pk}
    assert not user.has_usable_password()  # the directory keeps the password
    account = DirectoryAccount.objects.get(user=user)
    assert account.source == Source.LDAP and account.subject == person_dn("zhang").lower()
    assert "jianghai-hr" in account.last_values
    assert ("logged_in", "zhang") in signals
    assert client.get("/tasks/").status_code == 200


def test_a_staff_group_gives_staff_in_its_region(client, directory):
    assert sign_in(client, "li", "li-pass-1").status_code == 302
    user = User.objects.get(username="li")
    assert user_role(user) == Role.STAFF and user.is_staff and not user.is_superuser
    assert list(RegionMembership.objects.filter(user=user).values_list("region__code", "access")) == [
        ("jianghai", "full")
    ]


def test_a_wrong_password_is_refused_and_creates_nobody(client, directory, signals):
    before = state()
    response = sign_in(client, "zhang", "wrong-password")
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert state() == before
    assert ("failed", "zhang") in signals


def test_an_account_locked_in_the_directory_is_refused(client, directory, signals):
    before = state()
    response = sign_in(client, "locked", "locked-pass-1")  # the right password; pwdAccountLockedTime is set
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert state() == before
    assert ("failed", "locked") in signals


def test_a_member_of_a_disabled_group_is_refused_with_the_reason_and_nothing_changes(client, directory, signals):
    before = state()
    response = sign_in(client, "wang", "wang-pass-1")
    page = response.content.decode()
    assert response.status_code == 200 and "已被停用" in page and "disabled-accounts" in page
    assert "_auth_user_id" not in client.session
    assert state() == before  # django-auth-ldap's new user is undone with the refusal
    assert ("failed", "wang") in signals


def test_groups_that_change_between_two_sign_ins_change_the_role_and_units(client, directory, ldap_admin):
    import ldap

    assert sign_in(client, "chen", "chen-pass-1").status_code == 302
    user = User.objects.get(username="chen")
    assert user_role(user) == Role.LIAISON
    assert set(Membership.objects.filter(user=user).values_list("unit", flat=True)) == {directory["hr"].pk}
    client.post("/accounts/logout/")
    chen = person_dn("chen").encode()
    moves = [(group_dn("jianghai-hr"), ldap.MOD_DELETE), (group_dn("jianghai-health"), ldap.MOD_ADD)]
    for dn, op in moves:
        ldap_admin.modify_s(dn, [(op, "member", [chen])])
    try:
        assert sign_in(client, "chen", "chen-pass-1").status_code == 302
        user = User.objects.get(username="chen")
        assert set(Membership.objects.filter(user=user).values_list("unit", flat=True)) == {directory["health"].pk}
        client.post("/accounts/logout/")
        ldap_admin.modify_s(group_dn("jianghai-staff"), [(ldap.MOD_ADD, "member", [chen])])
        assert sign_in(client, "chen", "chen-pass-1").status_code == 302
        user = User.objects.get(username="chen")
        assert user_role(user) == Role.STAFF and user.is_staff
        assert not Membership.objects.filter(user=user).exists()
        assert RegionMembership.objects.filter(user=user, region=directory["jianghai"], access="full").exists()
    finally:
        ldap_admin.modify_s(group_dn("jianghai-staff"), [(ldap.MOD_DELETE, "member", [chen])])
        for dn, op in moves:
            ldap_admin.modify_s(dn, [(ldap.MOD_ADD if op == ldap.MOD_DELETE else ldap.MOD_DELETE, "member", [chen])])


def test_a_person_no_mapping_covers_sees_only_whom_to_ask(client, directory, settings):
    settings.IDENTITY_CONTACT = "江海区委组织部人才办 0750-3861234"
    assert sign_in(client, "nobody", "nobody-pass-1").status_code == 302
    user = User.objects.get(username="nobody")
    assert user_role(user) is None and not Membership.objects.filter(user=user).exists()
    for url in ("/", "/tasks/", "/dashboard/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "江海区委组织部人才办 0750-3861234" in response.content.decode()
    page = client.get("/accounts/unmapped/")
    assert page.status_code == 200 and "尚未开通" in page.content.decode() and "LDAP" in page.content.decode()


def test_an_unknown_unit_name_from_the_directory_is_a_chinese_refusal_that_changes_nothing(client, directory):
    before = state()
    response = sign_in(client, "zhou", "zhou-pass-1")  # departmentNumber: 不存在的局
    page = response.content.decode()
    assert response.status_code == 200 and "不存在的局" in page and "找不到" in page
    assert state() == before


def test_a_local_account_of_the_same_name_is_never_taken_over(client, directory, user_named):
    local = user_named("staff")
    before = state()
    response = sign_in(client, "staff", "dir-staff-pass-1")  # the directory's password, not the local one
    assert response.status_code == 200 and "本地账号" in response.content.decode()
    assert "_auth_user_id" not in client.session and state() == before
    local.refresh_from_db()
    assert not DirectoryAccount.objects.filter(user=local).exists()


def test_the_local_superuser_still_signs_in_with_the_directory_configured(client, directory):
    assert sign_in(client, "superuser", "test-pass-123").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_directory_that_does_not_answer_is_a_chinese_message(client, directory, settings):
    settings.LDAP_SERVER_URI = "ldap://127.0.0.1:1"
    response = sign_in(client, "zhang", "zhang-pass-1")
    assert response.status_code == 200 and "暂时无法连接" in response.content.decode()


def test_a_misconfigured_group_type_is_a_chinese_message(client, directory, settings):
    settings.LDAP_GROUP_TYPE = "noSuchType"
    response = sign_in(client, "zhang", "zhang-pass-1")
    assert response.status_code == 200 and "配置有误" in response.content.decode()
