from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from plans.forms import ReminderSettingsForm
from plans.models import (
    Bulletin,
    Category,
    Chase,
    Escalation,
    Evidence,
    ExtensionRequest,
    FixtureSnapshot,
    Instruction,
    InstructionFile,
    InstructionReply,
    Item,
    ItemUnit,
    Measure,
    Milestone,
    MilestoneUnit,
    Notification,
    NotificationPreference,
    Occurrence,
    Outbox,
    Plan,
    ProgressReport,
    ReminderRun,
    ReminderSettings,
    SupervisionFile,
    SupervisionNotice,
    SupervisionReply,
    SupervisionSequence,
    VerificationCheck,
    VerificationFile,
    VerificationRound,
)
from plans.notifications.channels import robot_of
from plans.notifications.outbox import masked_recipients
from plans.workflow.withdrawal import delete_plan, deletion_refusals, plan_contents
from talentplan.lib.recipients import mask_secret
from units.admin_regions import RegionScopedAdmin, declare_region_paths, users_of_regions
from units.models import Region


def _outbox_in_regions(queryset, region_ids):
    """A unit's messages by the unit's region; a person's by the regions the person works in."""
    to_people = Q(unit__isnull=True, user__in=users_of_regions(region_ids))
    return queryset.filter(Q(unit__region_id__in=region_ids) | to_people)


def _of_people_in_regions(queryset, region_ids):
    return queryset.filter(user__in=users_of_regions(region_ids))


def _snapshots_in_regions(queryset, region_ids):
    """Keyed by code: a region's units file, or a plan's."""
    region_codes = Region.objects.filter(pk__in=region_ids).values("code")
    plan_codes = Plan.objects.filter(region_id__in=region_ids).values("code")
    return queryset.filter(Q(kind="units", code__in=region_codes) | Q(kind="plan", code__in=plan_codes))


declare_region_paths(
    {
        "plans.plan": "region",
        "plans.bulletin": "region",
        "plans.category": "plan__region",
        "plans.item": "plan__region",
        "plans.itemunit": "item__plan__region",
        "plans.measure": "plan__region",
        "plans.milestone": "plan__region",
        "plans.milestoneunit": "milestone__plan__region",
        "plans.occurrence": "milestone__plan__region",
        "plans.planyearclosure": "plan__region",
        "plans.progressreport": "milestone__plan__region",
        "plans.evidence": "report__milestone__plan__region",
        "plans.extensionrequest": "milestone__plan__region",
        "plans.instruction": "milestone__plan__region",
        "plans.instructionreply": "instruction__milestone__plan__region",
        "plans.instructionfile": "reply__instruction__milestone__plan__region",
        "plans.chase": "unit__region",
        "plans.supervisionnotice": "region",
        "plans.supervisionreply": "notice__region",
        "plans.supervisionfile": "reply__notice__region",
        "plans.supervisionsequence": "region",
        "plans.verificationround": "region",
        "plans.verificationcheck": "round__region",
        "plans.verificationfile": "item__round__region",
        "plans.remindersettings": "unit__region",
        "plans.escalation": "occurrence__milestone__plan__region",
        "plans.outbox": _outbox_in_regions,
        "plans.notification": _of_people_in_regions,
        "plans.notificationpreference": _of_people_in_regions,
        "plans.fixturesnapshot": _snapshots_in_regions,
        "plans.reminderrun": lambda queryset, region_ids: queryset,  # the daily job's record: dates and counts
    }
)


