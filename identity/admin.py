from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from identity.choices import REFUSE, MappedRole
from identity.models import DirectoryAccount, DirectoryGroupMapping
from identity.sign_in import region_and_below
from units.admin_regions import RegionScopedAdmin, declare_region_paths, users_of_regions
from units.roles import Role

declare_region_paths(
    {
        "identity.directorygroupmapping": "region",
        "identity.directoryaccount": lambda queryset, region_ids: queryset.filter(
            user__in=users_of_regions(region_ids)
        ),
    }
)

# Only a superuser maps a group to staff or to 停用: other staff neither make anyone staff (as in accounts)
# nor lock out another region's people.
SUPERUSER_ROLES = {Role.STAFF, REFUSE}


class MappingForm(forms.ModelForm):
    class Meta:
        model = DirectoryGroupMapping
        fields = [
            "source",
            "value",
            "region",
            "role",
            "units",
            "unit_from_directory",
            "regions",
            "region_access",
            "note",
        ]

    def clean(self):
        data = super().clean()
        region, role = data.get("region"), data.get("role")
        if region is None or not role:
            return data
        allowed = region_and_below(region.pk)
        units, regions = list(data.get("units") or []), list(data.get("regions") or [])
        if any(unit.region_id not in allowed for unit in units):
            self.add_error("units", f"单位必须属于{region.name}或其下级地区。")
        if any(r.pk not in allowed for r in regions):
            self.add_error("regions", f"地区必须是{region.name}或其下级地区。")
        if role == Role.LIAISON and not units and not data.get("unit_from_directory"):
            self.add_error("units", "联络员映射须指定单位，或勾选“单位取自目录”。")
        if role in (Role.STAFF, Role.LEADER) and not regions:
            self.add_error("regions", "工作人员、领导映射须指定地区。")
        if role not in (Role.LIAISON, REFUSE) and units:
            self.add_error("units", "只有联络员映射指定单位。")
        return data


@admin.register(DirectoryGroupMapping)
class DirectoryGroupMappingAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    """目录组映射: which directory group makes whom what. Applied at each person's next sign-in."""

    form = MappingForm
    list_display = ["value", "source", "role", "region", "unit_from_directory", "note"]
    list_filter = ["source", "role", "region"]
    search_fields = ["value", "note", "units__name"]
    filter_horizontal = ["units", "regions"]
    list_select_related = ["region"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows if request.user.is_superuser else rows.exclude(role__in=SUPERUSER_ROLES)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(v, label) for v, label in MappedRole.choices if v not in SUPERUSER_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(DirectoryAccount)
class DirectoryAccountAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Who signed in from which directory, with the groups of their last sign-in (read only)."""

    list_display = ["user", "source", "subject", "last_sign_in"]
    list_filter = ["source"]
    search_fields = ["user__username", "user__first_name", "subject"]
    readonly_fields = ["user", "source", "subject", "last_values", "region_hint", "last_sign_in"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
