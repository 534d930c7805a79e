"""Write-if-different helpers, so that loading the same fixtures twice leaves the database as it was."""


def sync_object(model, lookup: dict, values: dict):
    """Get the row matching lookup and bring it to values; save only if something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, bool(changed)


def delete_stale(queryset, keep_ids: set[int]) -> int:
    deleted, _ = queryset.exclude(pk__in=keep_ids).delete()
    return deleted