class CategoryInline(RegionScopedAdmin, admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Plan)
class PlanAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "code", "document_number", "issue_date", "start_year", "end_year", "region", "archived_at"]
    list_filter = ["region", "start_year", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "code", "document_number", "issuers"]
    readonly_fields = ["archived_at", "archived_by"]  # archived and restored on the plan page (归档 / 恢复)
    inlines = [CategoryInline]

    # Deleting goes through plans.workflow.withdrawal: it removes the plan bottom-up (Milestone → Measure → Item →
    # Category are PROTECT links) and refuses a plan that already has reports, saying why.
    def get_deleted_objects(self, objs, request):
        to_delete, model_count, protected = [], {}, []
        for plan in objs:
            refusals = deletion_refusals(plan)
            protected += [f"{plan}：{reason}" for reason in refusals]
            counts = plan_contents(plan)
            to_delete.append([f"行动计划：{plan}", [str(count) for count in counts]])
            model_count[Plan._meta.verbose_name_plural] = model_count.get(Plan._meta.verbose_name_plural, 0) + 1
            for count in counts:
                model_count[count.label] = model_count.get(count.label, 0) + count.count
        perms_needed = set() if request.user.has_perm("plans.delete_plan") else {Plan._meta.verbose_name}
        return to_delete, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        delete_plan(request.user, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for plan in queryset:
                delete_plan(request.user, plan)


@admin.register(Bulletin)
class BulletinAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    """Read only: drafted and issued on the bulletin pages (plans.bulletin.issue), kept as issued."""

    list_display = ["document_number", "plan", "period_key", "state", "issued_on", "issued_by"]
    list_filter = ["state", "issue_year"]
    search_fields = ["document_number", "plan__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "plan", "position"]
    list_filter = ["plan"]
    search_fields = ["name"]


class ItemUnitInline(RegionScopedAdmin, admin.TabularInline):
    model = ItemUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Item)
class ItemAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["number", "title", "category", "plan"]
    list_filter = ["plan", "category"]
    search_fields = ["title", "worklist_label"]
    inlines = [ItemUnitInline]


@admin.register(ItemUnit)
class ItemUnitAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["item", "written_name", "unit", "role", "position"]
    list_filter = ["role", "item__plan"]
    search_fields = ["written_name", "unit__name", "item__title"]
    list_select_related = ["item", "unit"]


@admin.register(Measure)
class MeasureAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["position", "short_text", "item", "plan"]
    list_filter = ["plan"]
    search_fields = ["text", "item__title"]
    list_select_related = ["item", "plan"]

    @admin.display(description="工作举措")
    def short_text(self, obj):
        return obj.text[:50]


class MilestoneUnitInline(RegionScopedAdmin, admin.TabularInline):
    model = MilestoneUnit
    extra = 0
    autocomplete_fields = ["unit"]


class OccurrenceInline(RegionScopedAdmin, admin.TabularInline):
    model = Occurrence
    extra = 0


@admin.register(Milestone)
class MilestoneAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["position", "short_text", "due_text", "schedule_text", "schedule_kind", "status", "plan"]
    list_filter = ["plan", "schedule_kind", "status", "measure__item__category"]
    search_fields = ["text", "measure__text", "due_text", "units__name"]
    list_select_related = ["plan"]
    inlines = [MilestoneUnitInline, OccurrenceInline]

    @admin.display(description="节点计划")
    def short_text(self, obj):
        return obj.text[:50]


@admin.register(MilestoneUnit)
class MilestoneUnitAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["milestone", "written_name", "unit", "role", "position"]
    list_filter = ["role", "milestone__plan", "unit__region"]
    search_fields = ["written_name", "unit__name", "milestone__text"]
    list_select_related = ["milestone", "unit"]


@admin.register(Occurrence)
class OccurrenceAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["milestone", "label", "start_date", "due_date", "is_deadline"]
    list_filter = ["is_deadline", "milestone__plan"]
    search_fields = ["label", "milestone__text"]
    list_select_related = ["milestone"]


class EvidenceInline(RegionScopedAdmin, admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["original_name", "size", "file_type", "uploaded_by", "uploaded_at"]
    exclude = ["file"]  # downloads go through the scoped evidence view


@admin.register(ProgressReport)
class ProgressReportAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["milestone", "unit", "kind", "state", "status", "percent", "submitted_at"]
    list_filter = ["state", "kind", "status", "milestone__plan"]
    search_fields = ["narrative", "unit__name", "milestone__text"]
    list_select_related = ["milestone", "unit"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["original_name", "report", "file_type", "size", "uploaded_at"]
    list_filter = ["file_type"]
    search_fields = ["original_name"]
    exclude = ["file"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["milestone", "unit", "requested_due_date", "state", "requested_at"]
    list_filter = ["state"]
    search_fields = ["reason", "unit__name", "milestone__text"]
    list_select_related = ["milestone", "unit"]


@admin.register(Instruction)
class InstructionAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["milestone", "author", "created_at", "state", "reply_by"]
    list_filter = ["state", "author"]
    search_fields = ["text", "milestone__text"]
    filter_horizontal = ["units"]


@admin.register(InstructionReply)
class InstructionReplyAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["instruction", "unit", "author", "created_at"]
    list_filter = ["unit__region"]
    search_fields = ["text", "unit__name"]


@admin.register(InstructionFile)
class InstructionFileAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["original_name", "reply", "size", "file_type"]
    list_filter = ["file_type", "reply__unit"]
    search_fields = ["original_name"]


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["number", "unit", "colour", "state", "reply_by", "issued_at"]
    list_filter = ["state", "colour", "region", "year"]
    search_fields = ["number", "unit__name", "requirement"]
    filter_horizontal = ["milestones"]


@admin.register(SupervisionReply)
class SupervisionReplyAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["notice", "unit", "author", "created_at"]
    list_filter = ["unit__region"]
    search_fields = ["notice__number", "unit__name", "progress", "measures"]


@admin.register(SupervisionFile)
class SupervisionFileAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["original_name", "reply", "size", "file_type"]
    list_filter = ["file_type"]
    search_fields = ["original_name", "reply__notice__number"]


@admin.register(SupervisionSequence)
class SupervisionSequenceAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["region", "year", "last_number"]
    list_filter = ["region", "year"]
    search_fields = ["region__name"]


@admin.register(VerificationRound)
class VerificationRoundAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "region", "method", "seed", "created_by", "created_at"]
    list_filter = ["region", "method"]
    search_fields = ["title"]


@admin.register(VerificationCheck)
class VerificationCheckAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["round", "unit", "milestone", "verdict", "checked_at"]
    list_filter = ["verdict", "unit__region"]
    search_fields = ["unit__name", "milestone__text", "note"]


@admin.register(VerificationFile)
class VerificationFileAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["original_name", "item", "size", "file_type"]
    list_filter = ["file_type"]
    search_fields = ["original_name"]


@admin.register(Chase)
class ChaseAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["created_at", "unit", "milestone", "author", "message"]
    list_filter = ["unit__region"]
    search_fields = ["unit__name", "message", "milestone__text"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["user", "notify_by"]
    list_filter = ["notify_by"]
    search_fields = ["user__username"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """The same validating form as the settings page; the robot URL and 加签 secret are shown masked."""

    form = ReminderSettingsForm
    list_display = ["unit", "email_enabled", "webhook_enabled", "robot_channel", "masked_webhook_url", "masked_secret"]
    list_filter = ["email_enabled", "webhook_enabled", "robot_channel", "unit__region"]
    search_fields = ["unit__name", "extra_emails"]
    autocomplete_fields = ["unit"]

    @admin.display(description="群机器人地址")
    def masked_webhook_url(self, obj):
        return robot_of(obj).masked_url(obj.webhook_url)

    @admin.display(description="加签密钥")
    def masked_secret(self, obj):
        return mask_secret(obj.robot_secret) or "—"


@admin.register(Outbox)
class OutboxAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["date", "kind", "recipient_key", "channel", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind", "date"]
    search_fields = ["recipient_key", "subject", "last_error"]
    exclude = ["recipients"]  # a robot URL carries its key: shown masked below
    readonly_fields = ["masked_recipients"] + [f.name for f in Outbox._meta.fields if f.name != "recipients"]

    @admin.display(description="收件地址")
    def masked_recipients(self, obj):
        return "、".join(masked_recipients(obj))

    def has_add_permission(self, request):
        return False  # a row is what a reminder run decided to send: made by the run, never by hand


@admin.register(ReminderRun)
class ReminderRunAdmin(admin.ModelAdmin):
    list_display = ["date", "started_at", "completed_at", "created"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["date"]
    readonly_fields = ["date", "started_at", "completed_at", "created"]


@admin.register(Notification)
class NotificationAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["user", "title", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "user__username"]


@admin.register(Escalation)
class EscalationAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["occurrence", "date"]
    list_filter = ["date"]
    search_fields = ["occurrence__milestone__text"]


@admin.register(FixtureSnapshot)
class FixtureSnapshotAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Read-only: what loadplans recorded at the last load, the base its --update compares against."""

    list_display = ["code", "kind", "loaded_at"]
    list_filter = ["kind"]
    search_fields = ["code"]
    readonly_fields = ["kind", "code", "values", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
