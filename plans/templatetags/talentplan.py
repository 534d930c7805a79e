from django import template

from plans import access
from plans.tables import rag_badge as _rag_badge

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def rag_badge(value):
    return _rag_badge(value)


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """{% can "review" report as may_review %}: templates ask plans.access, never the role or is_staff."""
    return access.can(context["request"].user, action, obj)
