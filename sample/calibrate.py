"""Turns an agency-year target (index, forced area fractions, bonus) into leaf inputs and survey values.

Evidence areas get points in steps of 0.25 spread over their leaves (a seeded random choice among the
inputs each leaf's rule allows, so the data looks like real appraisals); the survey leaves take up the
rest, so the computed index equals the target exactly. Pure Python over the engine's tree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from scoring.engine import CriteriaTree, Node
from scoring.engine.rules import threshold_bands, to_decimal

QUARTER = Decimal("0.25")
HUNDRED = Decimal(100)
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Option:
    deficit: int  # quarters of a point below the leaf's max
    data: dict  # the rule input that yields it


@dataclass
class Calibrated:
    items: dict[
        str, tuple[bool, dict | None, dict | None]
    ]  # leaf code → (applicable, self input, appraised input)
    survey_values: dict[str, Decimal]


def _quarters(points: Decimal) -> int:
    return int(points / QUARTER)


def _band_value(band: dict) -> Decimal:
    """A plausible measured value inside a threshold band."""
    low, high = band["min"], band["max"]
    if low is not None and high is not None:
        return ((low + high) / 2).quantize(Decimal("0.1"))
    if low is None:
        return high if band["max_inclusive"] else high - 5
    return low if band["min_inclusive"] else low + 1


def leaf_options(node: Node) -> list[Option]:
    """Every input of the leaf's rule that gives points in whole quarters, best first."""
    max_points = node.max_points
    options: list[Option] = []
    if node.rule == "manual":
        step = to_decimal(node.params.get("step", "0.25"))
        points = max_points
        while points >= 0:
            options.append(Option(_quarters(max_points - points), {"points": str(points)}))
            points -= step
    elif node.rule == "levels":
        for level in node.params["levels"]:
            options.append(
                Option(_quarters(max_points - to_decimal(level["points"])), {"level": level["key"]})
            )
    elif node.rule == "threshold":
        for band in threshold_bands(node.params):
            options.append(Option(_quarters(max_points - band["points"]), {"value": str(_band_value(band))}))
    elif node.rule == "proportional":
        target = to_decimal(node.params["target"])
        points = max_points
        while points >= 0:
            achieved = points * target / max_points
            if achieved == achieved.quantize(Decimal("0.01")):
                options.append(Option(_quarters(max_points - points), {"value": str(achieved.normalize())}))
            points -= QUARTER
    elif node.rule == "deduction":
        penalty = to_decimal(node.params["penalty"])
        count = 0
        while max_points - penalty * count >= 0:
            options.append(Option(_quarters(penalty * count), {"value": str(count)}))
            count += 1
    options.sort(key=lambda option: option.deficit)
    return options


def distribute(leaves: list[Node], points: Decimal, rng: random.Random) -> dict[str, dict]:
    """Inputs for the leaves so their points add up to `points` (a multiple of 0.25)."""
    options = [leaf_options(leaf) for leaf in leaves]
    deficit = _quarters(sum((leaf.max_points for leaf in leaves), Decimal(0)) - points)
    reachable = [set() for _ in range(len(leaves) + 1)]
    reachable[len(leaves)] = {0}
    for position in range(len(leaves) - 1, -1, -1):
        reachable[position] = {
            o.deficit + rest for o in options[position] for rest in reachable[position + 1]
        }
    if deficit not in reachable[0]:
        raise ValueError(f"{points} points cannot be spread over {[leaf.code for leaf in leaves]}")
    inputs, remaining = {}, deficit
    for position, leaf in enumerate(leaves):
        feasible = [o for o in options[position] if remaining - o.deficit in reachable[position + 1]]
        perfect = [o for o in feasible if o.deficit == 0]
        choice = perfect[0] if perfect and rng.random() < 0.55 else rng.choice(feasible)
        inputs[leaf.code] = choice.data
        remaining -= choice.deficit
    return inputs


def _area_points(area_max: Decimal, fraction: Decimal, floor: Decimal) -> Decimal:
    """Points in quarters whose area index stays at or above `floor` (percent)."""
    points = (area_max * fraction / QUARTER).to_integral_value(ROUND_HALF_UP) * QUARTER
    while area_max and points * HUNDRED / area_max < floor and points < area_max:
        points += QUARTER
    return min(points, area_max)


