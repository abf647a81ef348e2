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
