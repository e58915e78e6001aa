"""The results export (JSON and CSV) and the open-data files of a published snapshot, documented in
docs/formats.md and on the public data dictionary page."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from parindex.safe_files import csv_texts, xlsx_keep_text

from .engine import publish_round
from .models import AgencyResult, ResultSnapshot

CSV_COLUMNS = [
    "period",
    "block",
    "agency_code",
    "agency_name",
    "ranked",
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
    "unscored",
    "predecessors",
]
# Written as they are in CSV; every other field is text and escaped (parindex.safe_files.csv_text).
CSV_NUMBERS = {
    "ranked",
    "rank",
    "rank_change",
    "points",
    "max_points",
    "index",
    "self_index",
    "snapshot_version",
}


def results_rows(snapshot: ResultSnapshot, block_code: str | None = None) -> list[dict]:
    """One plain dict per agency, block by block in rank order (1 query). Names, codes and predecessors are
    the snapshot's own (AgencyResult's reference data), so every read of a snapshot gives the same rows.

    An agency merged from two or more has no rank change; `predecessors` lists its former agencies with
    their rank and index in the results compared with (empty for every other agency)."""
    results = AgencyResult.objects.filter(snapshot=snapshot)
    if block_code:
        results = results.filter(block_code=block_code)
    return [
        {
            "period": snapshot.period.code,
            "snapshot_version": snapshot.version,
            "block": row.block_code,
            "block_name": row.block_name,
            "agency_code": row.agency_code,
            "agency_name": row.agency_name,
            "points": published_points(row.points),
            "max_points": published_points(row.max_points),
            "index": str(row.index),
            "self_index": None if row.self_index is None else str(row.self_index),
            "ranked": row.ranked,
            "rank": row.rank,
            "rank_change": row.rank_change,
            "band": row.band_code,
            "band_label": row.band_label,
            "head_class": row.head_class,
            "areas": row.area_indices,
            "review_flags": row.review_flags,
            "unscored": row.unscored,
            "predecessors": [
                {key: p[key] for key in ("agency_code", "agency_name", "rank", "index")}
                for p in row.predecessors
            ],
        }
        for row in results
    ]


def predecessors_text(predecessors: list[dict]) -> str:
    """The CSV/XLSX cell: former agency code = its previous rank (empty when it was not ranked), by ';'."""
    return ";".join(f"{p['agency_code']}={'' if p['rank'] is None else p['rank']}" for p in predecessors)


def published_points(value: Decimal | None) -> str | None:
    """Points as published: the exact stored value rounded once, half up, to 2 decimals (like the index)."""
    return None if value is None else str(publish_round(value))


def results_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def results_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            csv_texts(
                {
                    **row,
                    "ranked": int(row["ranked"]),
                    "review_flags": ";".join(row["review_flags"]),
                    "unscored": ";".join(row["unscored"]),
                    "areas": ";".join(f"{code}={value}" for code, value in row["areas"].items()),
                    "predecessors": predecessors_text(row["predecessors"]),
                },
                CSV_NUMBERS,
            )
        )
    return out.getvalue()


# Open data: the files of a published snapshot (results, every node's scores, and both in XLSX/JSON).
# They are written once at publication and stored with their SHA-256 (scoring.services.snapshot_publish).

OPEN_DATA_FORMAT = "parindex-results/1"
DETAIL_COLUMNS = [
    "period",
    "snapshot_version",
    "block",
    "agency_code",
    "agency_name",
    "node_code",
    "parent_code",
    "node_title",
    "is_area",
    "is_bonus",
    "max_points",
    "applicable",
    "applicable_max",
    "self_points",
    "appraised_points",
    "final_points",
]
DETAIL_NUMBERS = {
    "snapshot_version", "is_area", "is_bonus", "max_points", "applicable", "applicable_max", "self_points",
    "appraised_points", "final_points",
}  # fmt: skip
XLSX_RESULT_COLUMNS = [
    "period",
    "snapshot_version",
    "block",
    "block_name",
    "agency_code",
    "agency_name",
    "ranked",
    "rank",
    "rank_change",
    "points",
    "max_points",
    "index",
    "self_index",
    "band",
    "band_label",
    "head_class",
    "review_flags",
    "unscored",
    "predecessors",
]


def plain_points(value: Decimal | None) -> str | None:
    """A configured maximum as text with at least 2 and at most 4 decimals: 14.50, 0.25, 0.125."""
    if value is None:
        return None
    text = format(value.quantize(Decimal("0.0001")), "f")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def detail_rows(snapshot: ResultSnapshot) -> list[dict]:
    """One dict per agency × node: agencies as in results_rows, nodes in tree order (3 queries)."""
    from .models import CriteriaNode, NodeResult
    from .nodes import ordered_nodes

    nodes_by_block: dict[int, list] = {}
    for node in CriteriaNode.objects.filter(criteria_set__period=snapshot.period_id).select_related(
        "criteria_set"
    ):
        nodes_by_block.setdefault(node.criteria_set.block_id, []).append(node)
    ordered = {block_id: ordered_nodes(nodes) for block_id, nodes in nodes_by_block.items()}
    parents = {node.id: node for nodes in ordered.values() for node in nodes}
    scores: dict[tuple[int, int], tuple] = {
        (agency_id, node_id): rest
        for agency_id, node_id, *rest in NodeResult.objects.filter(snapshot=snapshot).values_list(
            "agency_id",
            "node_id",
            "applicable",
            "applicable_max",
            "self_points",
            "appraised_points",
            "final_points",
        )
    }
    rows = []
    for result in AgencyResult.objects.filter(snapshot=snapshot):
        for node in ordered.get(result.block_id, []):
            score = scores.get((result.agency_id, node.id))
            if score is None:
                continue
            applicable, applicable_max, self_points, appraised_points, final_points = score
            rows.append(
                {
                    "period": snapshot.period.code,
                    "snapshot_version": snapshot.version,
                    "block": result.block_code,
                    "agency_code": result.agency_code,
                    "agency_name": result.agency_name,
                    "node_code": node.code,
                    "parent_code": parents[node.parent_id].code if node.parent_id else None,
                    "node_title": node.title,
                    "is_area": node.is_area,
                    "is_bonus": node.is_bonus,
                    "max_points": plain_points(node.max_points),
                    "applicable": applicable,
                    "applicable_max": plain_points(applicable_max),
                    "self_points": published_points(self_points),
                    "appraised_points": published_points(appraised_points),
                    "final_points": published_points(final_points),
                }
            )
    return rows


def details_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=DETAIL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            csv_texts(
                {
                    **row,
                    "parent_code": row["parent_code"] or "",
                    "is_area": int(row["is_area"]),
                    "is_bonus": int(row["is_bonus"]),
                    "applicable": int(row["applicable"]),
                    "self_points": row["self_points"] or "",
                    "appraised_points": row["appraised_points"] or "",
                },
                DETAIL_NUMBERS,
            )
        )
    return out.getvalue()


def open_data_metadata(snapshot: ResultSnapshot, *, published_at, correction_reason: str) -> dict:
    return {
        "format": OPEN_DATA_FORMAT,
        "period": snapshot.period.code,
        "period_name": snapshot.period.name,
        "snapshot_version": snapshot.version,
        "computed_at": snapshot.created_at.isoformat(),
        "published_at": published_at.isoformat(),
        "correction_reason": correction_reason,
        "fingerprint": snapshot.fingerprint,
    }


def open_data_json(metadata: dict, results: list[dict], details: list[dict]) -> str:
    return (
        json.dumps({**metadata, "results": results, "details": details}, ensure_ascii=False, indent=1) + "\n"
    )


def _xlsx_number(text: str | None):
    """Exact decimals in the workbook: openpyxl writes a Decimal as its digits."""
    return None if text in (None, "") else Decimal(text)


def open_data_xlsx(metadata: dict, results: list[dict], details: list[dict]) -> bytes:
    """Three sheets: results (area indices as columns area_<code>), details, and the metadata."""
    from datetime import datetime
    from zipfile import ZipFile, ZipInfo

    from openpyxl import Workbook

    area_codes: list[str] = []
    for row in results:
        area_codes.extend(code for code in row["areas"] if code not in area_codes)
    book = Workbook()
    sheet = book.active
    sheet.title = "results"
    sheet.append([*XLSX_RESULT_COLUMNS, *(f"area_{code}" for code in area_codes)])
    numeric = {"points", "max_points", "index", "self_index"}
    for row in results:
        values = [
            _xlsx_number(row[key])
            if key in numeric
            else ";".join(row[key])
            if key in ("review_flags", "unscored")
            else predecessors_text(row[key])
            if key == "predecessors"
            else row[key]
            for key in XLSX_RESULT_COLUMNS
        ]
        sheet.append([*values, *(_xlsx_number(row["areas"].get(code)) for code in area_codes)])
    detail_sheet = book.create_sheet("details")
    detail_sheet.append(DETAIL_COLUMNS)
    numeric = {"max_points", "applicable_max", "self_points", "appraised_points", "final_points"}
    for row in details:
        detail_sheet.append(
            [_xlsx_number(row[key]) if key in numeric else row[key] for key in DETAIL_COLUMNS]
        )
    info = book.create_sheet("metadata")
    for key, value in metadata.items():
        info.append([key, value])
    for each in (sheet, detail_sheet, info):
        each.freeze_panes = "A2" if each is not info else None
    published = datetime.fromisoformat(metadata["published_at"]).replace(tzinfo=None, microsecond=0)
    book.properties.creator = "ParIndex"
    book.properties.created = published
    xlsx_keep_text(book)
    out = io.BytesIO()
    book.save(out)
    # The same workbook gives the same bytes: fix the modification time and the zip entries' dates.
    source = ZipFile(io.BytesIO(out.getvalue()))
    stable = io.BytesIO()
    with ZipFile(stable, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = _stable_core(data, published)
            info_entry = ZipInfo(entry.filename, date_time=published.timetuple()[:6])
            info_entry.compress_type = entry.compress_type
            target.writestr(info_entry, data)
    return stable.getvalue()


def _stable_core(core: bytes, published) -> bytes:
    import re

    stamp = published.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", core
    )


@dataclass(frozen=True)
class OpenDataFile:
    format: str
    file_name: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def open_data_files(
    snapshot: ResultSnapshot, *, published_at, correction_reason: str = ""
) -> list[OpenDataFile]:
    """The four files of a published snapshot, named by period and version."""
    from .models import DownloadFormat

    results = results_rows(snapshot)
    details = detail_rows(snapshot)
    metadata = open_data_metadata(snapshot, published_at=published_at, correction_reason=correction_reason)
    stem = f"chi-so-cchc-{snapshot.period.code}-v{snapshot.version}"
    return [
        OpenDataFile(DownloadFormat.RESULTS_CSV, f"{stem}-ket-qua.csv", "text/csv; charset=utf-8",
                     results_csv(results).encode()),
        OpenDataFile(DownloadFormat.DETAILS_CSV, f"{stem}-chi-tiet.csv", "text/csv; charset=utf-8",
                     details_csv(details).encode()),
        OpenDataFile(DownloadFormat.XLSX, f"{stem}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     open_data_xlsx(metadata, results, details)),
        OpenDataFile(DownloadFormat.JSON, f"{stem}.json", "application/json",
                     open_data_json(metadata, results, details).encode()),
    ]  # fmt: skip
