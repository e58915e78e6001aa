"""Template helpers shared by every page: the one Vietnamese number format, rank-change arrows, the
heat-map classes of area indices, sortable table headers and window moments."""

from decimal import Decimal
from functools import lru_cache

from django import template
from django.template.defaultfilters import stringfilter
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from parindex import history
from parindex.formatting import format_vi, moment_text

register = template.Library()
HEAT_FLOORS = ((5, Decimal(90)), (4, Decimal(80)), (3, Decimal(70)), (2, Decimal(60)), (1, Decimal(50)))


def _vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


def _localise(text: str) -> str:
    """format_vi's 90,30 as the current language writes it (English: 90.30)."""
    return text if _vietnamese() else text.replace(".", "\x00").replace(",", ".").replace("\x00", ",")


@register.filter
def moment(value, precision="") -> str:
    """The one way a page writes a moment, as the decisions do, in local time: 08:00 25/12/2022;
    `|moment:"seconds"` adds the seconds (a job's start and end). "" for none."""
    return moment_text(value, seconds=precision == "seconds") if value else ""


@register.filter
def moment_end(value) -> str:
    """A window's end as the decisions write it: a last day that ends at midnight reads 24:00 10/01/2023,
    not 00:00 11/01/2023 (which reads as a day later)."""
    return moment_text(value, end=True) if value else ""


@register.filter
def zone(value) -> str:
    """The clock a moment is shown in, by its offset from UTC: "UTC+7" (Asia/Ho_Chi_Minh)."""
    if not value:
        return ""
    minutes = int(timezone.localtime(value).utcoffset().total_seconds()) // 60
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


@register.filter
def vi_number(value, places=2):
    """The one number format of the pages: 90.3 → 90,30 in Vietnamese, 90.30 in English.

    `places` 2 keeps two decimals; "-2" rounds to two but drops trailing zeros (2 → 2, 0.5 → 0,5), for
    maxima, steps and level points.
    """
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        return str(value)
    trim = str(places).startswith("-")
    text = format_vi(number, abs(int(places)))
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return _localise(text)


@register.filter
def vi_count(value):
    """A count as people write it: 2.800 in Vietnamese, 2,800 in English; "—" for none."""
    if value is None or value == "":
        return "—"
    return _localise(format_vi(int(value), 0, thousands=True))


@register.filter(is_safe=True)
@stringfilter
def clip(text: str, length) -> str:
    """truncatechars, remembered per language and text: every autosave's answer clips the same area
    titles, and Django's Truncator costs more than the rest of their row."""
    # Safe and plain text of the same characters are separate entries: the clipped text keeps the input's
    # kind, and a cached safe value handed to plain text would skip its escaping.
    return _clipped(get_language() or "", text, int(length), isinstance(text, SafeData))


@lru_cache(maxsize=4096)
def _clipped(language: str, text: str, length: int, safe: bool) -> str:
    return Truncator(text).chars(length)


@register.filter
def node_links(leaves) -> str:
    """(code, item id) of criteria as links to their place on the page, comma-separated: one call, where a
    template loop cost a third of an autosave's rendering (its completeness lists up to 40)."""
    return format_html_join(", ", '<a href="#node-{}">{}</a>', ((code, code) for code, _item in leaves))


@register.filter
def vi_input(value):
    """A stored number as it is shown back in a form field: every digit kept, the decimal mark of the
    language (87.5 → "87,5"); forms accept both marks. None → ""."""
    if value is None or value == "":
        return ""
    text = str(value).strip()
    try:
        Decimal(text.replace(",", "."))
    except ArithmeticError:
        return text
    text = text.replace(",", ".")
    return text.replace(".", ",") if _vietnamese() else text


@register.simple_tag
def rank_change(change):
    if change is None:
        return "–"
    if change == 0:
        return format_html('<span title="{}">=</span>', gettext("unchanged"))
    if change > 0:
        return format_html('<span class="rank-up" title="{}">▲ {}</span>', gettext("up"), change)
    return format_html('<span class="rank-down" title="{}">▼ {}</span>', gettext("down"), -change)


@register.simple_tag
def rank_or_not_ranked(result, size=None):
    """The rank ("3", or "3/18" with the number ranked), or "not ranked" for an agency kept out of it."""
    if result is None:
        return "–"
    if not getattr(result, "ranked", True) or result.rank is None:
        return format_html(
            '<span class="badge text-bg-light border not-ranked">{}</span>', gettext("not ranked")
        )
    return f"{result.rank}/{size}" if size else str(result.rank)


@register.filter
def heat(value):
    """The heat-map class of an index: heat-5 (≥ 90) … heat-0 (< 50), heat-na without a value."""
    if value is None or value == "":
        return "heat-na"
    number = Decimal(str(value))
    for level, floor in HEAT_FLOORS:
        if number >= floor:
            return f"heat-{level}"
    return "heat-0"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None or "" removes them)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, css=""):
    """A sortable column header: a link that sorts by `key` (again: reverses), with aria-sort."""
    current, descending = context.get("sort", "rank"), context.get("descending", False)
    active = current == key
    order = "asc" if active and descending else "desc" if active else "asc"
    url = query_with(context, sort=key, order=order)
    aria = format_html(' aria-sort="{}"', "descending" if descending else "ascending") if active else ""
    return format_html('<th scope="col" class="{}"{}><a href="{}">{}</a></th>', css, aria, url, label)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def user_name(user):
    """A user's full name, else username; "–" for nobody (e.g. a command-line computation)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username


@register.simple_tag
def input_text(data, node=None):
    """An item's input in words ("points 1,5", "level “Đúng hạn”"), never the stored keys."""
    levels = (getattr(node, "rule_params", None) or {}).get("levels")
    return history.input_text(data, levels)
