"""Password validators with Chinese messages where Django's own translation is missing, the character-class
rule, and the forced change of a password someone else set."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone

from units.models import PasswordState


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 changed this message's msgid and its zh-hans catalogue has no translation for it yet."""

    def get_error_message(self):
        return f"密码长度太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


CHARACTER_CLASSES = [
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
    ("符号", lambda char: not char.isalnum()),  # punctuation, spaces, and anything outside the other three
]


class CharacterClassValidator:
    """At least min_classes of the four kinds of character (等保 level 2's 复杂度要求): lower-case letters,
    upper-case letters, digits and symbols. A Chinese character is a letter of no case: it counts as none of
    the four, so a password needs its classes elsewhere."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def classes(self, password: str) -> list[str]:
        return [name for name, test in CHARACTER_CLASSES if any(test(char) for char in password)]

    def validate(self, password, user=None):
        found = self.classes(password)
        if len(found) < self.min_classes:
            present = "、".join(found) or "无"
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类（现有：{present}）。",
                code="password_too_few_classes",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


# A forced change (an account whose password someone else set, e.g. by adduser): the flag is read once at sign-in
# into the session, so pages pay no query for it.
MUST_CHANGE = "talentplan_must_change_password"
ALLOWED_WHILE_FORCED = ("password_change", "password_change_done", "logout", "second_factor")


def require_change(user) -> None:
    """The user must choose a new password at their next sign-in."""
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})


def must_change(user) -> bool:
    return PasswordState.objects.filter(user=user, must_change=True).exists()


def changed_by_owner(request, user) -> None:
    """The user chose their own password: the flag goes, in the database and in this session."""
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": False, "changed_at": timezone.now()})
    request.session.pop(MUST_CHANGE, None)


def on_signed_in(sender, request, user, **kwargs):
    """user_logged_in receiver (units.apps): one query at sign-in."""
    if request is not None and hasattr(request, "session"):
        if must_change(user):
            request.session[MUST_CHANGE] = True
        else:
            request.session.pop(MUST_CHANGE, None)


class PasswordChangeRequiredMiddleware:
    """A signed-in user with the flag reaches only the change page (and sign-out) until they change it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(MUST_CHANGE) and request.user.is_authenticated:
            match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
            if match is None or match.url_name not in ALLOWED_WHILE_FORCED:
                return redirect("password_change")
        return self.get_response(request)


def _resolve(path):
    try:
        return resolve(path)
    except Resolver404:
        return None
