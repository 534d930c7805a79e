"""adduser and the demo accounts: roles are groups, units resolve by name or alias, errors are clear."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from units.models import Membership
from units.roles import Role, user_role

pytestmark = pytest.mark.django_db


def test_adduser_resolves_units_by_alias(capsys):
    call_command(
        "adduser",
        "wang",
        "--role",
        "liaison",
        "--unit",
        "区人力资源和社会 保障局",
        "--unit",
        "发改委",
        "--password",
        "pw-12345678",
    )
    user = get_user_model().objects.get(username="wang")
    assert user_role(user) == Role.LIAISON
    assert set(Membership.objects.filter(user=user).values_list("unit__name", flat=True)) == {
        "区人力资源和社会保障局",
        "市发改委",
    }
    assert user.check_password("pw-12345678")
    assert "已保存用户 wang" in capsys.readouterr().out


def test_adduser_reports_an_unknown_unit_and_creates_nothing():
    with pytest.raises(CommandError, match="未知单位“区外星局”"):
        call_command("adduser", "ghost", "--role", "liaison", "--unit", "区外星局")
    assert not get_user_model().objects.filter(username="ghost").exists()


def test_a_liaison_needs_a_unit():
    with pytest.raises(CommandError, match="联络员必须至少指定一个单位"):
        call_command("adduser", "nounit", "--role", "liaison")


def test_staff_get_admin_rights_and_leaders_do_not():
    call_command("adduser", "s1", "--role", "staff", "--password", "pw-12345678")
    call_command("adduser", "l1", "--role", "leader", "--password", "pw-12345678")
    users = get_user_model().objects
    assert users.get(username="s1").is_staff and users.get(username="s1").has_perm("plans.change_milestone")
    assert not users.get(username="l1").is_staff and not users.get(username="l1").has_perm("plans.change_milestone")


def test_demo_accounts_are_printed(capsys):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    for username in ("staff", "leader", "hr", "health", "lile"):
        assert f"  {username} " in out
    assert "Talentplan-demo" in out


@pytest.mark.parametrize(
    "password, reason",
    [
        ("1", "密码长度太短，至少需要 8 个字符。"),
        ("12345678", "密码只包含数字。"),
        ("password", "这个密码太常见了。"),
        ("zhangwei2024", "密码跟 用户名 太相似了。"),
    ],
)
def test_adduser_refuses_a_weak_password_and_creates_nothing(password, reason):
    with pytest.raises(CommandError) as excinfo:
        call_command("adduser", "zhangwei2024", "--role", "staff", "--password", password)
    assert str(excinfo.value).startswith("未创建用户：密码不符合要求：")
    assert reason in str(excinfo.value)
    assert not get_user_model().objects.filter(username="zhangwei2024").exists()


def test_a_weak_password_leaves_an_existing_user_as_it_was(user_named):
    before = user_named("liaison_hr")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("adduser", "liaison_hr", "--role", "staff", "--password", "1")
    after = user_named("liaison_hr")
    assert (after.password, after.is_staff, user_role(after)) == (before.password, False, Role.LIAISON)


def test_the_published_demo_password_passes_the_validators():
    from django.contrib.auth.password_validation import validate_password

    from plans.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

    call_command("demo_accounts")
    call_command("demo_accounts")  # `make run` twice: the second run validates against the saved accounts
    for account in DEMO_ACCOUNTS:
        user = get_user_model().objects.get(username=account.username)
        validate_password(DEMO_PASSWORD, user=user)  # raises if the demo password were refused
        assert user.check_password(DEMO_PASSWORD)


def test_the_portal_password_change_refuses_a_weak_password(client_as, user_named):
    client = client_as("liaison_hr")
    old_hash = user_named("liaison_hr").password
    response = client.post(
        "/accounts/password/", {"old_password": "test-pass-123", "new_password1": "1", "new_password2": "1"}
    )
    assert response.status_code == 200
    assert "密码长度太短" in response.content.decode()
    assert user_named("liaison_hr").password == old_hash
