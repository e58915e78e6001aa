"""Issue 14: every number a person reads or types is written the Vietnamese way (90,30) and English
pages keep the dot; messages and histories say things in words, never as stored codes."""

import unicodedata
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from parindex import history
from parindex.formatting import message_text
from scoring.engine.model import Message
from tests.worlds import self_assessment_world
from web.templatetags.parindex import node_links

pytestmark = pytest.mark.django_db


def render(text: str, **context) -> str:
    return Template("{% load parindex %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("language", "value", "places", "shown"),
    [
        ("vi", Decimal("90.3"), 2, "90,30"),
        ("en", Decimal("90.3"), 2, "90.30"),
        ("vi", "0.5", "-2", "0,5"),
        ("vi", Decimal("2.0000"), "-2", "2"),
        ("vi", "0.25", "-4", "0,25"),
        ("en", "0.25", "-4", "0.25"),
        ("vi", None, 2, "–"),
        # a negative figure that rounds to zero reads 0,00, never "-0,00"
        ("vi", Decimal("-0.004"), 2, "0,00"),
        ("vi", Decimal("-0.005"), 2, "-0,01"),
        ("vi", Decimal("-0"), 2, "0,00"),
        ("en", "-0.001", "-2", "0"),
    ],
)
def test_vi_number_is_the_one_formatter(language, value, places, shown):
    with translation.override(language):
        assert render("{{ v|vi_number:p }}", v=value, p=places) == shown


@pytest.mark.parametrize(
    ("language", "stored", "shown"),
    [
        ("vi", "87.5", "87,5"),
        ("vi", "87,5", "87,5"),
        ("en", "87.5", "87.5"),
        ("vi", None, ""),
        ("vi", "12", "12"),
    ],
)
def test_a_typed_number_is_shown_back_with_the_language_mark(language, stored, shown):
    with translation.override(language):
        assert render("{{ v|vi_input }}", v=stored) == shown


def test_a_range_message_writes_its_numbers_as_people_read_them():
    """Not "0…2.0000": the maximum is written like every other number of the page."""
    message = Message(
        "points %(points)s outside 0…%(max)s", {"points": Decimal("3"), "max": Decimal("2.0000")}
    )
    with translation.override("en"):
        assert message_text(message) == "points 3 outside 0…2"
    message = Message(
        "points %(points)s outside 0…%(max)s", {"points": Decimal("2.75"), "max": Decimal("2.5")}
    )
    with translation.override("vi"):
        assert message_text(message).endswith("2,5") and "2,75" in message_text(message)


def test_an_input_is_described_in_words():
    levels = [{"key": "dung-han", "label": "Đúng hạn", "points": "1"}]
    with translation.override("en"):
        assert history.input_text({"points": "1.5"}) == "points 1.5"
        assert history.input_text({"level": "dung-han"}, levels) == "level “Đúng hạn”"
        assert history.input_text({"value": "80", "target": "100"}) == "value 80, target 100"
    with translation.override("vi"):
        assert history.input_text({"points": "1.5"}) == f"{gettext('points')} 1,5"


def test_the_self_assessment_shows_back_87_comma_5_and_a_vietnamese_step(client, settings):
    """Typed "1,75", the field shows "1,75" again (not 1.75); the step placeholder is "0,25"."""
    world = self_assessment_world()
    item = world.item("1.1")
    client.force_login(world.users["focal"])
    url = reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk])
    client.post(url, {"version": item.version, "points": "1,75"}, HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.self_input == {"points": "1.75"}  # stored with the dot
    with translation.override("vi"):
        html = client.get(
            reverse("assessment:page", args=[world.period.code, world.agency.code])
        ).content.decode()
    assert 'value="1,75"' in html and 'value="1.75"' not in html
    assert "0,25" in html and "0.25" not in html.split('id="leaf-')[1].split("</form>")[0]


def test_item_history_says_who_which_stage_and_what_in_words(client, settings):
    world = self_assessment_world()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    item = world.item("1.2")
    client.force_login(world.users["focal"])
    url = reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk])
    client.post(url, {"version": 1, "level": "tre_han"}, HTTP_HX_REQUEST="true")
    client.post(url, {"version": 2, "level": "dung_han"}, HTTP_HX_REQUEST="true")
    history_url = reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk])
    with translation.override("en"):
        html = client.get(history_url).content.decode()
    assert "from level “Trễ hạn” to level “Đúng hạn”" in html
    assert "Self-assessment" in html
    for raw in ("self_scored", "{&#x27;", "tre_han", "→"):
        assert raw not in html


