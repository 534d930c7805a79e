from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from targets.models import Indicator, IndicatorYear
from units.admin_regions import RegionScopedAdmin, declare_region_paths

declare_region_paths(
    {
        "targets.indicator": "plan__region",
        "targets.indicatoryear": "indicator__plan__region",
        "targets.indicatorentry": "indicator__plan__region",
    }
)


class IndicatorYearInline(RegionScopedAdmin, admin.TabularInline):
    model = IndicatorYear
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "table", "baseline_text", "target_text", "comparator", "measure_unit", "plan"]
    list_filter = ["plan", "kind", "comparator", "table"]
    search_fields = ["name", "table", "source"]
    inlines = [IndicatorYearInline]


@admin.register(IndicatorYear)
class IndicatorYearAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["indicator", "year", "planned_text", "actual_value"]
    list_filter = ["year", "indicator__plan"]
    search_fields = ["indicator__name"]
    list_select_related = ["indicator"]
