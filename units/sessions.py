"""Session limits (等保 level 2): a session ends after SESSION_IDLE_MINUTES without a request and, however busy,
SESSION_MAX_HOURS after its sign-in; the cookie itself ends when the browser closes
(SESSION_EXPIRE_AT_BROWSER_CLOSE). The sign-in page then says why the person was signed out.

Only the session is read, so a page costs no extra query; the last-seen time is written at most once a minute
(SESSION_TOUCH_SECONDS), which is also how precise the idle limit is."""

import time

from django.conf import settings
from django.contrib.auth import logout

STARTED = "talentplan_signed_in_at"
LAST_SEEN = "talentplan_last_seen"
EXPIRED = "talentplan_session_expired"  # why the previous session ended: "idle" or "absolute"

NOTICES = {
    "idle": "由于超过 {idle} 分钟未操作，您已自动退出登录，请重新登录。",
    "absolute": "登录已超过 {hours} 小时，为保障账号安全已自动退出，请重新登录。",
}


def start(session, now: float | None = None) -> None:
    """At sign-in: the clocks of both limits start."""
    now = time.time() if now is None else now
    session[STARTED] = session[LAST_SEEN] = now
    session.pop(EXPIRED, None)


def expiry_reason(session, now: float) -> str | None:
    """ "idle", "absolute" or None (the session may go on)."""
    started, last_seen = session.get(STARTED), session.get(LAST_SEEN)
    if started is None or last_seen is None:
        return None
    if now - started >= settings.SESSION_MAX_HOURS * 3600:
        return "absolute"
    if now - last_seen >= settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def notice(reason: str | None) -> str:
    if reason not in NOTICES:
        return ""
    return NOTICES[reason].format(idle=settings.SESSION_IDLE_MINUTES, hours=settings.SESSION_MAX_HOURS)


def on_signed_in(sender, request, user, **kwargs):
    """user_logged_in receiver (units.apps)."""
    if request is not None and hasattr(request, "session"):
        start(request.session)


class SessionLimitMiddleware:
    """After AuthenticationMiddleware: ends a session past either limit before the view runs, so the request
    goes on as an anonymous one (LoginRequiredMiddleware sends it to the sign-in page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if LAST_SEEN in session and request.user.is_authenticated:
            now = time.time()
            reason = expiry_reason(session, now)
            if reason:
                request.session_expired = reason  # the sign-out is recorded with its reason (audit)
                logout(request)
                request.session[EXPIRED] = reason
            elif now - session[LAST_SEEN] >= settings.SESSION_TOUCH_SECONDS:
                session[LAST_SEEN] = now
        elif request.user.is_authenticated:
            start(session)  # a session from before this code: its clocks start now
        return self.get_response(request)
