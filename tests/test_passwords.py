"""The password rule (at least 8 characters from 3 of the 4 classes, in Chinese) and the forced change at the first
sign-in of an account made by adduser."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from units.accounts import validate_new_password

pytestmark = pytest.mark.django_db
INITIAL = "Chushi-mima-1"
CHOSEN = "Ziji-xuan-de-2"


@pytest.mark.parametrize(
    "password, present",
    [
        ("abcdefghij-", "小写字母、符号"),
        ("ABCDEFGH1234", "大写字母、数字"),
        ("qwertyuiop", "小写字母"),
        ("人才工作督办平台好", "无"),
    ],
)
def test_fewer_than_three_classes_is_refused_in_chinese(password, present):
    with pytest.raises(ValidationError) as refused:
        validate_new_password(password, "zhangwei")
    expected = f"密码须包含大写字母、小写字母、数字、符号中的至少 3 类（现有：{present}）。"
    assert expected in " ".join(refused.value.messages)


@pytest.mark.parametrize("password", ["Renc4iBan", "abcd-efg-9", "ABCD EFG!x", "Xin-Mima"])
def test_three_classes_and_eight_characters_pass(password):
    validate_new_password(password, "zhangwei")  # raises if refused


def test_seven_characters_of_four_classes_are_too_short():
    with pytest.raises(ValidationError, match="至少需要 8 个字符"):
        validate_new_password("Ab1-xyz", "zhangwei")


def test_adduser_account_must_change_its_password_at_first_sign_in(client):
    call_command("adduser", "zhao-jh", "--role", "liaison", "--unit", "区人力资源和社会保障局", "--password", INITIAL)
    assert client.post("/accounts/login/", {"username": "zhao-jh", "password": INITIAL}).status_code == 302
    for page in ("/tasks/", "/", "/admin/", "/api/tasks/"):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, "/accounts/password/"), page
    page = client.get("/accounts/password/").content.decode()
    assert "首次登录须修改为只有您本人知道的新密码" in page and "至少 3 类" in page

    weak = {"old_password": INITIAL, "new_password1": "abcdefghijk", "new_password2": "abcdefghijk"}
    assert "至少 3 类" in client.post("/accounts/password/", weak).content.decode()
    assert client.get("/tasks/").status_code == 302  # still held at the change page

    changed = {"old_password": INITIAL, "new_password1": CHOSEN, "new_password2": CHOSEN}
    assert client.post("/accounts/password/", changed).status_code == 302
    assert client.get("/tasks/").status_code == 200
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", {"username": "zhao-jh", "password": CHOSEN}).status_code == 302
    assert client.get("/tasks/").status_code == 200  # not asked again


def test_sign_out_stays_possible_while_the_change_is_pending(client):
    call_command("adduser", "qian-jh", "--role", "liaison", "--unit", "区卫生健康局", "--password", INITIAL)
    client.post("/accounts/login/", {"username": "qian-jh", "password": INITIAL})
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_adduser_with_a_two_class_password_creates_nothing():
    with pytest.raises(CommandError, match="至少 3 类"):
        call_command("adduser", "sun-jh", "--role", "staff", "--password", "abcdefgh-ij")
    assert not get_user_model().objects.filter(username="sun-jh").exists()


def test_demo_accounts_are_not_held_at_the_change_page(client):
    from plans.demo.accounts import DEMO_PASSWORD

    call_command("demo_accounts")
    assert client.post("/accounts/login/", {"username": "hr", "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/tasks/").status_code == 200
