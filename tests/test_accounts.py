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
    assert "talentplan-demo" in out
