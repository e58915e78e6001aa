"""The words the results charts show (static/public/charts.js reads them from the page as JSON)."""

from django.utils.translation import gettext as _


def chart_labels() -> dict[str, str]:
    return {
        "index": _("Index") + " (%)",  # no bare % in a msgid
        "range": _("Lowest to highest"),
        "median": _("Median"),
        "mean": _("Block average"),
        "area": _("Content area"),
        "change": _("Places gained or lost"),
        "rank": _("Rank"),
    }
