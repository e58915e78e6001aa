"""The badges in words, never in codes: every state of a file's checks, in Vietnamese (the site's
language) and in the admin's list of files."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from evidence.models import CheckStatus, EvidenceCheck, SignatureState

CODES = {choice.value for choice in SignatureState} | {choice.value for choice in CheckStatus}


class _Text(HTMLParser):
    """The words a reader sees: text nodes only (attributes such as data-check are not shown)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _states():
    yield "queued", {"status": CheckStatus.QUEUED, "signature": ""}, CheckStatus.QUEUED.label
    yield "failed", {"status": CheckStatus.FAILED, "signature": ""}, CheckStatus.FAILED.label
    for state in SignatureState:
        yield state.value, {"status": CheckStatus.DONE, "signature": state.value}, state.label


@pytest.mark.parametrize(("code", "fields", "label"), list(_states()), ids=[s[0] for s in _states()])
def test_each_badge_is_shown_in_vietnamese_words_not_codes(world, client, code, fields, label):
    signatures = [
        {"state": fields["signature"], "signer_name": "Nguyễn Văn An", "signer_organisation": "Sở A"}
    ]
    EvidenceCheck.objects.update_or_create(
        evidence=world.evidence,
        defaults={**fields, "signatures": signatures if fields["signature"] not in ("", "unsigned") else []},
    )
    client.force_login(world.users["home_affairs"])  # no language cookie: the site's Vietnamese
    response = client.get(
        reverse("evidence:item_files", args=[world.item.pk]), headers={"HX-Request": "true"}
    )
    assert response["Content-Language"] == "vi"
    html = response.content.decode()
    assert "{#" not in html and "#}" not in html  # no template source shown (a two-line comment was)
    assert f'data-check="{code}"' in html or (code == "queued" and 'data-check="pending"' in html)
    shown = _visible(html)
    with translation.override("vi"):
        assert str(label) in shown
    raw = {word for word in re.findall(r"[a-z_]+", shown) if word in CODES}
    assert not raw, raw


def test_the_admin_list_of_files_shows_the_signature_in_words(world, client):
    EvidenceCheck.objects.update_or_create(
        evidence=world.evidence, defaults={"status": CheckStatus.DONE, "signature": SignatureState.ALTERED}
    )
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    client.cookies["django_language"] = "en"
    page = client.get("/admin/evidence/evidencefile/").content.decode()
    assert "Changed after signing" in page
    assert (
        client.get("/admin/evidence/evidencefile/?check_result__signature__exact=unsigned").status_code == 200
    )
