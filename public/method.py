"""Plain-language descriptions of the method, generated from the criteria set itself (rules, bands,
head-class rules and review triggers), for the public method page."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from web.templatetags.parindex import vi_number


def number(value) -> str:
    """Points and percentages as shown on the site: 0,25 and 14,5 (no needless zeros), 90 not 90,00."""
    if value in (None, ""):
        return ""
    decimal = Decimal(str(value)).normalize()
    places = max(0, -decimal.as_tuple().exponent)
    return vi_number(decimal, places)


def _range(band: dict) -> str:
    low, high = band.get("min"), band.get("max")
    low_in = band.get("min_inclusive", True)
    high_in = band.get("max_inclusive", False)
    values = {"min": number(low), "max": number(high)}
    if low is None and high is None:
        return _("any value")
    if low is None:
        return (_("up to %(max)s") if high_in else _("under %(max)s")) % values
    if high is None:
        return (_("%(min)s or more") if low_in else _("over %(min)s")) % values
    if low == high and low_in and high_in:
        return _("exactly %(min)s") % values  # a band of one value ("0% late")
    if low_in and not high_in:
        return _("from %(min)s to under %(max)s") % values
    if low_in and high_in:
        return _("from %(min)s to %(max)s") % values
    if not low_in and high_in:
        return _("over %(min)s up to %(max)s") % values
    return _("over %(min)s and under %(max)s") % values


def rule_description(node) -> str:
    """How a leaf's points are decided, in one sentence."""
    params = node.rule_params or {}
    if node.rule == "manual":
        if params.get("step"):
            return _("Appraised points from 0 to the maximum, in steps of %(step)s.") % {
                "step": number(params["step"])
            }
        return _("Appraised points from 0 to the maximum.")
    if node.rule == "levels":
        levels = "; ".join(
            f"{level.get('label') or level.get('key')}: {number(level.get('points'))}"
            for level in params.get("levels", [])
        )
        return _("By level: %(levels)s.") % {"levels": levels}
    if node.rule == "threshold":
        bands = "; ".join(f"{_range(band)}: {number(band.get('points'))}" for band in params.get("bands", []))
        return _("By the measured value: %(bands)s.") % {"bands": bands}
    if node.rule == "proportional":
        if params.get("target"):
            return _("Maximum × achieved ÷ target (%(target)s), at most the maximum.") % {
                "target": number(params["target"])
            }
        return _("Maximum × achieved ÷ the agency's target, at most the maximum.")
    if node.rule == "deduction":
        return _("The maximum less %(penalty)s for each event counted, not below 0.") % {
            "penalty": number(params.get("penalty"))
        }
    if node.rule == "survey":
        return _("Maximum × the survey's result (the share of favourable answers).")
    return ""
