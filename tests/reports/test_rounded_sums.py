"""Points are rounded once each, so printed parts need not add up to a printed total; where they do not,
the detail table says so (docs/formats.md, "Rounding once")."""

from decimal import Decimal

import pytest

from reports.selectors import report_data, report_settings_get
from reports.tables import table_specs
from scoring.models import CriteriaNode
from scoring.services import period_compute
from surveys.models import SurveyValue, SurveyValueSource
from tests.scoring.test_compute import province

pytestmark = pytest.mark.django_db

NOTE = "cộng các dòng có thể chênh"


def detail_tables(snapshot):
    data = report_data(snapshot)
    config = report_settings_get()
    return {
        spec.label: spec.build(data, config)
        for spec in table_specs(data)
        if spec.exporter.identifier == "detail"
    }


def test_parts_that_do_not_add_up_are_explained():
    period, (odd, even) = province(2)
    leaves = {n.code: n for n in CriteriaNode.objects.filter(criteria_set__period=period, rule="survey")}
    # 18,5 × 0,0003 = 0,00555 → 0,01 and 10 × 0,0005 = 0,005 → 0,01, but together 0,01055 → 0,01.
    for code, value in (("8.1", "0.0003"), ("8.2", "0.0005")):
        SurveyValue.objects.create(
            agency=odd, node=leaves[code], value=Decimal(value), source=SurveyValueSource.IMPORTED
        )
    for code in ("8.1", "8.2"):
        SurveyValue.objects.create(agency=even, node=leaves[code], value=1, source=SurveyValueSource.IMPORTED)
    tables = detail_tables(period_compute(period=period))
    table = tables[odd.name]
    final = {row.cells[0]: row.cells[5] for row in table.rows if len(row.cells) == 8 and row.cells[0]}
    assert (final["8.1"], final["8.2"], final["8"]) == (Decimal("0.01"), Decimal("0.01"), Decimal("0.01"))
    assert any(NOTE in note for note in table.notes)
    assert not any(NOTE in note for note in tables[even.name].notes)
