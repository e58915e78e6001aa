"""The autosave's cost (issue 17): a bounded number of queries whatever the size of the tree, an answer
equal to what the whole page computes, and a cached tree that follows every change of the criteria."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessment import selectors
from assessment.models import AssessmentItem
from assessment.services import items_ensure
from scoring.models import CriteriaNode, CriteriaSet
from scoring.tree_cache import criteria_tree, criteria_tree_clear
from surveys.models import SurveyValue
from tests.assessment.test_self_assessment import attach, post_item

pytestmark = pytest.mark.django_db

# The test's own read of the item, then the view's: session (not with the Redis session cache), user,
# the item with its period and agency (one read; an agency user's scope needs none), savepoint, the
# submission locked, the period's state lock (shared) and the state read under it (a step of the workflow
# committing meanwhile is waited for: test_period_lock.py), window with the agency's extension, the item
# locked, item update, audit row, release, inputs with their survey values. Was 17 before the session cache, the single read of the
# submission and the window read with its extension (issue 17); the state lock added two; reading period,
# agency and item at once took two away; the agency's last activity is its items' (no submission update);
# a set's survey values ride on the inputs' read.
MAX_SAVE_QUERIES = 13 if settings.SESSION_ENGINE == "parindex.sessions" else 14


@pytest.fixture(autouse=True)
def _english_and_cold_cache(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    criteria_tree_clear()
    with translation.override("en"):
        yield
    criteria_tree_clear()


def _save(client, world, agency, code, **fields):
    item = AssessmentItem.objects.get(agency=agency, node__code=code)
    url = reverse("assessment:item_save", args=[world.period.code, agency.code, item.pk])
    return client.post(url, {"version": item.version, **fields}, HTTP_HX_REQUEST="true")


def test_an_autosave_costs_the_same_queries_for_6_or_150_leaves(client, world):
    """The answer reads the agency's inputs, not the tree: a 150-leaf tree costs no more than 6 leaves."""
    from bench.compute_large_province import criteria_document
    from scoring.formats import criteria_set_from_document
    from tests.factories import AgencyFactory, BlockFactory

    focal = world.users["focal"]
    client.force_login(focal)
    assert "Saved at" in _save(client, world, world.agency, "1.1", points="1").content.decode()  # warm
    with CaptureQueriesContext(connection) as small:
        assert "Saved at" in _save(client, world, world.agency, "1.1", points="2").content.decode()

    block = BlockFactory(code="ubnd-xa", name="UBND xã")
    criteria_set_from_document(period=world.period, block=block, document=criteria_document(150))
    commune = AgencyFactory(block=block, code="xa-a")
    focal.agency = commune
    focal.save()
    items_ensure(period=world.period, agency=commune)  # as opening the self-assessment does
    for code in ("1.1", "2.3", "3.5", "7.2"):
        attach(world, code, commune)
    assert "Saved at" in _save(client, world, commune, "1.1", points="1").content.decode()  # warm
    with CaptureQueriesContext(connection) as large:
        response = _save(client, world, commune, "1.2", points="1")
    html = response.content.decode()
    assert "Saved at" in html
    assert html.count('id="points-node-') == 2  # the leaf and its area: none of the other 155 nodes
    assert len(large) == len(small) <= MAX_SAVE_QUERIES, "\n".join(q["sql"][:300] for q in large)


def test_the_answer_equals_what_the_whole_page_computes(client, world):
    """Totals, area indices, ancestors' points and completeness of the incremental answer are the
    page's own, with scored, unscored, not applicable and evidenced leaves."""
    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", points="1,5")
    post_item(client, world, "1.2", level="tre_han")
    post_item(client, world, "2.1", not_applicable="on", not_applicable_reason="Không có hồ sơ")
    attach(world, "1.1")
    SurveyValue.objects.create(agency=world.agency, node=world.item("2.3").node, value=Decimal("0.9"))
    SurveyValue.objects.create(agency=world.other, node=world.item("2.3").node, value=Decimal("0.2"))
    item = AssessmentItem.objects.select_related("node__criteria_set").get(
        agency=world.agency, node__code="1.2"
    )
    answer = selectors.self_assessment_saved(agency=world.agency, item=item)
    rows, totals = selectors.self_assessment_rows(period=world.period, agency=world.agency)
    assert answer.totals == totals
    assert (
        totals.points == Decimal("4.3") and totals.scored == 2 and totals.without_evidence == 3
    )  # 2.5 + 0.9 × 2
    by_code = {row.node.code: row for row in rows}
    assert [row.node.code for row in answer.rows] == ["1", "1.2"]
    for row in answer.rows:
        assert (row.points, row.applicable_max) == (
            by_code[row.node.code].points,
            by_code[row.node.code].applicable_max,
        )
    assert answer.unscored == ["1.3", "2.2"]
    assert answer.without_evidence == ["1.2", "1.3", "2.2"]


