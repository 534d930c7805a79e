"""The audit log of who may do what: a user's role (their groups and the staff and superuser flags), units
(Membership) and regions (RegionMembership), and passwords set by someone else. Receivers of model signals, so
every way of changing them is recorded (adduser, 数据管理, a later directory sign-in), in the change's own
transaction."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from audit.choices import Action
from audit.context import current_request
from audit.log import record
from units.models import Membership, RegionMembership


def groups_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if reverse:
        return  # a group's users changed from the group's side: not done by the portal
    if action in ("pre_remove", "pre_clear"):
        # remove() announces every group it was given, held or not: keep only the ones the user holds.
        held = instance.groups.all() if action == "pre_clear" else instance.groups.filter(pk__in=pk_set or ())
        instance._audit_groups_leaving = list(held.values_list("name", flat=True))
        return
    if action == "post_add" and pk_set:
        names = list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        verb = "加入"
    elif action in ("post_remove", "post_clear"):
        names, verb = getattr(instance, "_audit_groups_leaving", []), "移出"
    else:
        return
    if names:
        record(Action.ROLE_CHANGE, target=f"用户 {instance.get_username()}", obj=instance,
               detail=f"{verb}角色组：{'、'.join(sorted(names))}")  # fmt: skip


def flags_before_save(sender, instance, **kwargs):
    """Keep the stored staff/superuser flags and password hash, to compare after the save."""
    watched = {"is_staff", "is_superuser", "is_active", "password"}
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        instance._audit_before = None  # a new user, or a save of last_login only (every sign-in)
        return
    before = sender.objects.filter(pk=instance.pk).values("is_staff", "is_superuser", "is_active", "password").first()
    instance._audit_before = before


def flags_after_save(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        return
    changes = [
        f"{label}：{'是' if before[name] else '否'} → {'是' if getattr(instance, name) else '否'}"
        for name, label in (("is_staff", "工作人员"), ("is_superuser", "超级用户"), ("is_active", "有效"))
        if before[name] != getattr(instance, name)
    ]
    if changes:
        record(Action.ROLE_CHANGE, target=f"用户 {instance.get_username()}", obj=instance, detail="；".join(changes))
    if before["password"] != instance.password:
        request = current_request()
        own = request is not None and getattr(request, "user", None) is not None and request.user.pk == instance.pk
        detail = "本人修改密码" if own else "密码由他人设置"
        record(Action.PASSWORD_CHANGE, target=f"用户 {instance.get_username()}", obj=instance, detail=detail)


def membership_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:  # raw: loaddata restoring a backup, whose audit rows are in it already
        record(Action.UNIT_CHANGE, target=f"用户 {instance.user.get_username()}", obj=instance,
               detail=f"加入单位：{instance.unit.region.name}{instance.unit.name}")  # fmt: skip


def membership_deleted(sender, instance, **kwargs):
    record(Action.UNIT_CHANGE, target=f"用户 {instance.user.get_username()}", obj=instance,
           detail=f"移出单位：{instance.unit.region.name}{instance.unit.name}")  # fmt: skip


def region_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return  # loaddata restoring a backup, whose audit rows are in it already
    verb = "加入地区" if created else "地区权限改为"
    record(Action.REGION_CHANGE, target=f"用户 {instance.user.get_username()}", obj=instance,
           detail=f"{verb}：{instance.region.name}（{instance.get_access_display()}）")  # fmt: skip


def region_deleted(sender, instance, **kwargs):
    record(Action.REGION_CHANGE, target=f"用户 {instance.user.get_username()}", obj=instance,
           detail=f"移出地区：{instance.region.name}")  # fmt: skip


def connect() -> None:
    User = get_user_model()
    m2m_changed.connect(groups_changed, sender=User.groups.through, dispatch_uid="units.audit.groups")
    pre_save.connect(flags_before_save, sender=User, dispatch_uid="units.audit.flags_before")
    post_save.connect(flags_after_save, sender=User, dispatch_uid="units.audit.flags_after")
    post_save.connect(membership_saved, sender=Membership, dispatch_uid="units.audit.membership_saved")
    post_delete.connect(membership_deleted, sender=Membership, dispatch_uid="units.audit.membership_deleted")
    post_save.connect(region_saved, sender=RegionMembership, dispatch_uid="units.audit.region_saved")
    post_delete.connect(region_deleted, sender=RegionMembership, dispatch_uid="units.audit.region_deleted")
