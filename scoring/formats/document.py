"""The criteria-set document (docs/formats.md) and its validation: every problem, named by node code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from scoring.engine import HEAD_CLASSES, EngineError, Message
from scoring.engine.ranking import TIE_RULES
from scoring.engine.rules import to_decimal, validate_rule_params

FORMAT = "parindex-criteria/1"
SOURCES = ("evidence", "survey", "data")


def M(template: str, **params) -> Message:  # noqa: N802 - short on purpose, used in every check
    return Message(template, params)


@dataclass(frozen=True)
class Problem:
    """Where (node code, or sheet/row/column for XLSX) and what, both translated when shown."""

    where: Message
    message: Message

    def __str__(self):
        return f"{self.where.render(gettext)}: {self.message.render(gettext)}"


class CriteriaFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _number(value, where: str, what: str, problems: list[Problem]) -> Decimal | None:
    try:
        return to_decimal(value, what)
    except EngineError as error:
        problems.append(Problem(where, error.message))
        return None


def validate_document(document: Mapping, locations: Mapping[str, str] | None = None) -> list[Problem]:
    """All problems of a document; `locations` maps a node code to where it came from (e.g. a sheet row)."""
    locations = locations or {}
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        return [Problem("file", "the document must be an object")]
    if document.get("format", FORMAT) != FORMAT:
        problems.append(Problem("format", f"unknown format {document.get('format')!r}, expected {FORMAT}"))
    if document.get("tie_rule", "shared") not in TIE_RULES:
        problems.append(Problem("tie_rule", f"unknown tie rule {document.get('tie_rule')!r}"))
    nodes = document.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        problems.append(Problem("nodes", "the set has no nodes"))
        nodes = []

    seen: dict[str, str] = {}
    areas: set[str] = set()

    def check(node, parent_code: str | None, path: str) -> Decimal:
        if not isinstance(node, Mapping):
            problems.append(Problem(path, "a node must be an object"))
            return Decimal(0)
        code = str(node.get("code") or "").strip()
        where = locations.get(code) or (f"node {code}" if code else path)
        if not code:
            problems.append(Problem(where, "the node has no code"))
        elif code in seen:
            problems.append(Problem(where, f"duplicate code {code} (also at {seen[code]})"))
        else:
            seen[code] = where
        if not str(node.get("title") or "").strip():
            problems.append(Problem(where, "the node has no title"))
        max_points = _number(node.get("max_points"), where, "max_points", problems)
        if max_points is not None and max_points < 0:
            problems.append(Problem(where, f"negative max {max_points}"))
        if node.get("is_area"):
            areas.add(code)
        if node.get("source") not in (None, "", *SOURCES):
            problems.append(
                Problem(where, f"unknown source {node.get('source')!r} (expected {', '.join(SOURCES)})")
            )
        children = node.get("children") or []
        if not isinstance(children, list):
            problems.append(Problem(where, "children must be a list"))
            children = []
        if children:
            if node.get("rule"):
                problems.append(Problem(where, "only leaves have a rule"))
            child_sum = Decimal(0)
            for position, child in enumerate(children, start=1):
                child_max = check(child, code, f"{where} › child {position}")
                if isinstance(child, Mapping) and not child.get("is_bonus"):
                    child_sum += child_max
            if max_points is not None and not node.get("is_bonus"):
                if child_sum > max_points:
                    problems.append(
                        Problem(
                            where, f"children's maxima sum to {child_sum}, over the node's max {max_points}"
                        )
                    )
                elif child_sum < max_points:
                    problems.append(
                        Problem(
                            where, f"children's maxima sum to {child_sum}, under the node's max {max_points}"
                        )
                    )
        elif max_points is not None:
            for message in validate_rule_params(node.get("rule"), node.get("params"), max_points):
                problems.append(Problem(where, message))
            if node.get("rule") == "survey" and node.get("source") not in (None, "", "survey"):
                problems.append(Problem(where, "a survey leaf must have source 'survey'"))
        return max_points if max_points is not None and max_points >= 0 else Decimal(0)

    for position, node in enumerate(nodes, start=1):
        check(node, None, f"node {position}")

    _check_bands(document.get("bands"), problems)
    _check_head_rules(document.get("head_rules"), problems)
    for position, trigger in enumerate(document.get("review_triggers") or [], start=1):
        where = f"review_triggers[{position}]"
        if not isinstance(trigger, Mapping):
            problems.append(Problem(where, "a review trigger must be an object"))
            continue
        if str(trigger.get("area_code")) not in areas:
            problems.append(
                Problem(where, f"area {trigger.get('area_code')!r} is not a content area of this set")
            )
        _number(trigger.get("below"), where, "below", problems)
    return problems


def _check_bands(bands, problems: list[Problem]) -> None:
    if not isinstance(bands, list) or not bands:
        problems.append(Problem("bands", "the set needs at least one band"))
        return
    codes, minima = set(), set()
    for position, band in enumerate(bands, start=1):
        where = f"bands[{position}]"
        if not isinstance(band, Mapping):
            problems.append(Problem(where, "a band must be an object"))
            continue
        code = str(band.get("code") or "")
        if not code or code in codes:
            problems.append(Problem(where, f"band code {code!r} is empty or repeated"))
        codes.add(code)
        if not str(band.get("label") or "").strip():
            problems.append(Problem(where, "the band has no label"))
        minimum = _number(band.get("min_index"), where, "min_index", problems)
        if minimum is not None:
            if minimum in minima:
                problems.append(Problem(where, f"two bands start at {minimum}"))
            minima.add(minimum)
    if minima and min(minima) != 0:
        problems.append(
            Problem("bands", f"the lowest band must start at 0, not {min(minima)}, so every index has a band")
        )


def _check_head_rules(rules, problems: list[Problem]) -> None:
    if not isinstance(rules, list):
        problems.append(Problem("head_rules", "head_rules must be a list"))
        return
    for position, rule in enumerate(rules, start=1):
        where = f"head_rules[{position}]"
        if not isinstance(rule, Mapping):
            problems.append(Problem(where, "a head rule must be an object"))
            continue
        if rule.get("head_class") not in HEAD_CLASSES:
            problems.append(
                Problem(
                    where,
                    f"unknown head class {rule.get('head_class')!r} (expected {', '.join(HEAD_CLASSES)})",
                )
            )
        _number(rule.get("min_index"), where, "min_index", problems)
        _number(rule.get("min_area_index"), where, "min_area_index", problems)
