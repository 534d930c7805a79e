"""What Django and its add-ons announce, recorded: sign-in, sign-out and failure (django.contrib.auth), lockout
(django-axes), and every 数据管理 change (the admin's own change log, LogEntry)."""

import json

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from audit.choices import Action, Outcome
from audit.context import current_request
from audit.log import record

EXPIRY = {"idle": "会话空闲超时，自动退出", "absolute": "会话超过最长时限，自动退出"}
ADMIN_VERBS = {ADDITION: "新增", CHANGE: "修改", DELETION: "删除"}


def signed_in(sender, request, user, **kwargs):
    record(Action.SIGN_IN, request=request, actor=user)


def signed_out(sender, request, user, **kwargs):
    if user is None:
        return  # nobody was signed in
    reason = getattr(request, "session_expired", None)
    record(Action.SIGN_OUT, request=request, actor=user, detail=EXPIRY.get(reason, "本人退出"))


def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))
    locked = getattr(request, "axes_locked_out", False)
    detail = "账号已被锁定，本次未校验密码" if locked else "用户名或密码不正确"
    record(Action.SIGN_IN_FAILED, request=request, actor_name=username, detail=detail, outcome=Outcome.FAILURE)


def locked_out(sender, request, username, ip_address, **kwargs):
    record(
        Action.LOCKOUT,
        request=request,
        actor_name=username or "",
        detail=f"登录失败次数达到上限，来源地址 {ip_address}",
        outcome=Outcome.FAILURE,
    )


def admin_entry_text(entry: LogEntry) -> str:
    """The admin's change message in words ("修改了 姓名、邮箱"), from its JSON form."""
    try:
        parts = json.loads(entry.change_message or "[]")
    except ValueError:
        return entry.change_message
    if not isinstance(parts, list):
        return entry.change_message
    words = []
    for part in parts:
        for verb, content in part.items():
            fields = "、".join(content.get("fields", [])) if isinstance(content, dict) else ""
            name = content.get("name", "") if isinstance(content, dict) else ""
            label = {"added": "新增", "changed": "修改", "deleted": "删除"}.get(verb, verb)
            words.append(" ".join(filter(None, [label, name, fields])))
    return "；".join(words)


def admin_logged(entries) -> None:
    for entry in entries:
        model = entry.content_type.model_class()
        what = model._meta.verbose_name if model is not None else entry.content_type.model
        record(
            Action.ADMIN_CHANGE,
            request=current_request(),
            target=f"{ADMIN_VERBS.get(entry.action_flag, '')}{what}：{entry.object_repr}",
            object_ref=(f"{entry.content_type.app_label}.{entry.content_type.model}", str(entry.object_id or "")),
            detail=admin_entry_text(entry),
        )


_original_log_actions = LogEntryManager.log_actions


def _log_actions_and_audit(self, *args, **kwargs):
    """LogEntryManager.log_actions, then one audit row per entry: a bulk delete writes its entries with
    bulk_create, which sends no post_save, so the manager is where every admin change passes."""
    result = _original_log_actions(self, *args, **kwargs)
    admin_logged([result] if isinstance(result, LogEntry) else list(result or []))
    return result


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="audit.signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
    LogEntryManager.log_actions = _log_actions_and_audit
