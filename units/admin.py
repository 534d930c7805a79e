from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from units.accounts import administrable_users, assignable_groups, may_administer
from units.admin_regions import RegionScopedAdmin, declare_region_paths, users_of_regions
from units.models import Membership, Region, RegionMembership, Unit, UnitAlias
from units.roles import Role
from units.throttle import unlock


def _users_in_regions(queryset, region_ids):
    """Users of these regions, and a user with no region and no unit yet (just added, step 1 of the add
    form): they belong to nobody's region, and the staff member who added them finishes the form."""
    User = get_user_model()
    unassigned = User.objects.filter(region_memberships__isnull=True, memberships__isnull=True).values("pk")
    return queryset.filter(Q(pk__in=users_of_regions(region_ids).values("pk")) | Q(pk__in=unassigned))


declare_region_paths(
    {
        "units.region": "pk",
        "units.unit": "region",
        "units.unitalias": "region",
        "units.membership": "unit__region",
        "units.regionmembership": "region",
        get_user_model()._meta.label_lower: _users_in_regions,
    }
)


class UnitAliasInline(RegionScopedAdmin, admin.TabularInline):
    model = UnitAlias
    extra = 0
    fields = ["alias"]


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Regions (and their parents) are set by superusers; other staff see their own regions only."""

    list_display = ["name", "code", "parent"]
    list_filter = ["parent"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(RegionMembership)
class RegionMembershipAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["user", "region", "access"]
    list_filter = ["region", "access"]
    search_fields = ["user__username", "user__first_name", "region__name"]
    list_select_related = ["user", "region"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=administrable_users(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = administrable_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Unit)
class UnitAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "region", "is_group", "email"]
    list_filter = ["region", "kind", "is_group"]
    search_fields = ["name", "short_name", "aliases__alias", "email"]
    filter_horizontal = ["members"]
    inlines = [UnitAliasInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["alias", "unit", "region"]
    list_filter = ["region"]
    search_fields = ["alias", "unit__name"]
    list_select_related = ["unit", "region"]
    exclude = ["region"]


@admin.register(Membership)
class MembershipAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["user", "unit"]
    list_filter = ["unit__region", "unit"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["user", "unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=administrable_users(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = administrable_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RegionMembershipInline(RegionScopedAdmin, admin.TabularInline):
    """Which regions a staff member or leader works for; a superuser assigns any, other staff their own."""

    model = RegionMembership
    extra = 1
    verbose_name = verbose_name_plural = "所属地区（工作人员、领导）"


class MembershipInline(RegionScopedAdmin, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]
    verbose_name = verbose_name_plural = "所属单位（联络员）"


admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class PortalUserAdmin(RegionScopedAdmin, UserAdmin):
    """Users in 数据管理. A superuser administers everyone. Other staff administer liaisons and leaders only:
    they neither see staff and superusers nor can make anyone staff or superuser (units/accounts.py)."""

    inlines = [RegionMembershipInline, MembershipInline]
    list_display = ["username", "first_name", "email", "role_names", "is_active", "last_login"]
    actions = ["unlock_login"]
    limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("角色", {"fields": ("is_active", "groups")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=administrable_users(request.user)).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets  # no is_staff, is_superuser or user_permissions: they are not form fields

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("last_login", "date_joined")

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ("is_active", "groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = assignable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_administer(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_administer(request.user, obj))

    @admin.display(description="角色")
    def role_names(self, user):
        return "、".join(Role(g.name).label if g.name in Role.values else g.name for g in user.groups.all())

    @admin.action(description="解除所选用户的登录锁定", permissions=["change"])
    def unlock_login(self, request, queryset):
        usernames = list(queryset.values_list("username", flat=True))
        removed = unlock(usernames)
        self.message_user(
            request, f"已解除 {len(usernames)} 个用户的登录锁定（清除失败记录 {removed} 条）。", messages.SUCCESS
        )


@admin.register(Group)
class PortalGroupAdmin(GroupAdmin):
    """Groups carry permissions (the staff group confers the staff role): only superusers change them."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
