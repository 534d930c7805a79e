from django import template

from plans.tables import rag_badge as _rag_badge
from targets.trajectory import figure_text as _figure_text
from units.roles import user_role as _user_role

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def rag_badge(value):
    return _rag_badge(value)


@register.filter
def role_of(user):
    return _user_role(user)


@register.filter
def figure(value):
    """A figure as the document prints it (15, 12.5); "—" where there is none."""
    return _figure_text(value) if value is not None else "—"
