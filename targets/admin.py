from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, IndicatorYear


class IndicatorYearInline(admin.TabularInline):
    model = IndicatorYear
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "table", "baseline_text", "target_text", "comparator", "measure_unit", "plan"]
    list_filter = ["plan", "kind", "comparator", "table"]
    search_fields = ["name", "table", "source"]
    inlines = [IndicatorYearInline]


@admin.register(IndicatorYear)
class IndicatorYearAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "planned_text", "actual_value"]
    list_filter = ["year", "indicator__plan"]
    search_fields = ["indicator__name"]
    list_select_related = ["indicator"]
