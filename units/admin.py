from django.contrib import admin

from .models import Membership, Region, Unit, UnitAlias


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0
    fields = ["alias"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "region", "is_group", "email"]
    list_filter = ["region", "kind", "is_group"]
    search_fields = ["name", "short_name", "aliases__alias", "email"]
    filter_horizontal = ["members"]
    inlines = [UnitAliasInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "unit", "region"]
    list_filter = ["region"]
    search_fields = ["alias", "unit__name"]
    list_select_related = ["unit", "region"]
    exclude = ["region"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit"]
    list_filter = ["unit__region", "unit"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["user", "unit"]
