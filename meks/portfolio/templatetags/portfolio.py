"""Template helpers of the portfolio pages."""

from django import template
from django.utils.html import format_html

from meks.portfolio.choices import DeliveryConfidence

register = template.Library()


@register.filter
def confidence_badge(level: str) -> str:
    """The delivery confidence level as a coloured badge."""
    if level not in DeliveryConfidence.values:
        return ""
    return format_html('<span class="rag rag--{}">{}</span>', level, DeliveryConfidence(level).label)


ZONE_BADGES = {"red": "badge--overdue", "yellow": "badge--gold", "green": "badge--ok"}


@register.simple_tag
def zone_badge(zone: str, label: str = "") -> str:
    """A region's wear zone (red, yellow, green) as a coloured badge, with its rank or label as text."""
    if zone not in ZONE_BADGES:
        return ""
    return format_html('<span class="badge {}">{}</span>', ZONE_BADGES[zone], label or zone)
