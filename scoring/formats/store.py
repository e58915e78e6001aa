"""Criteria-set documents into and out of the database; an import stores all of a set or nothing."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from agencies.models import Agency, Block, Period
from scoring.engine.model import Message, gettext_noop
from scoring.engine.rules import to_decimal
from scoring.models import Band, CriteriaNode, CriteriaSet, HeadClassRule, ReviewTrigger
from scoring.nodes import ordered_nodes

from .document import (
    FORMAT,
    CriteriaFileError,
    M,
    Problem,
    canonical_params,
    plain_decimal,
    validate_document,
)

_plain = plain_decimal


def criteria_set_from_document(
    *,
    period: Period,
    block: Block,
    document: Mapping,
    locations: Mapping[str, Message] | None = None,
    replace: bool = False,
    acting_user=None,
    change_reason: str = "",
    copied_from: CriteriaSet | None = None,
) -> CriteriaSet:
    """Validates the whole document, then stores it in one transaction; raises CriteriaFileError listing every problem.

    The policy and the audit are scoring.services.criteria_set_import's: `acting_user` and
    `change_reason` only name who and why in the set's history (the replaced set's and the new one's)."""
    problems = validate_document(document, locations)
    existing = CriteriaSet.objects.filter(period=period, block=block).first()
    if existing is not None and not replace:
        problems.append(
            Problem(
                M(gettext_noop("criteria set")),
                M(
                    gettext_noop("%(period)s/%(block)s already has a criteria set (use replace)"),
                    period=period.code,
                    block=block.code,
                ),
            )
        )
    if existing is not None and existing.frozen_at is not None:
        problems.append(
            Problem(
                M(gettext_noop("criteria set")),
                M(
                    gettext_noop("the criteria set of %(period)s/%(block)s is frozen"),
                    period=period.code,
                    block=block.code,
                ),
            )
        )
    unranked = _unranked_agencies(period, block, document, problems)
    if problems:
        raise CriteriaFileError(problems)
    with transaction.atomic():
        if existing is not None:
            existing._history_user = acting_user
            existing._change_reason = change_reason or None
            existing.delete()
        criteria_set = CriteriaSet(
            period=period,
            block=block,
            name=document.get("name") or f"{block.name} {period.code}",
            tie_rule=document.get("tie_rule", "shared"),
            copied_from=copied_from,
        )
        criteria_set._history_user = acting_user
        criteria_set._change_reason = change_reason or None
        criteria_set.save()
        position = 0

        def store(node: Mapping, parent: CriteriaNode | None):
            nonlocal position
            position += 1
            created = CriteriaNode.objects.create(
                criteria_set=criteria_set,
                parent=parent,
                code=str(node["code"]).strip(),
                title=str(node["title"]).strip(),
                max_points=to_decimal(node["max_points"]),
                position=position,
                guidance=node.get("guidance") or "",
                evidence_expected=node.get("evidence_expected") or "",
                source=node.get("source") or ("" if node.get("children") else "evidence"),
                rule=node.get("rule") or "",
                rule_params=canonical_params(node.get("rule"), node.get("params"))
                if not node.get("children")
                else {},
                is_area=bool(node.get("is_area")),
                is_bonus=bool(node.get("is_bonus")),
            )
            for child in node.get("children") or []:
                store(child, created)

        for node in document["nodes"]:
            store(node, None)
        Band.objects.bulk_create(
            Band(
                criteria_set=criteria_set,
                code=b["code"],
                label=b["label"],
                min_index=to_decimal(b["min_index"]),
            )
            for b in document["bands"]
        )
        HeadClassRule.objects.bulk_create(
            HeadClassRule(
                criteria_set=criteria_set,
                position=position,
                head_class=r["head_class"],
                min_index=to_decimal(r["min_index"]),
                min_area_index=to_decimal(r["min_area_index"]),
            )
            for position, r in enumerate(document.get("head_rules") or [], start=1)
        )
        triggers = document.get("review_triggers")
        triggers = triggers if isinstance(triggers, list) else []  # else none, as validate_document reads it
        ReviewTrigger.objects.bulk_create(
            ReviewTrigger(
                criteria_set=criteria_set, area_code=str(t["area_code"]), below=to_decimal(t["below"])
            )
            for t in triggers
        )
        criteria_set.unranked_agencies.set(unranked)
    return criteria_set


def _unranked_agencies(
    period: Period, block: Block, document: Mapping, problems: list[Problem]
) -> list[Agency]:
    """The agencies the document keeps out of the ranking: each must be of the block and active in the period."""
    codes = document.get("unranked") or []
    if not isinstance(codes, list):
        return []  # validate_document has said so
    codes = [str(code).strip() for code in codes]
    found = {agency.code: agency for agency in period.agencies().filter(block=block, code__in=codes)}
    for code in codes:
        if code not in found:
            problems.append(
                Problem(
                    M(gettext_noop("agencies not ranked")),
                    M(
                        gettext_noop(
                            "%(code)s is not an agency of block %(block)s active in period %(period)s"
                        ),
                        code=code,
                        block=block.code,
                        period=period.code,
                    ),
                )
            )
    return list(found.values())


def criteria_set_to_document(criteria_set: CriteriaSet) -> dict:
    """The set as a document that imports back to the same set (round trip)."""
    nodes = ordered_nodes(list(criteria_set.nodes.all()))
    by_id: dict[int, dict] = {}
    roots: list[dict] = []
    for node in nodes:
        entry: dict = {"code": node.code, "title": node.title, "max_points": _plain(node.max_points)}
        for key in ("guidance", "evidence_expected", "source", "rule"):
            if getattr(node, key):
                entry[key] = getattr(node, key)
        if node.rule_params:
            entry["params"] = node.rule_params
        if node.is_area:
            entry["is_area"] = True
        if node.is_bonus:
            entry["is_bonus"] = True
        by_id[node.id] = entry
        (by_id[node.parent_id].setdefault("children", []) if node.parent_id else roots).append(entry)
    return {
        "format": FORMAT,
        "name": criteria_set.name,
        "period": criteria_set.period.code,
        "block": criteria_set.block.code,
        "tie_rule": criteria_set.tie_rule,
        "bands": [
            {"code": b.code, "label": b.label, "min_index": _plain(b.min_index)}
            for b in criteria_set.bands.order_by("-min_index")
        ],
        "head_rules": [
            {
                "head_class": r.head_class,
                "min_index": _plain(r.min_index),
                "min_area_index": _plain(r.min_area_index),
            }
            for r in criteria_set.head_rules.order_by("position")
        ],
        "review_triggers": [
            {"area_code": t.area_code, "below": _plain(t.below)}
            for t in criteria_set.review_triggers.order_by("area_code")
        ],
        "unranked": sorted(agency.code for agency in criteria_set.unranked_agencies.all()),
        "nodes": roots,
    }
