"""Two-factor sign-in (TOTP, django-otp) for staff and superusers, when OTP_REQUIRED_FOR_STAFF is on.

After the password, such a user reaches only the second-factor page (and sign-out) until they enter a code: the
first time it enrols an authenticator app with a QR code drawn here as SVG (no outside service sees the secret),
later it only asks for the code. The requirement is put in the session at sign-in, so pages pay no query for it.
An external sign-in (统一身份认证) that already did its own second factor can simply not set it."""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.roles import Role, user_role

PENDING = "talentplan_second_factor_pending"
ALLOWED_WHILE_PENDING = ("second_factor", "logout")
DEVICE_NAME = "身份验证器"


def required_for(user) -> bool:
    return settings.OTP_REQUIRED_FOR_STAFF and (user.is_superuser or user.is_staff or user_role(user) == Role.STAFF)


def on_signed_in(sender, request, user, **kwargs):
    """user_logged_in receiver (units.apps)."""
    if request is not None and hasattr(request, "session") and required_for(user):
        request.session[PENDING] = True


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per user: reloading the page keeps the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def otpauth_uri(device: TOTPDevice) -> str:
    return device.config_url  # otpauth://totp/<issuer>:<user>?secret=...&issuer=OTP_TOTP_ISSUER


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI (the CSP allows data: images), drawn here."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def verify(request, token: str) -> bool:
    """Check a code against the user's device (enrolling it if this was the first); django-otp throttles
    repeated failures and refuses a code used once already."""
    user = request.user
    device = confirmed_device(user) or enrolment_device(user)
    token = "".join(token.split())
    if not (token.isdigit() and device.verify_token(token)):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session.pop(PENDING, None)
    return True


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(PENDING) and request.user.is_authenticated:
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in ALLOWED_WHILE_PENDING:
                return redirect("second_factor")
        return self.get_response(request)
