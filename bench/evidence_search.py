"""Time of one evidence search over a province's files: the stored, GIN-indexed vector against the vector
computed from every file's text per query (the search before issue 15's audit).

Run (PostgreSQL only; the rows are made in a transaction and rolled back):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench .venv/bin/python -m bench.evidence_search [files]

Each file's text is ~20,000 characters (about ten pages) of Vietnamese administrative words; one file in
fifty holds the phrase searched for. The figures are the best of five runs of `evidence_search` for a
superuser (every file visible), results and snippets included.
"""

from __future__ import annotations

import os
import random
import sys
import time

WORDS = (  # noqa: SIM905  a sentence reads better than sixty quoted words
    "kế hoạch cải cách hành chính năm báo cáo kết quả thủ tục hồ sơ giải quyết đúng hạn quyết định ban "
    "hành công văn sở ủy ban nhân dân tỉnh huyện xã một cửa liên thông dịch vụ công trực tuyến kiểm soát "
    "tuyên truyền thanh tra đánh giá chỉ số công chức viên chức tổ chức bộ máy tài chính công số hóa"
).split()
PHRASE = "đường thủy nội địa"
CHARS = 20_000


def _text(rng: random.Random, with_phrase: bool) -> str:
    words, length = [], 0
    while length < CHARS:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    if with_phrase:
        words.insert(len(words) // 2, PHRASE)
    return " ".join(words)


def _best(call, runs: int = 5) -> tuple[float, int]:
    best, found = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        found = len(call())
        best = min(best, time.perf_counter() - start)
    return best, found


def main(files: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django

    django.setup()
    from django.contrib.postgres.search import SearchQuery, SearchVector
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import F

    from accounts.models import User
    from agencies.models import Agency, Block
    from evidence.models import CheckStatus, EvidenceCheck, EvidenceFile
    from evidence.search import Unaccent, evidence_search, fold, text_vector

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: the SQLite demo scans the text and has no index.")
    call_command("migrate", verbosity=0)
    rng = random.Random(15)
    with transaction.atomic():
        block = Block.objects.create(code="bench-block", name="Bench")
        agency = Agency.objects.create(code="bench-agency", name="Bench", block=block)
        user = User.objects.create_superuser("bench-search", "bench@example.org", "x")
        rows = EvidenceFile.objects.bulk_create(
            EvidenceFile(
                agency=agency,
                file=f"evidence/bench/{n}.pdf",
                original_name=f"tai-lieu-{n}.pdf",
                size=1,
                sha256=f"{n:064x}",
                content_type="application/pdf",
            )
            for n in range(files)
        )
        EvidenceCheck.objects.bulk_create(
            EvidenceCheck(evidence=row, status=CheckStatus.DONE, text=_text(rng, n % 50 == 0))
            for n, row in enumerate(rows)
        )
        EvidenceCheck.objects.filter(evidence__agency=agency).update(search_vector=text_vector())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE evidence_evidencecheck")

        def per_query():
            # The search before: the vector computed from every visible file's text at each query.
            search = SearchQuery(fold(PHRASE), config="simple", search_type="websearch")
            return list(
                EvidenceFile.objects.filter(agency=agency, check_result__status=CheckStatus.DONE)
                .annotate(found=SearchVector(Unaccent(F("check_result__text")), config="simple"))
                .filter(found=search)
                .values_list("pk", flat=True)[:50]
            )

        indexed, hits = _best(lambda: evidence_search(user=user, query=PHRASE))
        scanned, hits_before = _best(per_query)
        print(f"{files} files of ~{CHARS:,} characters, {hits} found (before: {hits_before})")
        print(f"stored GIN-indexed vector: {indexed * 1000:.0f} ms")
        print(f"vector computed per query: {scanned * 1000:.0f} ms")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
