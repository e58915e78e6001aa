"""The results export (JSON and CSV), documented in docs/formats.md."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from .models import AgencyResult, ResultSnapshot

CENT = Decimal("0.01")
CSV_COLUMNS = [
    "period",
    "block",
    "agency_code",
    "agency_name",
    "rank",
    "rank_change",
    "points",
    "max_points",
    "index",
    "band",
    "band_label",
    "head_class",
    "review_flags",
    "areas",
]


def results_rows(snapshot: ResultSnapshot, block_code: str | None = None) -> list[dict]:
    """One plain dict per agency, block by block in rank order (one query)."""
    results = AgencyResult.objects.filter(snapshot=snapshot).select_related("agency", "block")
    if block_code:
        results = results.filter(block__code=block_code)
    return [
        {
            "period": snapshot.period.code,
            "snapshot_version": snapshot.version,
            "block": row.block.code,
            "block_name": row.block.name,
            "agency_code": row.agency.code,
            "agency_name": row.agency.name,
            "points": str(row.points.quantize(CENT)),
            "max_points": str(row.max_points.quantize(CENT)),
            "index": str(row.index),
            "self_index": None if row.self_index is None else str(row.self_index),
            "rank": row.rank,
            "rank_change": row.rank_change,
            "band": row.band_code,
            "band_label": row.band_label,
            "head_class": row.head_class,
            "areas": row.area_indices,
            "review_flags": row.review_flags,
        }
        for row in results
    ]


def results_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def results_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "review_flags": ";".join(row["review_flags"]),
                "areas": ";".join(f"{code}={value}" for code, value in row["areas"].items()),
            }
        )
    return out.getvalue()
