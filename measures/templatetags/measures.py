"""A measured value as people read it: 95,5 in Vietnamese, 95.5 in English (values keep their decimals)."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def measure_text(value: str) -> str:
    """ "95.5 / 100" → "95,5 / 100" in Vietnamese; "KAD" (not applicable) stays as it is."""
    if not value:
        return "–"
    return value.replace(".", ",") if (get_language() or "vi").startswith("vi") else value


@register.filter
def iso_date(value: str) -> str:
    """ "2023-01-05" → "05/01/2023"."""
    parts = (value or "").split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else value
