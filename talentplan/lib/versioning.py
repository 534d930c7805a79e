"""Optimistic locking: a save made from a stale copy is refused, so what the first person saved stays."""

from django.core.exceptions import ValidationError

STALE_MESSAGE = "该记录已被他人修改（{who}），您的修改未保存。请刷新页面，查看最新内容后重新操作。"


class StaleVersionError(ValidationError):
    pass


def lock_current(model, pk: int, expected_version: int):
    """Lock the row and bump its version, or refuse a save made from a stale copy."""
    obj = model.objects.select_for_update().get(pk=pk)
    if obj.version != expected_version:
        latest = obj.history.first()
        who = (
            latest.history_user.get_full_name() or latest.history_user.username
            if latest and latest.history_user
            else "他人"
        )
        raise StaleVersionError(STALE_MESSAGE.format(who=who))
    obj.version += 1
    return obj
