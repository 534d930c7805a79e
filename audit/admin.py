"""数据管理 › 安全审计日志: the superuser reads and exports it; nobody adds, changes or deletes a row, whatever
permissions a group holds (the refusal is here, not in the permission tables)."""

import io
from urllib.parse import quote

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone

from audit import export
from audit.choices import Action
from audit.log import record
from audit.models import AuditEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "outcome", "address", "target", "source"]
    list_filter = ["action", "outcome", "source", "at"]
    search_fields = ["actor_name", "target", "detail", "address", "path"]
    date_hierarchy = "at"
    list_per_page = 100
    actions = ["export_xlsx", "export_csv"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _file(self, request, queryset, kind):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = f"安全审计日志（{stamp}）.{kind}"
        if kind == "xlsx":
            buffer = io.BytesIO()
            export.write_xlsx(queryset.order_by("at", "id"), buffer)
            response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        else:
            response = HttpResponse(export.csv_bytes(queryset.order_by("at", "id")), content_type="text/csv")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        record(Action.EXPORT, request=request, target=name, detail=f"导出 {queryset.count()} 条安全审计日志")
        return response

    @admin.action(description="导出所选记录（Excel）")
    def export_xlsx(self, request, queryset):
        return self._file(request, queryset, "xlsx")

    @admin.action(description="导出所选记录（CSV）")
    def export_csv(self, request, queryset):
        return self._file(request, queryset, "csv")
