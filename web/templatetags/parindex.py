"""Template helpers shared by every page: the one Vietnamese number format, rank-change arrows."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from parindex.formatting import format_vi

register = template.Library()


@register.filter
def vi_number(value, places=2):
    """90.3 → 90,30 in Vietnamese, 90.30 in English."""
    if value is None or value == "":
        return "–"
    text = format_vi(value, int(places))
    return (
        text
        if (get_language() or "vi").startswith("vi")
        else text.replace(".", "\x00").replace(",", ".").replace("\x00", ",")
    )


@register.simple_tag
def rank_change(change):
    if change is None:
        return "–"
    if change == 0:
        return format_html('<span title="{}">=</span>', gettext("unchanged"))
    if change > 0:
        return format_html('<span class="rank-up" title="{}">▲ {}</span>', gettext("up"), change)
    return format_html('<span class="rank-down" title="{}">▼ {}</span>', gettext("down"), -change)
