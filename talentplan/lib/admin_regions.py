"""数据管理 by region: a staff member who is not a superuser sees and picks only the rows of the regions where
they act (管理). Each admin class names the mixin; the path from each model to its region is listed here, so
a new model without a path fails loudly (tests/test_admin_regions.py walks every registered admin).

The same rule as plans.access (a region is one more condition), applied to Django's admin: changelists,
change pages (an object outside the regions is not found) and the choices of every foreign key and
many-to-many field.
"""

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404

from units.models import Membership, Region, RegionMembership
from units.roles import full_region_ids

# model label -> the lookup from that model to its Region ("pk" for Region itself).
REGION_PATHS = {
    "units.region": "pk",
    "units.unit": "region",
    "units.unitalias": "region",
    "units.membership": "unit__region",
    "units.regionmembership": "region",
    "plans.plan": "region",
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
    "plans.remindersettings": "unit__region",
    "plans.escalation": "occurrence__milestone__plan__region",
    "targets.indicator": "plan__region",
    "targets.indicatoryear": "indicator__plan__region",
    "targets.indicatorentry": "indicator__plan__region",
}


def users_of_regions(region_ids):
    """Users who work in these regions: staff and leaders by membership, liaisons through their units."""
    by_region = RegionMembership.objects.filter(region_id__in=region_ids).values("user_id")
    by_unit = Membership.objects.filter(unit__region_id__in=region_ids).values("user_id")
    return get_user_model().objects.filter(Q(pk__in=by_region) | Q(pk__in=by_unit))


SPECIAL = {
    "auth.user",
    "plans.outbox",
    "plans.notification",
    "plans.notificationpreference",
    "plans.fixturesnapshot",
    "plans.reminderrun",
}


def has_region(model) -> bool:
    return model._meta.label_lower in REGION_PATHS or model._meta.label_lower in SPECIAL


def in_regions(queryset, user):
    """queryset limited to the regions where user acts; unchanged for a superuser."""
    region_ids = full_region_ids(user)
    if region_ids is None:
        return queryset
    label = queryset.model._meta.label_lower
    if label == get_user_model()._meta.label_lower:
        # A user with no region and no unit yet (just added, step 1 of the add form) belongs to nobody's region:
        # the staff member who added them finishes the form.
        User = get_user_model()
        unassigned = User.objects.filter(region_memberships__isnull=True, memberships__isnull=True).values("pk")
        return queryset.filter(Q(pk__in=users_of_regions(region_ids).values("pk")) | Q(pk__in=unassigned))
    if label == "plans.outbox":
        return queryset.filter(
            Q(unit__region_id__in=region_ids) | Q(unit__isnull=True, user__in=users_of_regions(region_ids))
        )
    if label in ("plans.notification", "plans.notificationpreference"):
        return queryset.filter(user__in=users_of_regions(region_ids))
    if label == "plans.reminderrun":  # the daily job's record: dates and counts, no region's data
        return queryset
    if label == "plans.fixturesnapshot":  # keyed by code: a region's units file, or a plan
        from plans.models import Plan

        region_codes = Region.objects.filter(pk__in=region_ids).values("code")
        plan_codes = Plan.objects.filter(region_id__in=region_ids).values("code")
        return queryset.filter(Q(kind="units", code__in=region_codes) | Q(kind="plan", code__in=plan_codes))
    path = REGION_PATHS[label]  # a KeyError here means a model was registered without a region path
    return queryset.filter(**{f"{path}__in": region_ids})  # foreign keys only: no duplicate rows


class RegionScopedAdmin:
    """Mixin for ModelAdmin and inlines: rows and choices of the user's regions only (superusers see all)."""

    def get_queryset(self, request):
        return in_regions(super().get_queryset(request), request.user)

    # simple_history's history pages read the historical rows directly (and fall back to them when the object is
    # not in get_queryset): an object outside the user's regions has no history for them either.
    def history_view(self, request, object_id, extra_context=None):
        self._require_in_regions(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_regions(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def _require_in_regions(self, request, object_id):
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError):
            found = False
        if not found and not request.user.is_superuser:
            raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _scoped(super().formfield_for_foreignkey(db_field, request, **kwargs), request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _scoped(super().formfield_for_manytomany(db_field, request, **kwargs), request.user)


def _scoped(field, user):
    """A choice field's rows limited to the user's regions (groups and permissions have none: left alone)."""
    if field is not None and hasattr(field, "queryset") and has_region(field.queryset.model):
        field.queryset = in_regions(field.queryset, user)
    return field
