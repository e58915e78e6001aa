"""Full-text search of the evidence's text, scoped like every other read of evidence.

PostgreSQL: full-text search over unaccent(text) with the "simple" configuration, so "ke hoach" finds
"Kế hoạch" and "kế hoạch" finds "KE HOACH"; a quoted phrase must match in order (websearch syntax). The
vector is stored by the check job (text_vector) in a GIN-indexed column, never computed per search.
SQLite (the demo): every word must appear in the accent-free text, read in Python (a demo holds few
files; at most SQLITE_SCAN are read). The snippet is cut from the original text around
the first match, found in an accent-free copy of the same length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, TextField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import CheckStatus, EvidenceFile, EvidenceLink
from .selectors import evidence_flags_newest, evidence_visible_to, items_visible_to

RESULTS = 50
SNIPPET = 90  # characters either side of the match
MIN_QUERY = 2
SQLITE_SCAN = 5000


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so offsets match the original): đ → d."""
    out = []
    for char in text.lower():
        base = unicodedata.normalize("NFD", char)[0]
        out.append("d" if base == "đ" else base)
    return "".join(out)


class Unaccent(Func):
    function = "unaccent"
    output_field = TextField()


def text_vector() -> SearchVector:
    """What EvidenceCheck.search_vector holds (PostgreSQL): the accent-free words of the text, "simple"
    (no stemming, no stop words: Vietnamese has neither in PostgreSQL)."""
    return SearchVector(Unaccent(F("text")), config="simple")


@dataclass
class SearchHit:
    evidence: EvidenceFile
    snippet: SafeString
    links: list[EvidenceLink] = field(default_factory=list)


def _words(query: str) -> list[str]:
    return [w for w in re.findall(r"\w+", fold(query)) if w]


def _snippet(text: str, query: str) -> SafeString:
    """The text around the first match of the phrase (else of its first word), the match marked."""
    text = unicodedata.normalize("NFC", text)
    folded = fold(text)
    words = _words(query)
    phrase = re.compile(r"\W+".join(re.escape(w) for w in words)) if words else None
    match = phrase.search(folded) if phrase else None
    if match is None and words:
        match = re.search(re.escape(words[0]), folded)
    if match is None:
        return mark_safe(escape(" ".join(text[: SNIPPET * 2].split())))  # noqa: S308  escaped
    start, end = match.span()
    before = text[max(0, start - SNIPPET) : start]
    after = text[end : end + SNIPPET]
    snippet = (
        ("… " if start > SNIPPET else "")
        + escape(" ".join(before.split()) + (" " if before[-1:].isspace() else ""))
        + "<mark>"
        + escape(text[start:end])
        + "</mark>"
        + escape((" " if after[:1].isspace() else "") + " ".join(after.split()))
        + (" …" if end + SNIPPET < len(text) else "")
    )
    return mark_safe(snippet)  # noqa: S308  every piece is escaped


def evidence_search(*, user, query: str) -> list[SearchHit]:
    """The files the user may see whose text matches `query`, best first (at most RESULTS), each with
    its snippet and the criteria it supports that the user may see."""
    query = " ".join(query.split())
    if len(query) < MIN_QUERY:
        return []
    files = evidence_visible_to(user).filter(check_result__status=CheckStatus.DONE)
    if connection.vendor == "postgresql":
        search = SearchQuery(fold(query), config="simple", search_type="websearch")
        files = (
            files.filter(check_result__search_vector=search)
            .annotate(rank=SearchRank(F("check_result__search_vector"), search))
            .order_by("-rank", "-uploaded_at", "-pk")
        )
    else:
        words = _words(query)
        matching = [
            pk
            for pk, text in files.values_list("pk", "check_result__text")[:SQLITE_SCAN]
            if all(word in fold(text) for word in words)
        ]
        files = EvidenceFile.objects.filter(pk__in=matching).order_by("-uploaded_at", "-pk")
    found = list(
        files.select_related("agency", "check_result").defer("check_result__search_vector")[:RESULTS]
    )
    links: dict[int, list[EvidenceLink]] = {}
    readable = items_visible_to(user)
    for link in (
        EvidenceLink.objects.filter(evidence__in=found, item__in=readable)
        .select_related("item__node__criteria_set__period")
        .order_by("item__node__criteria_set__period__year", "item__node__position")
    ):
        links.setdefault(link.evidence_id, []).append(link)
    # The badges of the pages: duplicates and dates judged in the newest period the user sees the file in.
    evidence_flags_newest(
        user=user,
        files=[
            (evidence, [link.item.node.criteria_set.period for link in links.get(evidence.pk, [])])
            for evidence in found
        ],
    )
    return [
        SearchHit(evidence, _snippet(evidence.check_result.text, query), links.get(evidence.pk, []))
        for evidence in found
    ]
