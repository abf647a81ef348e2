"""Template helpers: localized model fields, money in billions, query-string editing."""

from django import template
from django.utils.formats import number_format

from meks.core.i18n import localized
from meks.core.money import in_billions

register = template.Library()


@register.filter
def loc(instance, field: str) -> str:
    """``{{ obj|loc:"centre" }}``: the field in the active language, Russian as fallback."""
    return localized(instance, field)


@register.filter
def bn_tenge(value) -> str:
    """An amount in tenge shown in billions with one decimal, localized."""
    return number_format(in_billions(value), decimal_pos=1, use_l10n=True, force_grouping=True)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (``None`` removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    params.pop("page", None) if "page" not in changes else None
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def signed(value) -> str:
    """A number with its sign (+1,25 / −0,50), localized; empty for no value."""
    if value in (None, ""):
        return ""
    text = number_format(abs(value), decimal_pos=2, use_l10n=True)
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)
