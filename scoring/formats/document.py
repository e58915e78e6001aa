"""The criteria-set document (docs/formats.md) and its validation: every problem, named by node code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from parindex.formatting import decimal_scale, message_text
from scoring.engine import HEAD_CLASSES, EngineError, Message
from scoring.engine.model import gettext_noop
from scoring.engine.ranking import TIE_RULES
from scoring.engine.rules import to_decimal, validate_rule_params

FORMAT = "parindex-criteria/1"
SOURCES = ("evidence", "survey", "data")
# C0 control characters but tab, line feed and carriage return: PostgreSQL stores no U+0000 and a workbook
# (XML 1.0) none of the others, so a set holding one would fail its import, or every XLSX export after it.
# Word's line break inside a paragraph is U+000B: it arrives with text pasted from a document.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def M(template: str, **params) -> Message:  # noqa: N802 - short on purpose, used in every check
    return Message(template, params)


@dataclass(frozen=True)
class Problem:
    """Where (node code, or sheet/row/column for XLSX) and what, both translated when shown."""

    where: Message
    message: Message

    def __str__(self):
        return f"{message_text(self.where)}: {message_text(self.message)}"


class CriteriaFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def plain_decimal(value) -> str:
    """The shortest exact text of a number: 14.5, 0.25, 10."""
    return format(to_decimal(value).normalize(), "f")


def canonical_params(rule: str | None, params: Mapping | None) -> dict:
    """Rule parameters with numbers as plain decimal strings and default flags left out, so equal sets
    give equal documents whichever carrier (JSON, XLSX) they came through."""
    params = dict(params or {})
    if rule == "manual" and params.get("step") not in (None, ""):
        return {"step": plain_decimal(params["step"])}
    if rule == "levels":
        return {
            "levels": [
                {
                    "key": str(level["key"]),
                    **({"label": level["label"]} if level.get("label") else {}),
                    "points": plain_decimal(level["points"]),
                }
                for level in params.get("levels") or []
            ]
        }
    if rule == "threshold":
        bands = []
        for band in params.get("bands") or []:
            entry: dict[str, str | bool | None] = {
                "min": None if band.get("min") in (None, "") else plain_decimal(band["min"]),
                "max": None if band.get("max") in (None, "") else plain_decimal(band["max"]),
            }
            if band.get("min_inclusive", True) is False:
                entry["min_inclusive"] = False
            if band.get("max_inclusive", False) is True:
                entry["max_inclusive"] = True
            entry["points"] = plain_decimal(band["points"])
            bands.append(entry)
        return {"bands": bands}
    if rule == "proportional" and params.get("target") not in (None, ""):
        return {"target": plain_decimal(params["target"])}
    if rule == "deduction":
        return {"penalty": plain_decimal(params["penalty"])}
    return {}


# How precise and how large a number of the set may be (decimal places, digits before the point): points
# as the database stores a criterion's max (scoring.models.POINTS), indices in percent as it stores a band's
# start (INDEX), rule parameters (measured bounds, targets, penalties) as an item's measured inputs are
# bounded (assessment.services.INPUT_PLACES). A number past them would be rounded silently or overflow the
# column, or every computation with it.
POINTS_SCALE = (4, 5)
INDEX_SCALE = (2, 5)
PARAMS_SCALE = (6, 12)


def _number(
    value, where: Message, what: str, problems: list[Problem], scale: tuple[int, int] = POINTS_SCALE
) -> Decimal | None:
    try:
        number = to_decimal(value, what)
    except EngineError as error:
        problems.append(Problem(where, error.message))
        return None
    return number if _within(number, where, what, problems, scale) else None


def _within(number: Decimal, where: Message, what: str, problems: list[Problem], scale) -> bool:
    """Whether the number has at most `scale` places and digits; if not, the problem is named. Read from
    the exponent: "1e999999999" is never written out."""
    places, digits = scale
    has_places, has_digits = decimal_scale(number)
    if has_digits > digits:
        problems.append(
            Problem(where, M(gettext_noop("%(what)s %(value)s is too large"), what=what, value=number))
        )
        return False
    if has_places > places:
        problems.append(
            Problem(
                where,
                M(
                    gettext_noop("%(what)s %(value)s has more than %(places)s decimal places"),
                    what=what,
                    value=str(
                        number
                    ).lower(),  # every digit, as the file has it (rounded, it would look fine)
                    places=places,
                ),
            )
        )
        return False
    return True


def _params_within(params, where: Message, problems: list[Problem]) -> bool:
    """The rule parameters' numbers within PARAMS_SCALE, checked before the engine does arithmetic with
    them."""
    if not isinstance(params, Mapping):
        return True
    found = [(key, params.get(key), PARAMS_SCALE) for key in ("step", "target", "penalty")]
    for key in ("levels", "bands"):
        entries = params.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping):
                found += [(name, entry.get(name), PARAMS_SCALE) for name in ("min", "max", "points")]
    ok = True
    for what, value, scale in found:
        if value is None or value == "" or isinstance(value, bool):
            continue
        try:
            number = to_decimal(value, what)
        except EngineError:
            continue  # the engine's check names it
        if number.is_finite():
            ok = _within(number, where, what, problems, scale) and ok
    return ok


def _check_text(
    value, where: Message, field: Message, problems: list[Problem], must_be_text: bool = True
) -> None:
    """A text that holds a control character is named with the character, for the official to find; a
    value that is no text (a list, a number in JSON) is named too, rather than stored as its repr."""
    if must_be_text and value is not None and not isinstance(value, str):
        problems.append(Problem(where, M(gettext_noop("the %(field)s must be text"), field=field)))
        return
    found = CONTROL_CHARACTER.search(value) if isinstance(value, str) else None
    if found:
        problems.append(
            Problem(
                where,
                M(
                    gettext_noop(
                        "the %(field)s holds the control character U+%(char)s, which cannot be stored "
                        "or exported; remove it"
                    ),
                    field=field,
                    char=f"{ord(found.group()):04X}",
                ),
            )
        )


def validate_document(document: Mapping, locations: Mapping[str, Message] | None = None) -> list[Problem]:
    """All problems of a document; `locations` maps a node code to where it came from (e.g. a sheet row)."""
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        return [Problem(M(gettext_noop("file")), M(gettext_noop("the document must be an object")))]
    nodes = _check_header(document, problems)
    _check_text(document.get("name"), M(gettext_noop("name")), M(gettext_noop("name")), problems)
    tree = _CriteriaCheck(problems, locations or {})
    for position, node in enumerate(nodes, start=1):
        tree.check(node, M(gettext_noop("criterion %(position)s"), position=position))
    _check_bands(document.get("bands"), problems)
    _check_head_rules(document.get("head_rules"), problems)
    _check_triggers(document.get("review_triggers"), tree.areas, problems)
    return problems


def _check_header(document: Mapping, problems: list[Problem]) -> list:
    """Format, tie rule and the agencies not ranked; returns the top-level criteria (a list)."""
    if document.get("format", FORMAT) != FORMAT:
        problems.append(
            Problem(
                M(gettext_noop("format")),
                M(
                    gettext_noop("unknown format %(format)s, expected %(expected)s"),
                    format=document.get("format"),
                    expected=FORMAT,
                ),
            )
        )
    if document.get("tie_rule", "shared") not in TIE_RULES:
        problems.append(
            Problem(
                M(gettext_noop("tie rule")),
                M(
                    gettext_noop("unknown tie rule %(rule)s (expected %(expected)s)"),
                    rule=document.get("tie_rule"),
                    expected=", ".join(TIE_RULES),
                ),
            )
        )
    unranked = document.get("unranked", [])
    if not isinstance(unranked, list) or not all(isinstance(code, str) and code.strip() for code in unranked):
        problems.append(
            Problem(
                M(gettext_noop("agencies not ranked")),
                M(gettext_noop("'unranked' must be a list of agency codes")),
            )
        )
    nodes = document.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        problems.append(Problem(M(gettext_noop("criteria")), M(gettext_noop("the set has no criteria"))))
        nodes = []
    return nodes


# A criterion's texts, each named as the refusal says it.
TEXTS = (
    ("code", M(gettext_noop("code"))),
    ("title", M(gettext_noop("title"))),
    ("guidance", M(gettext_noop("scoring guidance"))),
    ("evidence_expected", M(gettext_noop("evidence expected"))),
)


class _CriteriaCheck:
    """The tree's checks: codes seen (with where), content areas found (for the review triggers)."""

    def __init__(self, problems: list[Problem], locations: Mapping[str, Message]):
        self.problems, self.locations = problems, locations
        self.seen: dict[str, Message] = {}
        self.areas: set[str] = set()

    def check(self, node, path: Message) -> Decimal:
        """One criterion and its sub-criteria; returns its max (0 when unusable) for its parent's sum."""
        problems, seen, locations = self.problems, self.seen, self.locations
        if not isinstance(node, Mapping):
            problems.append(Problem(path, M(gettext_noop("a criterion must be an object"))))
            return Decimal(0)
        code = str(node.get("code") or "").strip()
        where = locations.get(code) or (M(gettext_noop("criterion %(code)s"), code=code) if code else path)
        if not code:
            problems.append(Problem(where, M(gettext_noop("the criterion has no code"))))
        elif code in seen:
            problems.append(
                Problem(
                    where,
                    M(
                        gettext_noop("duplicate code %(code)s (also at %(other)s)"),
                        code=code,
                        other=seen[code].render(gettext),
                    ),
                )
            )
        else:
            seen[code] = where
        if not str(node.get("title") or "").strip():
            problems.append(Problem(where, M(gettext_noop("the criterion has no title"))))
        for key, field in TEXTS:
            _check_text(node.get(key), where, field, problems, must_be_text=key != "code")  # 1 is code "1"
        max_points = _number(node.get("max_points"), where, "max_points", problems)
        if max_points is not None and max_points < 0:
            problems.append(Problem(where, M(gettext_noop("negative max %(max)s"), max=max_points)))
        if node.get("is_area"):
            self.areas.add(code)
        if node.get("source") not in (None, "", *SOURCES):
            problems.append(
                Problem(
                    where,
                    M(
                        gettext_noop("unknown source %(source)s (expected %(expected)s)"),
                        source=node.get("source"),
                        expected=", ".join(SOURCES),
                    ),
                )
            )
        children = node.get("children") or []
        if not isinstance(children, list):
            problems.append(Problem(where, M(gettext_noop("children must be a list"))))
            children = []
        if children:
            self._check_children(node, children, code, where, max_points)
        elif max_points is not None:
            self._check_leaf(node, where, max_points)
        return max_points if max_points is not None and max_points >= 0 else Decimal(0)

    def _check_children(self, node, children: list, code: str, where: Message, max_points) -> None:
        """A criterion with sub-criteria has no rule, and its max is the sum of theirs (bonus aside)."""
        problems = self.problems
        if node.get("rule"):
            problems.append(
                Problem(where, M(gettext_noop("only leaves have a rule; this criterion has sub-criteria")))
            )
        child_sum = Decimal(0)
        for position, child in enumerate(children, start=1):
            child_max = self.check(
                child,
                M(gettext_noop("sub-criterion %(position)s of %(code)s"), position=position, code=code),
            )
            if isinstance(child, Mapping) and not child.get("is_bonus"):
                child_sum += child_max
        if max_points is not None and not node.get("is_bonus"):
            if child_sum > max_points:
                problems.append(
                    Problem(
                        where,
                        M(
                            gettext_noop(
                                "sub-criteria maxima sum to %(sum)s, over the criterion's max %(max)s"
                            ),
                            sum=child_sum,
                            max=max_points,
                        ),
                    )
                )
            elif child_sum < max_points:
                problems.append(
                    Problem(
                        where,
                        M(
                            gettext_noop(
                                "sub-criteria maxima sum to %(sum)s, under the criterion's max %(max)s"
                            ),
                            sum=child_sum,
                            max=max_points,
                        ),
                    )
                )

    def _check_leaf(self, node, where: Message, max_points: Decimal) -> None:
        """A leaf's rule and its parameters; a survey leaf takes its values from the survey."""
        problems = self.problems
        if not _params_within(node.get("params"), where, problems):
            return
        rule = node.get("rule")
        for message in validate_rule_params(
            rule if isinstance(rule, str | None) else str(rule), node.get("params"), max_points
        ):
            problems.append(Problem(where, message))
        levels = (node.get("params") or {}).get("levels") if isinstance(node.get("params"), Mapping) else None
        for level in levels if isinstance(levels, list) else []:
            if isinstance(level, Mapping):
                field = M(gettext_noop("label of level %(key)s"), key=str(level.get("key", "")))
                _check_text(level.get("label"), where, field, problems)
        if node.get("rule") == "survey" and node.get("source") not in (None, "", "survey"):
            problems.append(
                Problem(where, M(gettext_noop("a survey criterion must have the source 'survey'")))
            )


