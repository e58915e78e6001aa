"""Leaf rules: how one leaf's points follow from its input. Data-driven; nothing is evaluated as code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from .model import EngineError, LeafInput, Message, Node, gettext_noop

# A leaf's rule parameters as read from a criteria-set document (JSON: keys are strings, values anything).
Params = Mapping[str, Any]


class Band(TypedDict):
    """One parsed band of a threshold rule; a bound of None is open."""

    min: Decimal | None
    max: Decimal | None
    min_inclusive: bool
    max_inclusive: bool
    points: Decimal


ZERO = Decimal("0")
ONE = Decimal("1")


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Decimal from a JSON value; floats go through str so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool) or value is None:
        raise EngineError(Message(gettext_noop("%(what)s must be a number"), {"what": what}))
    else:
        try:
            result = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise EngineError(
                Message(
                    gettext_noop("%(what)s must be a number, not %(value)r"), {"what": what, "value": value}
                )
            ) from None
    if not result.is_finite():
        raise EngineError(Message(gettext_noop("%(what)s must be a finite number"), {"what": what}))
    return result


def _optional_decimal(value: object, what: str) -> Decimal | None:
    return None if value is None or value == "" else to_decimal(value, what)


# --- parameter validation: one function per rule, each returns a list of problems ------------------


def _check_manual(params: Params, max_points: Decimal) -> list[Message]:
    problems = []
    step = params.get("step")
    if step is not None:
        try:
            step_value = to_decimal(step, "step")
        except EngineError as error:
            return [error.detail]
        if step_value <= 0:
            problems.append(Message(gettext_noop("step must be positive")))
        elif max_points % step_value != 0:
            problems.append(
                Message(
                    gettext_noop("max %(max_points)s is not a multiple of step %(step_value)s"),
                    {"max_points": max_points, "step_value": step_value},
                )
            )
    return problems


def _check_levels(params: Params, max_points: Decimal) -> list[Message]:
    levels = params.get("levels")
    if not isinstance(levels, list) or not levels:
        return [Message(gettext_noop("levels rule needs a non-empty list 'levels'"))]
    problems, seen = [], set()
    for position, level in enumerate(levels, start=1):
        if not isinstance(level, Mapping) or not str(level.get("key", "")).strip():
            problems.append(Message(gettext_noop("level %(position)s needs a key"), {"position": position}))
            continue
        key = str(level["key"])
        if key in seen:
            problems.append(Message(gettext_noop("level key %(key)s appears twice"), {"key": key}))
        seen.add(key)
        try:
            points = to_decimal(level.get("points"), f"points of level {key}")
        except EngineError as error:
            problems.append(error.detail)
            continue
        if points < 0 or points > max_points:
            problems.append(
                Message(
                    gettext_noop("points of level %(key)s (%(points)s) must lie within 0…%(max_points)s"),
                    {"key": key, "points": points, "max_points": max_points},
                )
            )
    return problems


def threshold_bands(params: Params) -> list[Band]:
    """Parsed bands: min/max as Decimal or None (open), inclusivity flags, points."""
    parsed: list[Band] = []
    for position, band in enumerate(params.get("bands") or [], start=1):
        if not isinstance(band, Mapping):
            raise EngineError(
                Message(gettext_noop("band %(position)s must be an object"), {"position": position})
            )
        parsed.append(
            {
                "min": _optional_decimal(band.get("min"), f"min of band {position}"),
                "max": _optional_decimal(band.get("max"), f"max of band {position}"),
                "min_inclusive": bool(band.get("min_inclusive", True)),
                "max_inclusive": bool(band.get("max_inclusive", False)),
                "points": to_decimal(band.get("points"), f"points of band {position}"),
            }
        )
    return parsed


def _band_is_empty(band: Band) -> bool:
    """No value falls in it: min above max, or min equal to max with a bound excluded.
    A band of one value ("0% late": from 0 to 0) includes both bounds; an open band is never empty."""
    low, high = band["min"], band["max"]
    if low is None or high is None:
        return False
    if low > high:
        return True
    return low == high and not (band["min_inclusive"] and band["max_inclusive"])


def _check_threshold(params: Params, max_points: Decimal) -> list[Message]:
    if not isinstance(params.get("bands"), list) or not params["bands"]:
        return [Message(gettext_noop("threshold rule needs a non-empty list 'bands'"))]
    try:
        bands = threshold_bands(params)
    except EngineError as error:
        return [error.detail]
    problems = []
    for position, band in enumerate(bands, start=1):
        if band["points"] < 0 or band["points"] > max_points:
            problems.append(
                Message(
                    gettext_noop(
                        "points of band %(position)s (%(band_points)s) must lie within 0…%(max_points)s"
                    ),
                    {"position": position, "band_points": band["points"], "max_points": max_points},
                )
            )
        if band["min"] is not None and band["max"] is not None and _band_is_empty(band):
            problems.append(
                Message(
                    gettext_noop(
                        "band %(position)s: min %(band_min)s must be below max %(band_max)s, or equal to it "
                        "with both bounds included"
                    ),
                    {"position": position, "band_min": band["min"], "band_max": band["max"]},
                )
            )
        if position > 1 and band["min"] is None:
            problems.append(
                Message(
                    gettext_noop("band %(position)s: only the first band may have an open min"),
                    {"position": position},
                )
            )
        if position < len(bands) and band["max"] is None:
            problems.append(
                Message(
                    gettext_noop("band %(position)s: only the last band may have an open max"),
                    {"position": position},
                )
            )
    for position, (lower, upper) in enumerate(zip(bands, bands[1:], strict=False), start=1):
        if lower["max"] is None or upper["min"] is None:
            continue
        if upper["min"] > lower["max"]:
            problems.append(
                Message(
                    gettext_noop("gap between band %(first)s and band %(second)s (%(low)s…%(high)s)"),
                    {"first": position, "second": position + 1, "low": lower["max"], "high": upper["min"]},
                )
            )
        elif upper["min"] < lower["max"]:
            problems.append(
                Message(
                    gettext_noop("band %(first)s and band %(second)s overlap (%(low)s…%(high)s)"),
                    {"first": position, "second": position + 1, "low": upper["min"], "high": lower["max"]},
                )
            )
        elif lower["max_inclusive"] and upper["min_inclusive"]:
            problems.append(
                Message(
                    gettext_noop("band %(position)s and band %(position_1)s both include %(lower_max)s"),
                    {"position": position, "position_1": position + 1, "lower_max": lower["max"]},
                )
            )
        elif not lower["max_inclusive"] and not upper["min_inclusive"]:
            problems.append(
                Message(
                    gettext_noop("neither band %(position)s nor band %(position_1)s includes %(lower_max)s"),
                    {"position": position, "position_1": position + 1, "lower_max": lower["max"]},
                )
            )
    return problems


def _check_proportional(params: Params, max_points: Decimal) -> list[Message]:
    target = params.get("target")
    if target is None:
        return []  # each agency's input then supplies its own target
    try:
        return [] if to_decimal(target, "target") > 0 else [Message(gettext_noop("target must be positive"))]
    except EngineError as error:
        return [error.detail]


def _check_deduction(params: Params, max_points: Decimal) -> list[Message]:
    try:
        penalty = to_decimal(params.get("penalty"), "penalty")
    except EngineError as error:
        return [error.detail]
    return [] if penalty > 0 else [Message(gettext_noop("penalty must be positive"))]


def _check_survey(params: Params, max_points: Decimal) -> list[Message]:
    return []


# --- scoring: one function per rule -----------------------------------------------------------------


def _score_manual(node: Node, leaf: LeafInput, survey_value: Decimal | None) -> Decimal:
    if leaf.points is None:
        return ZERO
    points = to_decimal(leaf.points, "points")
    if points < 0 or points > node.max_points:
        raise EngineError(
            Message(
                gettext_noop("points %(points)s outside 0…%(max)s"),
                {"points": points, "max": node.max_points},
            ),
            node.code,
        )
    step = node.params.get("step")
    if step is not None and points % to_decimal(step) != 0:
        raise EngineError(
            Message(
                gettext_noop("points %(points)s are not a multiple of the step %(step)s"),
                {"points": points, "step": to_decimal(step)},  # a number, written as people read it
            ),
            node.code,
        )
    return points


def _score_levels(node: Node, leaf: LeafInput, survey_value: Decimal | None) -> Decimal:
    if leaf.level is None:
        return ZERO
    for level in node.params["levels"]:
        if str(level["key"]) == leaf.level:
            return to_decimal(level["points"])
    raise EngineError(Message(gettext_noop("unknown level %(level)r"), {"level": leaf.level}), node.code)


def _score_threshold(node: Node, leaf: LeafInput, survey_value: Decimal | None) -> Decimal:
    if leaf.value is None:
        return ZERO
    value = to_decimal(leaf.value)
    for band in threshold_bands(node.params):
        above_min = (
            band["min"] is None or value > band["min"] or (band["min_inclusive"] and value == band["min"])
        )
        below_max = (
            band["max"] is None or value < band["max"] or (band["max_inclusive"] and value == band["max"])
        )
        if above_min and below_max:
            return band["points"]
    raise EngineError(
        Message(gettext_noop("measured value %(value)s falls in no band"), {"value": value}), node.code
    )


def _score_proportional(node: Node, leaf: LeafInput, survey_value: Decimal | None) -> Decimal:
    if leaf.value is None:
        return ZERO
    achieved = to_decimal(leaf.value)
    target = leaf.target if leaf.target is not None else node.params.get("target")
    if target is None:
        raise EngineError(Message(gettext_noop("proportional rule needs a target")), node.code)
    target = to_decimal(target, "target")
    if achieved < 0 or target <= 0:
        raise EngineError(Message(gettext_noop("achieved must be ≥ 0 and target > 0")), node.code)
    return min(node.max_points, node.max_points * achieved / target)


def _score_deduction(node: Node, leaf: LeafInput, survey_value: Decimal | None) -> Decimal:
    if leaf.value is None:
        return ZERO  # no count entered is no input, not "no events": like every rule, 0 and listed unscored
    count = to_decimal(leaf.value)
    if count < 0:
        raise EngineError(Message(gettext_noop("the counted events cannot be negative")), node.code)
    return max(ZERO, node.max_points - to_decimal(node.params["penalty"]) * count)


def _score_survey(node: Node, leaf: LeafInput, survey_value: Decimal | None) -> Decimal:
    if survey_value is None:
        return ZERO
    if survey_value < 0 or survey_value > ONE:
        raise EngineError(
            Message(gettext_noop("survey value %(value)s outside 0…1"), {"value": survey_value}), node.code
        )
    return node.max_points * survey_value


Scorer = Callable[[Node, LeafInput, Decimal | None], Decimal]
RULES: dict[str, tuple[Callable[[Params, Decimal], list[Message]], Scorer]] = {
    "manual": (_check_manual, _score_manual),
    "levels": (_check_levels, _score_levels),
    "threshold": (_check_threshold, _score_threshold),
    "proportional": (_check_proportional, _score_proportional),
    "deduction": (_check_deduction, _score_deduction),
    "survey": (_check_survey, _score_survey),
}


def validate_rule_params(rule: str | None, params: Params | None, max_points: Decimal) -> list[Message]:
    """Every problem with a leaf's rule and parameters, in plain words (empty when valid)."""
    if rule not in RULES:
        return [
            Message(
                gettext_noop("unknown rule %(rule)s (expected one of: %(join_RULES)s)"),
                {"rule": rule, "join_RULES": ", ".join(RULES)},
            )
        ]
    if params is not None and not isinstance(params, Mapping):
        return [Message(gettext_noop("rule parameters must be an object"))]
    return RULES[rule][0](params or {}, max_points)


# What each rule reads; a leaf whose rule has nothing to read has no input (scores 0, listed unscored).
_INPUT_OF = {
    "manual": lambda leaf, survey_value: leaf.points,
    "levels": lambda leaf, survey_value: leaf.level,
    "threshold": lambda leaf, survey_value: leaf.value,
    "proportional": lambda leaf, survey_value: leaf.value,
    "deduction": lambda leaf, survey_value: leaf.value,
    "survey": lambda leaf, survey_value: survey_value,
}


def leaf_has_input(node: Node, leaf: LeafInput, survey_value: Decimal | None = None) -> bool:
    """Whether the leaf's rule has the input it reads (a count of 0 events is an input; none is not)."""
    read = _INPUT_OF.get(node.rule) if node.rule is not None else None
    return read is not None and read(leaf, survey_value) is not None


def leaf_points(node: Node, leaf: LeafInput, survey_value: Decimal | None = None) -> Decimal:
    """Points of an applicable leaf, within 0…max."""
    if node.rule not in RULES:
        raise EngineError(f"unknown rule {node.rule!r}", node.code)
    return RULES[node.rule][1](node, leaf, survey_value)