def calibrate(
    tree: CriteriaTree,
    *,
    seed: str,
    index: Decimal,
    forced_areas: dict[str, Decimal],
    area_floors: dict[str, Decimal],
    bonus: Decimal,
    not_applicable: tuple[str, ...],
) -> Calibrated:
    rng = random.Random(seed)
    leaves_under: dict[str, list[Node]] = {}
    for leaf in tree.leaves:
        top = leaf
        while top.parent_code is not None:
            top = tree.node(top.parent_code)
        leaves_under.setdefault(top.code, []).append(leaf)

    def applicable(leaves):
        return [leaf for leaf in leaves if leaf.code not in not_applicable]

    roots = [tree.node(code) for code in tree.roots]
    survey_roots = [r for r in roots if all(leaf.rule == "survey" for leaf in leaves_under[r.code])]
    bonus_roots = [r for r in roots if r.is_bonus]
    evidence_roots = [r for r in roots if r not in survey_roots and r not in bonus_roots]
    maxima = {
        r.code: sum((leaf.max_points for leaf in applicable(leaves_under[r.code])), Decimal(0)) for r in roots
    }
    total_max = sum((maxima[r.code] for r in roots if not r.is_bonus), Decimal(0))
    survey_max = sum((maxima[r.code] for r in survey_roots), Decimal(0))
    total = index * total_max / HUNDRED

    survey_share = min(Decimal("0.97"), index / HUNDRED + Decimal(rng.randint(-20, 25)) / 1000)
    evidence_goal = total - bonus - survey_share * survey_max
    forced_points = {
        code: _area_points(maxima[code], fraction, Decimal(0)) for code, fraction in forced_areas.items()
    }
    free = [r for r in evidence_roots if r.code not in forced_points]
    free_max = sum((maxima[r.code] for r in free), Decimal(0))
    base = (evidence_goal - sum(forced_points.values(), Decimal(0))) / free_max
    area_points = dict(forced_points)
    for root in free:
        jitter = Decimal(rng.randint(-35, 35)) / 1000
        fraction = min(Decimal(1), max(Decimal("0.5"), base + jitter))
        area_points[root.code] = _area_points(
            maxima[root.code], fraction, area_floors.get(root.code, Decimal(0))
        )

    appraised: dict[str, dict] = {}
    for root in evidence_roots:
        appraised.update(distribute(applicable(leaves_under[root.code]), area_points[root.code], rng))
    for root in bonus_roots:
        appraised.update(distribute(leaves_under[root.code], bonus, rng))

    survey_points = total - bonus - sum(area_points.values(), Decimal(0))
    survey_leaves = [leaf for r in survey_roots for leaf in leaves_under[r.code]]
    if not Decimal(0) <= survey_points <= survey_max:
        raise ValueError(f"{seed}: survey points {survey_points} outside 0…{survey_max}")
    survey_values = _split_survey(survey_leaves, survey_points, rng)

    items = {}
    for leaf in tree.leaves:
        if leaf.rule == "survey":
            continue
        if leaf.code in not_applicable:
            items[leaf.code] = (False, None, None)
            continue
        data = appraised[leaf.code]
        best = leaf_options(leaf)[0].data
        self_data = best if rng.random() < 0.3 else data  # agencies tend to score themselves generously
        items[leaf.code] = (True, self_data, data)
    return Calibrated(items, survey_values)


def _split_survey(leaves: list[Node], points: Decimal, rng: random.Random) -> dict[str, Decimal]:
    """Values in 0…1 for the survey leaves whose points add up to `points` (the last leaf takes the rest)."""
    values, remaining = {}, points
    total_max = sum((leaf.max_points for leaf in leaves), Decimal(0))
    share = points / total_max
    for leaf in leaves[:-1]:
        value = min(Decimal(1), max(Decimal(0), share + Decimal(rng.randint(-30, 30)) / 1000)).quantize(
            Decimal("0.0001")
        )
        values[leaf.code] = value
        remaining -= leaf.max_points * value
    last = leaves[-1]
    value = (remaining / last.max_points).quantize(SIX_PLACES, rounding=ROUND_CEILING)
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"survey value {value} of {last.code} outside 0…1")
    values[last.code] = value
    return values
