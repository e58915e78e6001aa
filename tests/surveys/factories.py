"""Survey test data: a small criteria set with two survey leaves, a questionnaire built through its
import service, and responses written directly (the aggregation tests need exact, hand-chosen answers)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import factory

from agencies.models import Agency, Block, Period
from sample import criteria
from scoring.formats import criteria_set_from_document
from scoring.models import CriteriaNode, CriteriaSet
from surveys.formats import questionnaire_from_document
from surveys.models import Answer, AnswerOption, Questionnaire, RespondentGroup, Response, ResponseSource
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory

AGREEMENT = [
    {"key": "1", "label": "Rất tốt", "coefficient": "1", "satisfied": False},
    {"key": "2", "label": "Tốt", "coefficient": "0.75", "satisfied": False},
    {"key": "3", "label": "Khá", "coefficient": "0.5", "satisfied": False},
    {"key": "4", "label": "Kém", "coefficient": "0", "satisfied": False},
    {"key": "9", "label": "Không biết", "coefficient": None, "satisfied": False},
]
SATISFACTION = [
    {"key": "1", "label": "Rất không hài lòng", "coefficient": "0", "satisfied": False},
    {"key": "2", "label": "Không hài lòng", "coefficient": "0.25", "satisfied": False},
    {"key": "3", "label": "Bình thường", "coefficient": "0.5", "satisfied": False},
    {"key": "4", "label": "Hài lòng", "coefficient": "0.75", "satisfied": True},
    {"key": "5", "label": "Rất hài lòng", "coefficient": "1", "satisfied": True},
    {"key": "9", "label": "Không biết", "coefficient": None, "satisfied": False},
]


def criteria_document() -> dict:
    """One evidence area and one survey area with the organisations' (8.1) and SIPAS (8.2) leaves."""
    return {
        "format": "parindex-criteria/1",
        "name": "Bộ khảo sát",
        "tie_rule": "shared",
        "bands": [
            {"code": "A", "label": "Từ 90%", "min_index": "90"},
            {"code": "C", "label": "Dưới 90%", "min_index": "0"},
        ],
        "head_rules": [],
        "review_triggers": [],
        "nodes": [
            criteria.area("1", "Chỉ đạo điều hành", "71.5", [criteria.manual("1.1", "Kế hoạch", "71.5")]),
            criteria.area(
                "8",
                "Điều tra xã hội học",
                "28.5",
                [
                    criteria.survey("8.1", "Ý kiến đánh giá của các tổ chức", "18.5"),
                    criteria.survey("8.2", "Mức độ hài lòng của người dân (SIPAS)", "10"),
                ],
            ),
        ],
    }


def questionnaire_document() -> dict:
    """Groups hdnd, mttq, dan, huyen; questions 1–2 score 8.1, 3–4 (SIPAS) score 8.2, 5 is informative.
    8.1 weighs hdnd 1, mttq 1, dan 2, huyen 3; 8.2 has no weights (groups weigh the same)."""
    return {
        "format": "parindex-questionnaire/1",
        "code": "so-nganh-2022",
        "title": "Phiếu lấy ý kiến về công tác CCHC của sở, ban, ngành",
        "groups": [
            {"code": "hdnd", "name": "Đại biểu HĐND tỉnh"},
            {"code": "mttq", "name": "Lãnh đạo Ủy ban MTTQ tỉnh"},
            {"code": "dan", "name": "Người dân, doanh nghiệp"},
            {"code": "huyen", "name": "Lãnh đạo UBND cấp huyện"},
        ],
        "questions": [
            {"number": "1", "text": "Chất lượng văn bản", "criterion": "8.1", "sipas": False, "sipas_element": "", "options": copy.deepcopy(AGREEMENT)},
            {"number": "2", "text": "Công khai thủ tục", "criterion": "8.1", "sipas": False, "sipas_element": "", "options": copy.deepcopy(AGREEMENT)},
            {"number": "3", "text": "Tiếp cận dịch vụ", "criterion": "8.2", "sipas": True, "sipas_element": "Tiếp cận dịch vụ", "options": copy.deepcopy(SATISFACTION)},
            {"number": "4", "text": "Kết quả giải quyết", "criterion": "8.2", "sipas": True, "sipas_element": "Kết quả", "options": copy.deepcopy(SATISFACTION)},
            {"number": "5", "text": "Ông/bà biết đến qua kênh nào?", "criterion": None, "sipas": False, "sipas_element": "", "options": [
                {"key": "a", "label": "Báo chí", "coefficient": "1", "satisfied": False},
                {"key": "b", "label": "Khác", "coefficient": "0", "satisfied": False},
            ]},
        ],
        "weights": [
            {"criterion": "8.1", "group": "hdnd", "weight": "1"},
            {"criterion": "8.1", "group": "mttq", "weight": "1"},
            {"criterion": "8.1", "group": "dan", "weight": "2"},
            {"criterion": "8.1", "group": "huyen", "weight": "3"},
        ],
        "sample_plan": [
            {"agency": "so-a", "group": "dan", "planned": 3},
            {"agency": "so-a", "group": "hdnd", "planned": 2},
            {"agency": "so-b", "group": "dan", "planned": 1},
        ],
    }  # fmt: skip


@dataclass
class Survey:
    period: Period
    block: Block
    criteria_set: CriteriaSet
    questionnaire: Questionnaire
    a: Agency
    b: Agency
    elsewhere: Agency  # an agency of another block

    def leaf(self, code: str) -> CriteriaNode:
        return self.criteria_set.nodes.get(code=code)

    def group(self, code: str) -> RespondentGroup:
        return self.questionnaire.groups.get(code=code)


def make_survey(year: int = 2022) -> Survey:
    period = PeriodFactory(year=year)
    block = BlockFactory(code="so-nganh", name="Sở, ban, ngành")
    a = AgencyFactory(code="so-a", name="Sở A", block=block)
    b = AgencyFactory(code="so-b", name="Sở B", block=block)
    elsewhere = AgencyFactory(code="huyen-x", name="UBND huyện X", block=BlockFactory(code="huyen"))
    criteria_set = criteria_set_from_document(period=period, block=block, document=criteria_document())
    questionnaire = questionnaire_from_document(period=period, block=block, document=questionnaire_document())
    return Survey(period, block, criteria_set, questionnaire, a, b, elsewhere)


def respond(
    questionnaire: Questionnaire, serial: str, group: str, agency: Agency, **answers: str
) -> Response:
    """A response with answers given as q<number>=<option key>, e.g. respond(q, "1", "dan", a, q1="2")."""
    response = Response.objects.create(
        questionnaire=questionnaire,
        serial=serial,
        group=questionnaire.groups.get(code=group),
        agency=agency,
        source=ResponseSource.ENTERED,
    )
    options = {
        (o.question.number, o.key): o
        for o in AnswerOption.objects.filter(question__questionnaire=questionnaire).select_related("question")
    }
    Answer.objects.bulk_create(
        Answer(
            response=response, question=options[(number[1:], key)].question, option=options[(number[1:], key)]
        )
        for number, key in answers.items()
    )
    return response


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """A bare questionnaire (no groups or questions) for tests that need only the row."""

    class Meta:
        model = Questionnaire

    period = factory.SubFactory(PeriodFactory)
    block = factory.SubFactory(BlockFactory)
    code = factory.Sequence(lambda n: f"phieu-{n}")
    title = factory.Sequence(lambda n: f"Phiếu {n}")
