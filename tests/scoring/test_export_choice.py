"""`export_results` says which snapshot it writes: the latest by default (what `compute_index` just stored,
published or not), the published one with `--snapshot published`, or a version by number."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scoring.exports import results_json, results_rows
from scoring.services import period_compute
from tests.public.builders import approved_province, published, zero_one_leaf

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected_after_publication():
    """v1 published; then a leaf changed and the period computed again: v2, not published."""
    period, agencies = approved_province(3)
    first = published(period)
    zero_one_leaf(period, agencies[0])
    second = period_compute(period=period)
    assert (first.version, second.version, second.is_published) == (1, 2, False)
    return period, first, second


def export(capsys, *args):
    call_command("export_results", "--period", "2022", *args)
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_default_is_the_latest_and_says_it_is_not_the_published_one(capsys, corrected_after_publication):
    period, first, second = corrected_after_publication
    out, err = export(capsys)
    assert out == results_json(results_rows(second))
    assert {row["snapshot_version"] for row in json.loads(out)} == {2}
    assert "v2" in err and "v1" in err and "--snapshot published" in err


def test_published_exports_what_the_public_site_shows(capsys, corrected_after_publication):
    period, first, second = corrected_after_publication
    out, err = export(capsys, "--snapshot", "published")
    assert out == results_json(results_rows(first))
    assert results_rows(first) != results_rows(second)
    out_csv, _ = export(capsys, "--snapshot", "published", "--format", "csv")
    assert out_csv.splitlines()[1].split(",")[:1] == ["2022"]


def test_a_version_by_number(capsys, corrected_after_publication):
    period, first, second = corrected_after_publication
    out, _ = export(capsys, "--snapshot", "1")
    assert out == results_json(results_rows(first))


def test_unpublished_period_latest_is_silent_about_publication_and_published_is_refused(capsys):
    period, _ = approved_province(2)
    period_compute(period=period)
    out, err = export(capsys)
    assert {row["snapshot_version"] for row in json.loads(out)} == {1}
    with pytest.raises(CommandError, match="not published"):
        export(capsys, "--snapshot", "published")


@pytest.mark.parametrize("choice", ["9", "newest", "0"])
def test_an_unknown_snapshot_is_refused(capsys, corrected_after_publication, choice):
    with pytest.raises(CommandError):
        export(capsys, "--snapshot", choice)
