"""数据管理 by region: a staff member who is not a superuser sees and picks only the rows of the regions where
they act (管理). The same rule as plans.access (a region is one more condition), applied to Django's admin:
changelists, change pages (an object outside the regions is not found) and the choices of every foreign
key and many-to-many field.

Each app declares, beside its admin classes, how each of its models reaches its region
(`declare_region_paths` in units/admin.py, plans/admin.py, targets/admin.py): a lookup such as
"plan__region", or a function for a model that has no plain path. So this module, in units, knows no app
above it; a registered model without a path fails loudly (tests/test_regions.py walks every admin).
"""

from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from units.models import Membership, RegionMembership
from units.roles import full_region_ids

# model label -> the lookup from that model to its Region ("pk" for Region itself), or a function
# (queryset, region ids) -> the rows of those regions.
REGION_PATHS: dict[str, str | Callable[[QuerySet, set[int]], QuerySet]] = {}


def declare_region_paths(paths: dict) -> None:
    """Called by each app's admin module for its own models."""
    REGION_PATHS.update(paths)


def users_of_regions(region_ids):
    """Users who work in these regions: staff and leaders by membership, liaisons through their units."""
    by_region = RegionMembership.objects.filter(region_id__in=region_ids).values("user_id")
    by_unit = Membership.objects.filter(unit__region_id__in=region_ids).values("user_id")
    return get_user_model().objects.filter(Q(pk__in=by_region) | Q(pk__in=by_unit))


def has_region(model) -> bool:
    return model._meta.label_lower in REGION_PATHS


def in_regions(queryset, user):
    """queryset limited to the regions where user acts; unchanged for a superuser."""
    region_ids = full_region_ids(user)
    if region_ids is None:
        return queryset
    path = REGION_PATHS[queryset.model._meta.label_lower]  # a KeyError: a model registered without a path
    if callable(path):
        return path(queryset, region_ids)
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

    def get_list_filter(self, request):
        """The sidebar's choices of a related row (a plan, a region, a unit, an author) are those of the rows the
        user may see: without this, Django lists every row of the related table, another region's included."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [_scoped_filter(self.model, item) for item in filters]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _scoped(super().formfield_for_foreignkey(db_field, request, **kwargs), request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _scoped(super().formfield_for_manytomany(db_field, request, **kwargs), request.user)


def _scoped_filter(model, item):
    """A related-field list filter (a name or path such as "milestone__plan") as RelatedOnlyFieldListFilter: its
    choices are read from the changelist's own queryset, which get_queryset limits to the user's regions."""
    if not isinstance(item, str):
        return item  # a filter class, or (path, class): chosen explicitly
    field = get_fields_from_path(model, item)[-1]
    return (item, admin.RelatedOnlyFieldListFilter) if field.is_relation else item


def _scoped(field, user):
    """A choice field's rows limited to the user's regions (groups and permissions have none: left alone)."""
    if field is not None and hasattr(field, "queryset") and has_region(field.queryset.model):
        field.queryset = in_regions(field.queryset, user)
    return field
