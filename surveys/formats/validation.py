"""A questionnaire document checked whole: every problem named, and its canonical form."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from agencies.models import Block, Period
from scoring.formats.document import plain_decimal
from scoring.models import CriteriaNode, Rule

from ..problems import M, Problem, gettext_noop
from .common import FORMAT, cell_decimal, cell_flag, cell_text


class ValidationContext:
    """What a questionnaire may refer to: the survey leaves of the period × block criteria set, and
    the agencies of the block active in the period. Read once, in two queries."""

    def __init__(self, period: Period, block: Block):
        self.period, self.block = period, block
        nodes = list(CriteriaNode.objects.filter(criteria_set__period=period, criteria_set__block=block))
        self.has_set = bool(nodes)
        parents = {node.parent_id for node in nodes}
        self.leaves: dict[str, CriteriaNode] = {
            node.code: node for node in nodes if node.rule == Rule.SURVEY and node.id not in parents
        }
        self.agencies: dict[str, int] = dict(period.agencies().filter(block=block).values_list("code", "id"))


class _Validation:
    """One document's validation, in steps: every problem found (in document order), the canonical form
    built along, and what later steps check against (group codes, criteria asked)."""

    def __init__(self, context: ValidationContext, locations: Mapping[tuple, object]):
        self.context, self.locations = context, locations
        self.problems: list[Problem] = []
        self.group_codes: set[str] = set()
        self.criteria_asked: set[str] = set()

    def add(self, where, template: str, **params) -> None:
        self.problems.append(Problem(where, M(template, **params)))

    def header(self, document: Mapping) -> dict:
        """Format, code and title; the canonical form's head, its lists still empty."""
        if document.get("format", FORMAT) != FORMAT:
            self.add(
                M(gettext_noop("format")),
                gettext_noop("unknown format %(format)s, expected %(expected)s"),
                format=document.get("format"),
                expected=FORMAT,
            )
        code, title = cell_text(document.get("code")), cell_text(document.get("title"))
        if not code:
            self.add(M(gettext_noop("questionnaire")), gettext_noop("the questionnaire has no code"))
        elif not code.replace("-", "").replace("_", "").isalnum() or not code.isascii() or len(code) > 40:
            self.add(
                M(gettext_noop("questionnaire")),
                gettext_noop("code %(code)s must be up to 40 Latin letters, digits, - or _"),
                code=code,
            )
        if not title:
            self.add(M(gettext_noop("questionnaire")), gettext_noop("the questionnaire has no title"))
        canonical: dict = {
            "format": FORMAT,
            "code": code,
            "title": title,
            "period": self.context.period.code,
            "block": self.context.block.code,
            "groups": [],
            "questions": [],
            "weights": [],
            "sample_plan": [],
        }
        return canonical

    def groups(self, document: Mapping, canonical: dict) -> None:
        """Respondent groups."""
        groups = _list(document, "groups", M(gettext_noop("respondent groups")), self.problems)
        if not groups:
            self.add(
                M(gettext_noop("respondent groups")),
                gettext_noop("the questionnaire has no respondent group"),
            )
        for position, group in enumerate(groups, start=1):
            if not isinstance(group, Mapping):
                self.add(
                    M(gettext_noop("group %(position)s"), position=position),
                    gettext_noop("must be an object"),
                )
                continue
            group_code = cell_text(group.get("code"))
            where = self.locations.get(("group", group_code)) or (
                M(gettext_noop("group %(code)s"), code=group_code)
                if group_code
                else M(gettext_noop("group %(position)s"), position=position)
            )
            if not group_code:
                self.add(where, gettext_noop("the group has no code"))
            elif group_code in self.group_codes:
                self.add(where, gettext_noop("duplicate group code %(code)s"), code=group_code)
            elif len(group_code) > 40 or not group_code.isascii() or " " in group_code:
                self.add(
                    where,
                    gettext_noop("code %(code)s must be up to 40 Latin letters, digits, - or _"),
                    code=group_code,
                )
            self.group_codes.add(group_code)
            name = cell_text(group.get("name"))
            if not name:
                self.add(where, gettext_noop("the group has no name"))
            canonical["groups"].append({"code": group_code, "name": name})

    def questions(self, document: Mapping, canonical: dict) -> None:
        """Questions and their options."""
        questions = _list(document, "questions", M(gettext_noop("questions")), self.problems)
        if not questions:
            self.add(M(gettext_noop("questions")), gettext_noop("the questionnaire has no question"))
        numbers: set[str] = set()
        for position, question in enumerate(questions, start=1):
            if not isinstance(question, Mapping):
                self.add(
                    M(gettext_noop("question at position %(position)s"), position=position),
                    gettext_noop("must be an object"),
                )
                continue
            number = cell_text(question.get("number"))
            where = self.locations.get(("question", number)) or (
                M(gettext_noop("question %(number)s"), number=number)
                if number
                else M(gettext_noop("question at position %(position)s"), position=position)
            )
            if not number:
                self.add(where, gettext_noop("the question has no number"))
            elif number in numbers:
                self.add(where, gettext_noop("duplicate question number %(number)s"), number=number)
            elif len(number) > 16:
                self.add(
                    where,
                    gettext_noop("question number %(number)s is longer than 16 characters"),
                    number=number,
                )
            numbers.add(number)
            text = cell_text(question.get("text"))
            if not text:
                self.add(where, gettext_noop("the question has no text"))
            criterion = cell_text(question.get("criterion")) or None
            if criterion is not None:
                if criterion not in self.context.leaves:
                    if not self.context.has_set:
                        self.add(
                            where,
                            gettext_noop(
                                "criterion %(code)s: %(period)s has no criteria set for block %(block)s"
                            ),
                            code=criterion,
                            period=self.context.period.code,
                            block=self.context.block.code,
                        )
                    else:
                        self.add(
                            where,
                            gettext_noop(
                                "%(code)s is not a survey criterion (a leaf with the rule survey) of the set"
                            ),
                            code=criterion,
                        )
                self.criteria_asked.add(criterion)
            sipas = cell_flag(question.get("sipas"))
            element = cell_text(question.get("sipas_element"))
            if element and not sipas:
                self.add(where, gettext_noop("only a SIPAS question has a SIPAS element"))
            entry = {
                "number": number,
                "text": text,
                "criterion": criterion,
                "sipas": sipas,
                "sipas_element": element,
                "options": [],
            }
            options = question.get("options")
            if not isinstance(options, list) or len(options) < 2:
                self.add(where, gettext_noop("a question needs at least two answer options"))
                options = options if isinstance(options, list) else []
            scored, satisfied_any = self.options(options, where, number, sipas, entry["options"])
            if options and not scored:
                self.add(
                    where, gettext_noop("no option has a coefficient: every answer would be “don't know”")
                )
            if sipas and options and not satisfied_any:
                self.add(
                    where, gettext_noop("a SIPAS question needs at least one option that counts as satisfied")
                )
            canonical["questions"].append(entry)

    def options(self, options: list, where, number: str, sipas: bool, into: list) -> tuple[bool, bool]:
        """A question's answer options, appended to `into`: (any option scored, any counts as satisfied)."""
        keys: set[str] = set()
        scored = satisfied_any = False
        for option_position, option in enumerate(options, start=1):
            if not isinstance(option, Mapping):
                self.add(
                    where, gettext_noop("option %(position)s must be an object"), position=option_position
                )
                continue
            key = cell_text(option.get("key"))
            option_where = self.locations.get(("option", number, key)) or where
            if not key:
                self.add(
                    option_where, gettext_noop("option %(position)s has no key"), position=option_position
                )
            elif key in keys:
                self.add(option_where, gettext_noop("duplicate option key %(key)s"), key=key)
            elif len(key) > 16:
                self.add(
                    option_where, gettext_noop("option key %(key)s is longer than 16 characters"), key=key
                )
            keys.add(key)
            label = cell_text(option.get("label"))
            if not label:
                self.add(option_where, gettext_noop("option %(key)s has no label"), key=key)
            raw = option.get("coefficient")
            coefficient = None
            if raw not in (None, ""):
                coefficient = cell_decimal(raw)
                if coefficient is None:
                    self.add(
                        option_where,
                        gettext_noop("coefficient of option %(key)s: %(value)s is not a number"),
                        key=key,
                        value=raw,
                    )
                elif not 0 <= coefficient <= 1 or coefficient != coefficient.quantize(Decimal("0.0001")):
                    self.add(
                        option_where,
                        gettext_noop(
                            "coefficient of option %(key)s (%(value)s) must lie within 0…1, "
                            "with at most 4 decimals"
                        ),
                        key=key,
                        value=raw,
                    )
                    coefficient = None
                else:
                    scored = True
            satisfied = cell_flag(option.get("satisfied"))
            if satisfied:
                if not sipas:
                    self.add(
                        option_where, gettext_noop("only an option of a SIPAS question counts as satisfied")
                    )
                elif raw in (None, ""):
                    self.add(option_where, gettext_noop("a “don't know” option cannot count as satisfied"))
                satisfied_any = True
            into.append(
                {
                    "key": key,
                    "label": label,
                    "coefficient": None if coefficient is None else plain_decimal(coefficient),
                    "satisfied": satisfied,
                }
            )
        return scored, satisfied_any

    def weights(self, document: Mapping, canonical: dict) -> None:
        """Group weights per survey leaf, and each leaf's total."""
        weights = _list(document, "weights", M(gettext_noop("weights")), self.problems, required=False)
        seen_weights: set[tuple[str, str]] = set()
        totals: dict[str, Decimal] = {}
        for position, weight in enumerate(weights, start=1):
            if not isinstance(weight, Mapping):
                self.add(
                    M(gettext_noop("weight %(position)s"), position=position),
                    gettext_noop("must be an object"),
                )
                continue
            criterion, group_code = cell_text(weight.get("criterion")), cell_text(weight.get("group"))
            where = self.locations.get(("weight", criterion, group_code)) or M(
                gettext_noop("weight of group %(group)s for criterion %(code)s"),
                group=group_code,
                code=criterion,
            )
            if criterion not in self.criteria_asked:
                self.add(where, gettext_noop("no question scores criterion %(code)s"), code=criterion)
            if group_code not in self.group_codes:
                self.add(where, gettext_noop("unknown respondent group %(group)s"), group=group_code)
            if (criterion, group_code) in seen_weights:
                self.add(where, gettext_noop("the weight is given twice"))
            seen_weights.add((criterion, group_code))
            value = cell_decimal(weight.get("weight"))
            if value is None:
                self.add(where, gettext_noop("%(value)s is not a number"), value=weight.get("weight"))
            elif value < 0 or value != value.quantize(Decimal("0.0001")) or value >= 10**5:
                self.add(
                    where,
                    gettext_noop("weight %(value)s must be 0 or more, below 100000, with at most 4 decimals"),
                    value=weight.get("weight"),
                )
                value = None
            else:
                totals[criterion] = totals.get(criterion, Decimal(0)) + value
            canonical["weights"].append(
                {
                    "criterion": criterion,
                    "group": group_code,
                    "weight": None if value is None else plain_decimal(value),
                }
            )
        for criterion, total in totals.items():
            if total == 0 and criterion in self.criteria_asked:
                self.add(
                    M(gettext_noop("criterion %(code)s"), code=criterion),
                    gettext_noop("the group weights of criterion %(code)s sum to 0"),
                    code=criterion,
                )

    def sample_plan(self, document: Mapping, canonical: dict) -> None:
        """Planned responses per agency and group."""
        plans = _list(document, "sample_plan", M(gettext_noop("sample plan")), self.problems, required=False)
        seen_plans: set[tuple[str, str]] = set()
        for position, plan in enumerate(plans, start=1):
            if not isinstance(plan, Mapping):
                self.add(
                    M(gettext_noop("sample plan %(position)s"), position=position),
                    gettext_noop("must be an object"),
                )
                continue
            agency, group_code = cell_text(plan.get("agency")), cell_text(plan.get("group"))
            where = self.locations.get(("plan", agency, group_code)) or M(
                gettext_noop("sample plan for %(agency)s, group %(group)s"), agency=agency, group=group_code
            )
            if agency not in self.context.agencies:
                self.add(
                    where,
                    gettext_noop("%(agency)s is not an agency of block %(block)s active in %(period)s"),
                    agency=agency,
                    block=self.context.block.code,
                    period=self.context.period.code,
                )
            if group_code not in self.group_codes:
                self.add(where, gettext_noop("unknown respondent group %(group)s"), group=group_code)
            if (agency, group_code) in seen_plans:
                self.add(where, gettext_noop("the planned count is given twice"))
            seen_plans.add((agency, group_code))
            planned = cell_decimal(plan.get("planned"))
            if planned is None or planned < 0 or planned != planned.to_integral_value() or planned > 10**9:
                self.add(
                    where,
                    gettext_noop("planned count %(value)s must be a whole number, 0 or more"),
                    value=plan.get("planned"),
                )
                planned = None
            canonical["sample_plan"].append(
                {"agency": agency, "group": group_code, "planned": None if planned is None else int(planned)}
            )


def validate_questionnaire(
    document: Mapping, context: ValidationContext, locations: Mapping[tuple, object] | None = None
) -> tuple[list[Problem], dict]:
    """Every problem of a document, and its canonical form (what an export of the stored questionnaire
    gives back). `locations` maps ("question", number), ("option", number, key), ("group", code),
    ("weight", criterion, group) and ("plan", agency, group) to where the entry came from."""
    steps = _Validation(context, locations or {})
    if not isinstance(document, Mapping):
        steps.add(M(gettext_noop("file")), gettext_noop("the document must be an object"))
        return steps.problems, {}
    canonical = steps.header(document)
    steps.groups(document, canonical)
    steps.questions(document, canonical)
    steps.weights(document, canonical)
    steps.sample_plan(document, canonical)
    return steps.problems, canonical


def _list(document: Mapping, key: str, where, problems: list[Problem], required: bool = True) -> list:
    value = document.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        if value is not None:
            problems.append(Problem(where, M(gettext_noop("must be a list"))))
        return []
    return value
