"""A questionnaire document ⇄ the database: stored whole once valid, and exported back."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction

from agencies import policy
from agencies.models import Block, Period
from scoring.formats.document import plain_decimal
from scoring.services import criteria_document_digest

from ..models import AnswerOption, GroupWeight, Question, Questionnaire, RespondentGroup, SamplePlan
from ..problems import M, Problem, SurveyFileError, gettext_noop
from .common import FORMAT
from .validation import ValidationContext, validate_questionnaire

# The policy's own words (agencies.policy.period_inputs_refusal), so the catalog has them once.
INPUTS_FROZEN = gettext_noop("The results of %(period)s are approved: its inputs can no longer change.")


def questionnaire_from_document(
    *,
    period: Period,
    block: Block,
    document: Mapping,
    locations: Mapping[tuple, object] | None = None,
    replace: bool = False,
    acting_user=None,
    via: str = "direct",
) -> Questionnaire:
    """Validates the whole document, then stores it in one transaction; raises SurveyFileError listing
    every problem. An existing questionnaire with the same code is replaced only when asked and only
    while it has no responses. The questionnaire's history names who (`acting_user`; None is the operator
    at the server), how (`via`) and the document's SHA-256, on the new row and on the one it replaces."""
    context = ValidationContext(period, block)
    problems, canonical = validate_questionnaire(document, context, locations)
    existing = Questionnaire.objects.filter(period=period, code=canonical.get("code")).first()
    if existing is not None:
        if not replace:
            problems.append(
                Problem(
                    M(gettext_noop("questionnaire")),
                    M(
                        gettext_noop("%(period)s already has a questionnaire %(code)s (use replace)"),
                        period=period.code,
                        code=existing.code,
                    ),
                )
            )
        elif existing.responses.exists():
            problems.append(
                Problem(
                    M(gettext_noop("questionnaire")),
                    M(
                        gettext_noop("questionnaire %(code)s already has responses and cannot be replaced"),
                        code=existing.code,
                    ),
                )
            )
    if problems:
        raise SurveyFileError(problems)
    with transaction.atomic():
        # Approval freezes the survey for every path (command, page, API); asked in the transaction, the
        # policy also waits for a step of the workflow being taken (agencies.policy._lock_state).
        if policy.write_refusal(policy.Audience.SUPERUSER, policy.Obj.SURVEY, period):
            raise SurveyFileError(
                [Problem(M(gettext_noop("questionnaire")), M(INPUTS_FROZEN, period=period.name))]
            )
        reason = f"questionnaire ({via}): sha256 {criteria_document_digest(document)}"[:100]
        if existing is not None:
            existing.import_batches.all().delete()
            existing._history_user, existing._change_reason = acting_user, reason
            existing.delete()
        questionnaire = Questionnaire(
            period=period, block=block, code=canonical["code"], title=canonical["title"]
        )
        questionnaire._history_user, questionnaire._change_reason = acting_user, reason
        questionnaire.save()
        groups = RespondentGroup.objects.bulk_create(
            RespondentGroup(questionnaire=questionnaire, code=g["code"], name=g["name"], position=position)
            for position, g in enumerate(canonical["groups"], start=1)
        )
        group_ids = {group.code: group.id for group in groups}
        questions = Question.objects.bulk_create(
            Question(
                questionnaire=questionnaire,
                number=q["number"],
                text=q["text"],
                node=context.leaves[q["criterion"]] if q["criterion"] else None,
                is_sipas=q["sipas"],
                sipas_element=q["sipas_element"],
                position=position,
            )
            for position, q in enumerate(canonical["questions"], start=1)
        )
        AnswerOption.objects.bulk_create(
            AnswerOption(
                question=question,
                key=o["key"],
                label=o["label"],
                coefficient=None if o["coefficient"] is None else Decimal(o["coefficient"]),
                satisfied=o["satisfied"],
                position=position,
            )
            for question, q in zip(questions, canonical["questions"], strict=True)
            for position, o in enumerate(q["options"], start=1)
        )
        GroupWeight.objects.bulk_create(
            GroupWeight(
                questionnaire=questionnaire,
                node=context.leaves[w["criterion"]],
                group_id=group_ids[w["group"]],
                weight=Decimal(w["weight"]),
            )
            for w in canonical["weights"]
        )
        SamplePlan.objects.bulk_create(
            SamplePlan(
                questionnaire=questionnaire,
                agency_id=context.agencies[p["agency"]],
                group_id=group_ids[p["group"]],
                planned=p["planned"],
            )
            for p in canonical["sample_plan"]
        )
    return questionnaire


questionnaire_import = questionnaire_from_document


def questionnaire_to_document(questionnaire: Questionnaire) -> dict:
    """The questionnaire as a document that imports back to the same questionnaire (round trip)."""
    groups = list(questionnaire.groups.order_by("position", "id"))
    group_codes = {group.id: group.code for group in groups}
    questions = list(questionnaire.questions.select_related("node").order_by("position", "id"))
    options: dict[int, list[AnswerOption]] = {}
    for option in AnswerOption.objects.filter(question__questionnaire=questionnaire).order_by(
        "position", "id"
    ):
        options.setdefault(option.question_id, []).append(option)
    return {
        "format": FORMAT,
        "code": questionnaire.code,
        "title": questionnaire.title,
        "period": questionnaire.period.code,
        "block": questionnaire.block.code,
        "groups": [{"code": g.code, "name": g.name} for g in groups],
        "questions": [
            {
                "number": q.number,
                "text": q.text,
                "criterion": q.node.code if q.node_id else None,
                "sipas": q.is_sipas,
                "sipas_element": q.sipas_element,
                "options": [
                    {
                        "key": o.key,
                        "label": o.label,
                        "coefficient": None if o.coefficient is None else plain_decimal(o.coefficient),
                        "satisfied": o.satisfied,
                    }
                    for o in options.get(q.id, [])
                ],
            }
            for q in questions
        ],
        "weights": [
            {"criterion": w.node.code, "group": group_codes[w.group_id], "weight": plain_decimal(w.weight)}
            for w in questionnaire.weights.select_related("node").order_by("id")
        ],
        "sample_plan": [
            {"agency": p.agency.code, "group": group_codes[p.group_id], "planned": p.planned}
            for p in questionnaire.sample_plans.select_related("agency").order_by("id")
        ],
    }
