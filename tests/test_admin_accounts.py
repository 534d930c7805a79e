"""数据管理 (the admin) cannot be used to take accounts over: staff who are not superusers administer liaisons
and leaders only, and can neither escalate anyone (themselves included) nor touch staff and superusers."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.forms import MultiWidget
from django.test import Client

from tests.conftest import PASSWORD, USERS
from units.accounts import administrable_users, create_user, may_administer
from units.models import Membership, Unit
from units.roles import Role, user_role

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def root():
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.fixture
def staff2():
    return create_user("staff2", Role.STAFF, password=PASSWORD, full_name="另一位工作人员")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def privileges() -> dict:
    """Everything that decides what an account may do, per user, for before/after comparisons."""
    return {
        user.username: (
            user.is_superuser,
            user.is_staff,
            user.is_active,
            user.password,
            tuple(sorted(user.groups.values_list("name", flat=True))),
            tuple(sorted(user.user_permissions.values_list("codename", flat=True))),
        )
        for user in User.objects.prefetch_related("groups", "user_permissions")
    }


def change_form_data(response) -> dict:
    """The POST a browser would send for an admin change page as rendered (main form and inlines)."""
    data = {}

    def put(form, name):
        bound = form[name]
        if bound.field.disabled:
            return
        value = bound.value()
        key = form.add_prefix(name)
        if isinstance(bound.field.widget, MultiWidget):
            for index, part in enumerate(bound.field.widget.decompress(value)):
                data[f"{key}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif value is not None:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = str(formset.management_form[name].value())
        for subform in formset.forms:
            for name in subform.fields:
                put(subform, name)
    return data


NO_MEMBERSHIPS = {  # the empty unit and region inlines, as the add page sends them
    **{
        f"{prefix}-{name}": value
        for prefix in ("memberships", "region_memberships")
        for name, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }
}


def change_url(user):
    return f"/admin/auth/user/{user.pk}/change/"


def password_url(user):
    return f"/admin/auth/user/{user.pk}/password/"


def test_staff_who_tick_superuser_on_their_own_account_change_nothing(user_named, root):
    staff = user_named("staff")
    assert not staff.is_superuser and staff.is_staff  # a staff member, not a superuser
    # The full form as a superuser sees it, with 超级用户状态 ticked, posted by the staff member.
    data = change_form_data(logged_in(root).get(change_url(staff)))
    data.update(is_superuser="on", is_staff="on")
    data["user_permissions"] = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    before = privileges()

    client = logged_in(staff)
    assert client.get(change_url(staff)).status_code == 302  # their own account is not in their list
    response = client.post(change_url(staff), data)

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert privileges() == before
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_staff_cannot_raise_a_liaison_to_staff_or_superuser(user_named):
    staff, liaison = user_named("staff"), user_named("liaison_hr")
    client = logged_in(staff)
    page = client.get(change_url(liaison))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert {"is_superuser", "is_staff", "user_permissions"}.isdisjoint(form.fields)
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {Role.LIAISON, Role.LEADER}

    before = privileges()
    data = change_form_data(page)
    data.update(is_superuser="on", is_staff="on", user_permissions=[str(Permission.objects.first().pk)])
    data["groups"] = [str(Group.objects.get(name=Role.STAFF).pk)]
    refused = client.post(change_url(liaison), data)
    assert refused.status_code == 200 and "groups" in refused.context["adminform"].form.errors
    assert privileges() == before

    # The same post without the staff group is saved, and the fields staff may not set are ignored.
    data["groups"] = [str(Group.objects.get(name=Role.LIAISON).pk)]
    data["first_name"] = "陈联络员（改名）"
    saved = client.post(change_url(liaison), data)
    assert saved.status_code == 302
    liaison.refresh_from_db()
    assert liaison.first_name == "陈联络员（改名）"
    assert (liaison.is_superuser, liaison.is_staff, liaison.user_permissions.count()) == (False, False, 0)
    assert user_role(liaison) == Role.LIAISON


def test_staff_cannot_open_or_post_the_password_change_of_a_superuser_or_other_staff(user_named, root, staff2):
    client = logged_in(user_named("staff"))
    for target in (root, staff2):
        old_hash = target.password
        assert client.get(password_url(target)).status_code == 404
        response = client.post(password_url(target), {"password1": "Taken-0ver-pass!", "password2": "Taken-0ver-pass!"})
        assert response.status_code == 404
        target.refresh_from_db()
        assert target.password == old_hash
        assert not target.check_password("Taken-0ver-pass!")


def test_staff_can_reset_a_liaisons_password_and_a_superuser_can_reset_staffs(user_named, root, staff2):
    liaison = user_named("liaison_hr")
    new = {"password1": "Xinmima-2024-hr", "password2": "Xinmima-2024-hr", "set_usable_password": "true"}
    assert logged_in(user_named("staff")).post(password_url(liaison), new).status_code == 302
    liaison.refresh_from_db()
    assert liaison.check_password("Xinmima-2024-hr")

    assert logged_in(root).post(password_url(staff2), new).status_code == 302
    staff2.refresh_from_db()
    assert staff2.check_password("Xinmima-2024-hr")


def test_a_superuser_can_still_grant_superuser_status(root, staff2):
    client = logged_in(root)
    data = change_form_data(client.get(change_url(staff2)))
    data["is_superuser"] = "on"
    assert client.post(change_url(staff2), data).status_code == 302
    staff2.refresh_from_db()
    assert staff2.is_superuser


def test_the_staff_user_list_holds_liaisons_and_leaders_only(user_named, root, staff2):
    response = logged_in(user_named("staff")).get("/admin/auth/user/")
    listed = {user.username for user in response.context["cl"].result_list}
    # From the named test users: everyone whose role is not staff (root and staff2 are staff too), in the regions
    # where "staff" acts (江海区, 南平市): not the 江门市 督查员, whose region is not theirs.
    assert listed == {name for name, (role, *_) in USERS.items() if role != Role.STAFF} - {"supervisor"}
    everyone = {user.username for user in logged_in(root).get("/admin/auth/user/").context["cl"].result_list}
    assert everyone == set(USERS) | {"root", "staff2"}


def test_staff_can_create_a_liaison_with_a_unit(user_named):
    client = logged_in(user_named("staff"))
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "liaison_new",
            "usable_password": "true",
            "password1": "Lianluoyuan-2025",
            "password2": "Lianluoyuan-2025",
            **NO_MEMBERSHIPS,
        },
    )
    new = User.objects.get(username="liaison_new")
    assert response.status_code == 302 and response["Location"] == change_url(new)

    data = change_form_data(client.get(change_url(new)))
    data["groups"] = [str(Group.objects.get(name=Role.LIAISON).pk)]
    unit = Unit.objects.get(name="区科学技术局")
    data.update({"memberships-TOTAL_FORMS": "1", "memberships-0-unit": str(unit.pk), "memberships-0-user": str(new.pk)})
    assert client.post(change_url(new), data).status_code == 302
    new.refresh_from_db()
    assert user_role(new) == Role.LIAISON and not new.is_staff and not new.is_superuser
    assert list(Membership.objects.filter(user=new).values_list("unit__name", flat=True)) == ["区科学技术局"]
    assert new.check_password("Lianluoyuan-2025")


def test_the_admin_add_form_refuses_a_weak_password(user_named):
    response = logged_in(user_named("staff")).post(
        "/admin/auth/user/add/",
        {"username": "weak", "usable_password": "true", "password1": "1", "password2": "1", **NO_MEMBERSHIPS},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["password2"]
    assert errors == [
        "密码长度太短，至少需要 8 个字符。",
        "密码须包含大写字母、小写字母、数字、符号中的至少 3 类（现有：数字）。",
        "这个密码太常见了。",
        "密码只包含数字。",
    ]
    assert not User.objects.filter(username="weak").exists()


def test_staff_cannot_delete_a_superuser_or_other_staff(user_named, root, staff2):
    client = logged_in(user_named("staff"))
    for target in (root, staff2):
        client.post(f"/admin/auth/user/{target.pk}/delete/", {"post": "yes"})
        client.post(
            "/admin/auth/user/",
            {"action": "delete_selected", "_selected_action": [str(target.pk)], "post": "yes"},
        )
    assert User.objects.filter(pk__in=[root.pk, staff2.pk]).count() == 2


def test_staff_cannot_edit_groups_or_give_memberships_to_staff(user_named, staff2):
    client = logged_in(user_named("staff"))
    staff_group = Group.objects.get(name=Role.STAFF)
    permissions_before = set(staff_group.permissions.values_list("pk", flat=True))
    every_permission = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    response = client.post(
        f"/admin/auth/group/{staff_group.pk}/change/", {"name": "staff", "permissions": every_permission}
    )
    assert response.status_code == 403
    assert set(staff_group.permissions.values_list("pk", flat=True)) == permissions_before

    unit = Unit.objects.get(name="区科学技术局")
    response = client.post("/admin/units/membership/add/", {"user": str(staff2.pk), "unit": str(unit.pk)})
    assert response.status_code == 200 and "user" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=staff2).exists()


def test_who_may_administer_whom(user_named, root, staff2):
    staff, liaison, leader = user_named("staff"), user_named("liaison_hr"), user_named("leader")
    assert may_administer(staff, liaison) and may_administer(staff, leader)
    assert not may_administer(staff, staff) and not may_administer(staff, staff2) and not may_administer(staff, root)
    assert may_administer(root, staff2) and may_administer(root, root)
    # A user in the staff group without the is_staff flag still counts as staff.
    staff2.is_staff = False
    staff2.save()
    assert not may_administer(staff, staff2)
    assert staff2 not in administrable_users(staff)
