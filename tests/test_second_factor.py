"""TOTP two-factor sign-in for staff and superusers (OTP_REQUIRED_FOR_STAFF): enrolment with a locally drawn QR
code, the code step after the password, refusal of a wrong or replayed code, and nothing for liaisons or with the
setting off. The codes are computed here from the secret shown, by RFC 6238, not by the code under test."""

import base64
import hashlib
import hmac
import re
import struct
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.choices import Action, Outcome
from audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def totp(secret_base32: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


def sign_in(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def test_rfc_6238_reference_value():
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits), with the ASCII secret "12345678901234567890".
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp(secret, at=59, digits=8) == "94287082"


def test_staff_enrol_with_a_local_qr_code_then_sign_in_with_a_code(client, otp_on):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, "staff")
        response = client.get("/tasks/")
        assert (response.status_code, response["Location"]) == (302, "/accounts/second-factor/")
        page = client.get("/accounts/second-factor/").content.decode()
        assert 'src="data:image/svg+xml;base64,' in page and "http" not in re.search(r"<img[^>]*>", page).group(0)
        secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page).group(1)
        svg = base64.b64decode(re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page).group(1))
        assert svg.startswith(b"<?xml") or b"<svg" in svg[:200]

        wrong = client.post("/accounts/second-factor/", {"token": "000000" if totp(secret) != "000000" else "111111"})
        assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
        assert client.get("/tasks/").status_code == 302
        clock.shift(timedelta(seconds=2))  # django-otp throttles: after one failure, the next try waits 1 s

        assert client.post("/accounts/second-factor/", {"token": totp(secret)}).status_code == 302
        assert client.get("/tasks/").status_code == 200
        outcomes = list(
            AuditEvent.objects.filter(action=Action.SECOND_FACTOR).order_by("id").values_list("outcome", flat=True)
        )
        assert outcomes == [Outcome.FAILURE, Outcome.SUCCESS]

        client.post("/accounts/logout/")
        sign_in(client, "staff")
        page = client.get("/accounts/second-factor/").content.decode()
        assert "otp-qr" not in page and "otp-secret" not in page  # enrolled: the code only, the secret never again
        replay = client.post("/accounts/second-factor/", {"token": totp(secret)})
        assert replay.status_code == 400  # a code is good once
        clock.shift(timedelta(seconds=60))  # the next 30-second code (and past the failure's throttle)
        assert client.post("/accounts/second-factor/", {"token": totp(secret)}).status_code == 302
        assert client.get("/tasks/").status_code == 200


def test_the_superuser_is_asked_too_and_a_liaison_is_not(client, otp_on):
    sign_in(client, "superuser")
    assert client.get("/admin/")["Location"] == "/accounts/second-factor/"
    client.post("/accounts/logout/")
    sign_in(client, "liaison_hr")
    assert client.get("/tasks/").status_code == 200


def test_sign_out_is_possible_before_the_code(client, otp_on):
    sign_in(client, "staff")
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/tasks/")["Location"].startswith("/accounts/login/")


def test_off_by_default(client, settings):
    assert settings.OTP_REQUIRED_FOR_STAFF is False
    sign_in(client, "staff")
    assert client.get("/tasks/").status_code == 200


def test_staff_cannot_read_or_change_anyones_totp_devices(client_as):
    assert client_as("staff").get("/admin/otp_totp/totpdevice/").status_code == 403
    assert client_as("superuser").get("/admin/otp_totp/totpdevice/").status_code == 200
