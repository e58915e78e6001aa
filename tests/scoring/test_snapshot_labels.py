"""A published snapshot's tables and pages must not change without a new publication.

Agency and Block rows are reference data that the admin lets Home Affairs edit at any time (they are
not frozen with the period); every page, the API and the report tables read them live, while the
open-data files of the same publication keep the values of the day it was published."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports.selectors import report_data, report_settings_get
from reports.tables import table_specs
from scoring.exports import results_rows
from scoring.models import DownloadFormat
from tests.public.builders import approved_province, published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """The public pages are cached by publication: each test starts with an empty cache."""
    cache.clear()
    yield
    cache.clear()


def _open_data_json(snapshot) -> dict:
    download = snapshot.downloads.get(format=DownloadFormat.JSON)
    return json.loads(bytes(download.content))


def test_public_ranking_keeps_the_published_agency_name_after_a_rename(client):
    """Published: 'Cơ quan …' in the open-data JSON. A rename in the admin afterwards (allowed: reference
    data) must not rewrite the published ranking: the page still reads the name as published."""
    period, agencies = approved_province(3)
    snapshot = published(period)
    published_name = next(
        r["agency_name"] for r in _open_data_json(snapshot)["results"] if r["agency_code"] == agencies[0].code
    )
    agencies[0].name = "Sở Đổi Tên Sau Công Bố"
    agencies[0].save()
    cache.clear()  # the page cache lives one hour; any later publication of any period also renews it
    html = client.get(reverse("public:ranking", args=[period.code])).content.decode()
    assert published_name in html, "the published ranking now names the agency as renamed after publication"


def test_api_results_of_a_published_snapshot_match_its_open_data_file_after_a_rename():
    """The API's rows and the published JSON file of the same published snapshot (v1) disagree."""
    period, agencies = approved_province(3)
    snapshot = published(period)
    agencies[0].name = "Sở Đổi Tên Sau Công Bố"
    agencies[0].save()
    api_rows = {r["agency_code"]: r["agency_name"] for r in results_rows(snapshot)}
    file_rows = {r["agency_code"]: r["agency_name"] for r in _open_data_json(snapshot)["results"]}
    assert api_rows == file_rows


def test_report_table_numbers_of_a_published_snapshot_survive_a_block_reprefix():
    """Biểu số A1…An of the published snapshot become C1…Cn when the block's table prefix is edited."""
    period, _ = approved_province(3)
    snapshot = published(period)
    before = [spec.key for spec in table_specs(report_data(snapshot)) if spec.is_detail]
    block = snapshot.agency_results.first().block
    block.table_prefix = "C"
    block.save()
    after = [spec.key for spec in table_specs(report_data(snapshot)) if spec.is_detail]
    assert after == before  # before: ['A1', 'A2', 'A3']


def test_detail_table_of_a_published_snapshot_keeps_the_agency_name():
    """The A1 table's title line (agency name) and file name follow a rename after publication."""
    period, agencies = approved_province(2)
    snapshot = published(period)
    data = report_data(snapshot)
    spec = next(s for s in table_specs(data) if s.key == "A1")
    before = (spec.file_stem, spec.build(data, report_settings_get()).titles)
    for agency in agencies:
        agency.name = agency.name + " (mới)"
        agency.save()
    data = report_data(snapshot)
    spec = next(s for s in table_specs(data) if s.key == "A1")
    after = (spec.file_stem, spec.build(data, report_settings_get()).titles)
    assert after == before


def test_positions_and_block_edits_after_publication_change_no_order_or_heading():
    """The official list order (Agency.position) numbers the A-tables in list numbering and breaks ties;
    the block's name heads the tables; the head's title is printed in the heads table. Edited after
    publication, none of them changes the published snapshot's tables, export or API."""
    from reports.models import Numbering

    period, agencies = approved_province(3)
    snapshot = published(period)

    def shown():
        data = report_data(snapshot)
        specs = table_specs(data, Numbering.LIST)
        heads = next(s for s in specs if s.label.startswith("Đánh giá trách nhiệm"))
        ranking = next(s for s in specs if s.label.startswith("Xếp hạng"))
        config = report_settings_get()
        return (
            [(s.key, s.label) for s in specs if s.is_detail],
            ranking.label,
            [row.cells for row in heads.build(data, config).rows],
            results_rows(snapshot),
        )

    before = shown()
    for position, agency in enumerate(reversed(agencies)):
        agency.position = position
        agency.head_title = "Giám đốc"
        agency.code = f"doi-ma-{position}"
        agency.save()
    block = agencies[0].block
    block.name = "Khối đổi tên"
    block.position = 9
    block.save()
    assert shown() == before


def test_public_agency_page_keeps_the_published_names_and_its_address(client):
    period, agencies = approved_province(2)
    snapshot = published(period)
    stored = snapshot.agency_results.get(agency=agencies[0])
    agencies[0].name, agencies[0].code = "Sở Đổi Tên Sau Công Bố", "so-doi-ma"
    agencies[0].save()
    block = agencies[0].block
    block.name = "Khối đổi tên"
    block.save()
    html = client.get(reverse("public:agency", args=[period.code, stored.agency_code])).content.decode()
    assert stored.agency_name in html and stored.block_name in html
    assert "Sở Đổi Tên Sau Công Bố" not in html and "Khối đổi tên" not in html


def test_the_upgrade_fills_the_stored_reference_data_from_the_rows():
    """Snapshots computed before the reference data was stored get it from the rows as they are."""
    import importlib

    from django.apps import apps

    from scoring.models import AgencyResult
    from scoring.services import period_compute

    period, agencies = approved_province(2)
    snapshot = period_compute(period=period)  # not published: its rows can be blanked here
    AgencyResult.objects.filter(snapshot=snapshot).update(
        agency_code="", agency_name="", block_code="", block_name="", block_table_prefix="", agency_position=0
    )
    migration = importlib.import_module("scoring.migrations.0010_snapshot_reference_data")
    migration.fill_reference_data(apps, None)
    for result in AgencyResult.objects.filter(snapshot=snapshot).select_related("agency", "block"):
        assert (result.agency_code, result.agency_name, result.agency_position) == (
            result.agency.code,
            result.agency.name,
            result.agency.position,
        )
        assert (result.block_code, result.block_name, result.block_table_prefix) == (
            result.block.code,
            result.block.name,
            result.block.table_prefix,
        )
