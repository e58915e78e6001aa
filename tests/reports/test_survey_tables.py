"""The survey tables: counts per respondent group against the plan, SIPAS per agency; without survey
responses in the system, the counts table says so and SIPAS comes from the SIPAS leaf's points."""

from decimal import Decimal

from agencies.models import Agency, Block
from reports.selectors import report_data
from reports.tables import table_specs
from scoring.engine import published_index
from surveys.models import (
    Answer,
    AnswerOption,
    Question,
    Questionnaire,
    RespondentGroup,
    Response,
    ResponseSource,
    SamplePlan,
)


def by_identifier(data, identifier):
    return [spec for spec in table_specs(data) if spec.exporter.identifier == identifier]


def no_responses(period):
    """The sample may bring questionnaires and responses; these tests set their own."""
    Answer.objects.filter(response__questionnaire__period=period).delete()
    Response.objects.filter(questionnaire__period=period).delete()
    SamplePlan.objects.filter(questionnaire__period=period).delete()


def test_without_responses_the_counts_table_says_so(snapshot, config):
    no_responses(snapshot.period)
    data = report_data(snapshot)
    (counts,) = by_identifier(data, "survey_counts")
    table = counts.build(data, config)
    assert not table.rows and "Chưa có dữ liệu phiếu điều tra" in table.empty_message
    scores = by_identifier(data, "survey_scores")[0].build(data, config)
    first = scores.rows[0].cells
    assert first[1] == "Sở Giao thông vận tải"
    assert any("tính từ điểm SIPAS" in note for note in scores.notes)
    leader = data.blocks[0].results[0]
    sipas = next(e.node for e in data.blocks[0].tree if "SIPAS" in e.node.title)
    points = data.blocks[0].node_points[leader.agency_id][sipas.id]
    assert first[-1] == published_index(points.final_points, points.applicable_max)


def test_counts_per_group_against_the_plan_and_sipas_from_answers(snapshot, config):
    no_responses(snapshot.period)
    RespondentGroup.objects.filter(questionnaire__period=snapshot.period).delete()
    block = Block.objects.get(code="so-nganh")
    questionnaire = Questionnaire.objects.create(
        period=snapshot.period, block=block, code="bao-cao-thu", title="Phiếu sở, ngành"
    )
    council = RespondentGroup.objects.create(
        questionnaire=questionnaire, code="hdnd", name="Đại biểu HĐND tỉnh", position=1
    )
    citizens = RespondentGroup.objects.create(
        questionnaire=questionnaire, code="dan", name="Người dân, doanh nghiệp", position=2
    )
    question = Question.objects.create(
        questionnaire=questionnaire, number="1", text="Hài lòng?", is_sipas=True
    )
    satisfied = AnswerOption.objects.create(
        question=question, key="5", label="Hài lòng", coefficient=1, satisfied=True
    )
    unhappy = AnswerOption.objects.create(question=question, key="1", label="Không hài lòng", coefficient=0)
    gtvt = Agency.objects.get(code="so-gtvt")
    SamplePlan.objects.create(questionnaire=questionnaire, agency=gtvt, group=council, planned=4)
    SamplePlan.objects.create(questionnaire=questionnaire, agency=gtvt, group=citizens, planned=10)
    for serial, group, option in [
        ("1", council, satisfied), ("2", council, satisfied), ("3", citizens, satisfied),
        ("4", citizens, satisfied), ("5", citizens, satisfied), ("6", citizens, unhappy),
    ]:  # fmt: skip
        response = Response.objects.create(
            questionnaire=questionnaire,
            serial=serial,
            group=group,
            agency=gtvt,
            source=ResponseSource.ENTERED,
        )
        Answer.objects.create(response=response, question=question, option=option)
    data = report_data(snapshot)
    table = by_identifier(data, "survey_counts")[0].build(data, config)
    rows = [row.cells for row in table.rows if row.style == ""]
    assert rows == [
        [1, "Đại biểu HĐND tỉnh", 2, 4, Decimal(50)],
        [2, "Người dân, doanh nghiệp", 4, 10, Decimal(40)],
    ]
    total = next(row for row in table.rows if row.style == "total")
    assert total.cells[2] == 6 == sum(row[2] for row in rows)
    scores = by_identifier(data, "survey_scores")[0].build(data, config)
    gtvt_row = next(row.cells for row in scores.rows if row.cells[1] == "Sở Giao thông vận tải")
    assert gtvt_row[-1] == Decimal("83.33")  # 5 of 6 valid answers satisfied, rounded half up


def test_survey_points_and_sipas_are_the_published_figures(snapshot, config):
    """The survey table prints the points the detail tables, the pages and the files publish (the exact
    value rounded once, half up, to 2 decimals), not the exact value: its XLSX cells held 16.3392005300929
    where the agency's table A1 has 16,34, and a sum or a lookup in the workbook read figures nobody published.
    The SIPAS share is rounded the same way (docs/formats.md, "satisfaction %")."""
    from scoring.engine import publish_round

    data = report_data(snapshot)
    for block in data.blocks:
        leaves = [e.node for e in block.tree if e.is_survey and not e.has_children]
        (spec,) = [s for s in by_identifier(data, "survey_scores") if s.block is block]
        table = spec.build(data, config)
        for result, row in zip(block.results, table.rows, strict=True):
            for position, leaf in enumerate(leaves):
                stored = block.node_points[result.agency_id][leaf.id]
                assert row.cells[2 + 2 * position] == publish_round(stored.final_points)
            share = row.cells[-1]
            assert share is None or share == publish_round(share)