def _check_triggers(triggers, areas: set[str], problems: list[Problem]) -> None:
    """Each review trigger names a content area of the set and a number."""
    triggers = triggers or []
    for position, trigger in enumerate(triggers if isinstance(triggers, list) else [], start=1):
        where = M(gettext_noop("review trigger %(position)s"), position=position)
        if not isinstance(trigger, Mapping):
            problems.append(Problem(where, M(gettext_noop("a review trigger must be an object"))))
            continue
        if str(trigger.get("area_code")) not in areas:
            problems.append(
                Problem(
                    where,
                    M(
                        gettext_noop("%(code)s is not a content area of this set"),
                        code=trigger.get("area_code"),
                    ),
                )
            )
        _number(trigger.get("below"), where, "below", problems, INDEX_SCALE)


def _check_bands(bands, problems: list[Problem]) -> None:
    if not isinstance(bands, list) or not bands:
        problems.append(Problem(M(gettext_noop("bands")), M(gettext_noop("the set needs at least one band"))))
        return
    codes, minima = set(), set()
    for position, band in enumerate(bands, start=1):
        where = M(gettext_noop("band %(position)s"), position=position)
        if not isinstance(band, Mapping):
            problems.append(Problem(where, M(gettext_noop("a band must be an object"))))
            continue
        code = str(band.get("code") or "")
        if not code or code in codes:
            problems.append(
                Problem(where, M(gettext_noop("band code %(code)s is empty or repeated"), code=code))
            )
        codes.add(code)
        if not str(band.get("label") or "").strip():
            problems.append(Problem(where, M(gettext_noop("the band has no label"))))
        _check_text(band.get("label"), where, M(gettext_noop("label")), problems)
        minimum = _number(band.get("min_index"), where, "min_index", problems, INDEX_SCALE)
        if minimum is not None:
            if minimum in minima:
                problems.append(Problem(where, M(gettext_noop("two bands start at %(min)s"), min=minimum)))
            minima.add(minimum)
    if minima and min(minima) != 0:
        problems.append(
            Problem(
                M(gettext_noop("bands")),
                M(
                    gettext_noop("the lowest band must start at 0, not %(min)s, so every index has a band"),
                    min=min(minima),
                ),
            )
        )


def _check_head_rules(rules, problems: list[Problem]) -> None:
    if not isinstance(rules, list):
        problems.append(Problem(M(gettext_noop("head rules")), M(gettext_noop("head rules must be a list"))))
        return
    for position, rule in enumerate(rules, start=1):
        where = M(gettext_noop("head rule %(position)s"), position=position)
        if not isinstance(rule, Mapping):
            problems.append(Problem(where, M(gettext_noop("a head rule must be an object"))))
            continue
        if not isinstance(rule.get("head_class"), str) or rule.get("head_class") not in HEAD_CLASSES:
            problems.append(
                Problem(
                    where,
                    M(
                        gettext_noop("unknown head class %(class)s (expected %(expected)s)"),
                        **{"class": rule.get("head_class"), "expected": ", ".join(HEAD_CLASSES)},
                    ),
                )
            )
        _number(rule.get("min_index"), where, "min_index", problems, INDEX_SCALE)
        _number(rule.get("min_area_index"), where, "min_area_index", problems, INDEX_SCALE)