def test_a_survey_value_without_its_item_counts_in_the_answer_as_on_the_page(client, world):
    """A survey leaf can have the agency's value and no item (values imported before the round opens, the
    sample's past years): the answer counts it, as the page does."""
    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", points="1,5")
    survey_leaf = world.item("2.3")
    SurveyValue.objects.create(agency=world.agency, node=survey_leaf.node, value=Decimal("0.9"))
    AssessmentItem.objects.filter(pk=survey_leaf.pk).delete()
    item = AssessmentItem.objects.select_related("node__criteria_set").get(
        agency=world.agency, node__code="1.1"
    )
    answer = selectors.self_assessment_saved(agency=world.agency, item=item)
    _rows, totals = selectors.self_assessment_rows(period=world.period, agency=world.agency)
    assert answer.totals == totals and totals.points == Decimal("3.3")  # 1.5 + 0.9 × 2
    assert answer.as_of == selectors.self_assessment_as_of(period=world.period, agency=world.agency)


def test_a_changed_criterion_is_seen_by_the_next_save(client, world):
    """Changing a node bumps its set's revision, so the cached tree is read again."""
    client.force_login(world.users["focal"])
    criteria_set = CriteriaSet.objects.get(period=world.period)
    before = criteria_tree(criteria_set)
    assert criteria_tree(CriteriaSet.objects.get(pk=criteria_set.pk)) is before  # a hit: same revision
    node = CriteriaNode.objects.get(criteria_set=criteria_set, code="1.1")
    node.max_points = Decimal("3")
    node.save()
    assert CriteriaSet.objects.get(pk=criteria_set.pk).revision > criteria_set.revision
    html = post_item(client, world, "1.1", points="3").content.decode()
    assert "Saved at" in html and "/3</span>" in html  # the new maximum, not the cached 2
    stored = CriteriaSet.objects.get(pk=criteria_set.pk).revision
    criteria_set.name = "Saved from an instance read before the node changed"
    criteria_set.save()
    assert CriteriaSet.objects.get(pk=criteria_set.pk).revision == stored + 1  # never written back


def test_an_item_s_history_manager_class_is_built_once_and_reads_its_audit(client, world):
    """parindex.history_manager: the same class for every item; simple-history's queryset methods kept."""
    from simple_history.manager import HistoricalQuerySet

    client.force_login(world.users["focal"])
    post_item(client, world, "1.1", points="1")
    post_item(client, world, "1.2", points="1")
    first, second = (AssessmentItem.objects.get(agency=world.agency, node__code=c) for c in ("1.1", "1.2"))
    assert type(first.history) is type(second.history) is type(first.history)
    assert type(first.history)._queryset_class is HistoricalQuerySet
    assert [entry.self_input for entry in first.history.all()][:1] == [{"points": "1"}]
    assert first.history.filter(history_change_reason="self-assessment").count() == 1
    assert first.history.latest_of_each().get().version == first.version  # a HistoricalQuerySet method
    assert first.history.first().instance == first


def test_a_conflict_costs_no_more_than_a_save_and_names_who_saved(client, world):
    """A fifth of the rush's saves are conflicts (two focal points on one leaf): the answer names the
    last writer from one read of the item's last audit row with its user, not a read of each."""
    client.force_login(world.users["focal"])
    assert "Saved at" in _save(client, world, world.agency, "1.1", points="1").content.decode()  # warm
    with CaptureQueriesContext(connection) as saved:
        assert "Saved at" in _save(client, world, world.agency, "1.1", points="2").content.decode()
    item = AssessmentItem.objects.get(agency=world.agency, node__code="1.1")
    url = reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk])
    with CaptureQueriesContext(connection) as conflict:
        html = client.post(url, {"version": 1, "points": "0.5"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Someone else saved this criterion meanwhile" in html
    assert f"Saved by {world.users['focal']}" in html
    # the conflict writes nothing (no update, no audit row, no release of a savepoint it rolls back to)
    # and reads the last audit row with its user once
    assert len(conflict) <= len(saved) - 1, "\n".join(q["sql"][:200] for q in conflict)
