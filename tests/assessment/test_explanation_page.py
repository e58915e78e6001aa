"""The agency's explanation page (giải trình) offers first what it may want to answer: the criteria the
appraiser scored below or above the self-score, commented on or marked "evidence insufficient"; the
criteria appraised as self-scored and the measured data (answered by a new import of Home Affairs) are
folded away with their forms; a criterion not appraised has no form (the service refuses it)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from assessment import appraisal
from assessment.models import AssessmentItem, ItemStatus
from scoring.models import Source
from tests.assessment import test_appraisal

pytestmark = pytest.mark.django_db
round_world = test_appraisal.round_world
step = test_appraisal.step

SOURCE_NOTE = "Số liệu đo lường: Cổng Dịch vụ công, ngày 01/12/2026."


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def explanation_world(round_world):
    """1.1 appraised 1 of a self-score 2 with a comment; 1.2 appraised as self-scored; 1.3 and 2.2 not
    appraised; 2.1 measured data (its note the data's source); the period in the explanation round."""
    world = round_world
    for code, data, comment in (
        ("1.1", {"points": "1"}, "Thiếu kế hoạch"),
        ("1.2", {"level": "dung_han"}, ""),
    ):
        item = world.item(code)
        appraisal.item_appraise(
            item=item, acting_user=world.users["appraiser"], expected_version=item.version, data=data,
            comment=comment,
        )  # fmt: skip
    measured = world.item("2.1")
    measured.node.source = Source.DATA
    measured.node.save()
    AssessmentItem.objects.filter(pk=measured.pk).update(
        status=ItemStatus.APPRAISED, appraised_input={"value": "95"}, appraisal_comment=SOURCE_NOTE
    )
    step(world, "open_explanation")
    return world


def sections(html: str) -> dict[str, str]:
    """Each section of the page by its id: attention, agreed, measured, not-appraised."""
    parts = re.split(r'<section id="explain-', html)[1:]
    return {part.split('"', 1)[0]: part.split("</section>", 1)[0] for part in parts}


def has_form(section: str, item) -> bool:
    return f'name="item" value="{item.pk}"' in section


def test_the_page_offers_first_what_the_appraisal_changed_and_no_form_where_nothing_was_appraised(
    client, explanation_world, django_assert_max_num_queries
):
    world = explanation_world
    url = reverse("appraisal:explain", args=[world.period.code])
    client.force_login(world.users["focal"])
    client.get(url)
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    found = sections(html)
    assert list(found) == ["attention", "agreed", "measured", "not-appraised"]
    items = {code: world.item(code) for code in ("1.1", "1.2", "1.3", "2.1", "2.2")}
    located = {
        code: [name for name, section in found.items() if f'id="item-{item.pk}"' in section]
        for code, item in items.items()
    }
    assert located == {
        "1.1": ["attention"], "1.2": ["agreed"], "2.1": ["measured"], "1.3": ["not-appraised"],
        "2.2": ["not-appraised"],
    }  # fmt: skip
    assert has_form(found["attention"], items["1.1"]) and "Thiếu kế hoạch" in found["attention"]
    assert has_form(found["agreed"], items["1.2"])  # the policy lets any appraised item be explained
    assert has_form(found["measured"], items["2.1"])  # answered by Home Affairs' new import
    assert not any(has_form(found["not-appraised"], items[code]) for code in ("1.3", "2.2"))
    # the folded sections are closed, and say how many they hold
    assert "<details" in found["agreed"] and "<details open" not in found["agreed"]
    assert "(1)" in found["agreed"] and "(1)" in found["measured"] and "(2)" in found["not-appraised"]
    # the data's source is not an appraiser's comment
    measured = found["measured"].split(f'id="item-{items["2.1"].pk}"', 1)[1]
    assert "bi-chat-left-text" not in measured and "bi-database" in measured and SOURCE_NOTE in measured


def test_an_explained_criterion_is_offered_first_and_a_refused_one_still_refused(client, explanation_world):
    world = explanation_world
    url = reverse("appraisal:explain", args=[world.period.code])
    client.force_login(world.users["focal"])
    item = world.item("1.2")
    client.post(url, {"item": item.pk, "version": item.version, "explanation": "Bổ sung văn bản"})
    assert world.item("1.2").status == ItemStatus.DISPUTED
    found = sections(client.get(url).content.decode())
    assert f'id="item-{item.pk}"' in found["attention"] and "Bổ sung văn bản" in found["attention"]
    not_appraised = world.item("1.3")
    html = client.post(
        url, {"item": not_appraised.pk, "version": not_appraised.version, "explanation": "x"}, follow=True
    ).content.decode()
    assert "Only an appraised item can be explained." in html
