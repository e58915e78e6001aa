"""export_results / the API's results are documented "block by block in rank order"
(scoring.exports.results_rows). AgencyResult's ordering is (block position, rank, …) with nothing that
separates two blocks of the same position (Block.position defaults to 0), so their rows interleave."""

from itertools import groupby

import pytest

from scoring.exports import results_rows
from scoring.services import period_compute
from tests.public.builders import ranked_province

pytestmark = pytest.mark.django_db


def test_results_rows_come_block_by_block():
    period, _ = ranked_province(3, block_code="so-nganh")
    ranked_province(
        3, block_code="ubnd-huyen"
    )  # same period (2022), a second block; both blocks at position 0
    snapshot = period_compute(period=period)
    blocks = [row["block"] for row in results_rows(snapshot)]
    runs = [block for block, _ in groupby(blocks)]
    assert len(runs) == len(set(blocks)), blocks