def test_item_history_shows_the_first_score_and_no_empty_entry_for_a_save_that_changed_nothing(
    client, settings
):
    """The first self-score was listed as "Self-assessment" with nothing under it (its row had no older
    row to compare with), so the history never said the level first chosen; and an autosave that
    repeated what was stored (a note's input, then its change on leaving the field) added a version and
    another empty entry."""
    world = self_assessment_world()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    item = world.item("1.2")
    client.force_login(world.users["focal"])
    url = reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk])
    client.post(url, {"version": 1, "level": "tre_han"}, HTTP_HX_REQUEST="true")
    client.post(url, {"version": 2, "level": "tre_han", "note": "KH 12"}, HTTP_HX_REQUEST="true")
    client.post(url, {"version": 3, "level": "tre_han", "note": "KH 12"}, HTTP_HX_REQUEST="true")
    assert world.item("1.2").version == 3 and world.item("1.2").history.count() == 2
    history_url = reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk])
    with translation.override("en"):
        html = client.get(history_url).content.decode()
    assert "from — to level “Trễ hạn”" in html
    assert "from — to KH 12" in html
    assert html.count("Self-assessment") == 2


@pytest.mark.parametrize(
    "text",
    [
        "Công tác chỉ đạo, điều hành cải cách hành chính",  # clipped
        "Cải cách thể chế",  # short: unchanged
        "x" * 34,  # exactly the length: unchanged
        "y" * 35,  # one over: clipped
        "Tổ chức <bộ máy> & «hành chính» nhà nước của tỉnh",  # escaped like truncatechars
        unicodedata.normalize("NFD", "Công tác chỉ đạo, điều hành cải cách hành chính"),  # combining marks
    ],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_clip_is_truncatechars_remembered(text, language):
    with translation.override(language):
        for _ in range(2):  # the second time from the cache
            clipped = Template("{% load parindex %}{{ text|clip:34 }}").render(Context({"text": text}))
            truncated = Template("{{ text|truncatechars:34 }}").render(Context({"text": text}))
            assert clipped == truncated


def test_clip_escapes_plain_text_even_after_clipping_the_same_characters_marked_safe():
    template = Template("{% load parindex %}{{ text|clip:34 }}")
    assert template.render(Context({"text": mark_safe("<b>đậm</b>")})) == "<b>đậm</b>"
    assert template.render(Context({"text": "<b>đậm</b>"})) == "&lt;b&gt;đậm&lt;/b&gt;"


def test_node_links_are_escaped_links_in_the_given_order():
    assert node_links([("1.2", 7), ("3.1", 9)]) == '<a href="#node-1.2">1.2</a>, <a href="#node-3.1">3.1</a>'
    assert node_links([('1"<b>', 1)]) == '<a href="#node-1&quot;&lt;b&gt;">1&quot;&lt;b&gt;</a>'
    assert node_links([]) == ""


def test_a_measured_data_import_reads_as_its_stage_in_the_history():
    """A measured criterion's history read «measured data: so-lieu.csv» in English on a Vietnamese page
    (the import's change reason was not among the stages)."""
    with translation.override("vi"):
        assert history.stage_text("measured data: so-lieu.csv") == (gettext("Measured data"), "so-lieu.csv")
        assert gettext("Measured data") != "Measured data"
