"""Criteria sets as an XLSX workbook an official can fill: one sheet for the tree, one for levels and
threshold bands, one each for bands, head-class rules and review triggers. Headers are Vietnamese."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.safe_files import sheet_rows
from scoring.engine.model import gettext_noop
from scoring.engine.rules import RULES

from .document import FORMAT, SOURCES, CriteriaFileError, M, Problem, canonical_params
from .workbook import YES, SheetReader, header_sheet, number_cell, workbook_bytes, workbook_read

INFO, TREE, OPTIONS, BANDS, HEADS, TRIGGERS = (
    "Thông tin",
    "Tiêu chí",
    "Mức và ngưỡng",
    "Nhóm",
    "Người đứng đầu",
    "Kiểm điểm",
)
TREE_COLUMNS = [
    ("code", "Mã", 10), ("parent", "Mã cha", 10), ("title", "Nội dung", 60), ("max_points", "Điểm tối đa", 12),
    ("is_area", "Lĩnh vực (x)", 12), ("is_bonus", "Điểm thưởng (x)", 14), ("source", "Nguồn", 12), ("rule", "Quy tắc chấm", 14),
    ("step", "Bước điểm", 11), ("target", "Chỉ tiêu", 11), ("penalty", "Mức trừ mỗi lần", 15),
    ("guidance", "Hướng dẫn chấm", 50), ("evidence_expected", "Tài liệu kiểm chứng", 40),
]  # fmt: skip
OPTION_COLUMNS = [
    ("code", "Mã tiêu chí", 12), ("key", "Mã mức", 14), ("label", "Tên mức", 36), ("min", "Từ", 10), ("max", "Đến", 10),
    ("min_inclusive", "Gồm cận dưới (x)", 16), ("max_inclusive", "Gồm cận trên (x)", 16), ("points", "Điểm", 10),
]  # fmt: skip
BAND_COLUMNS = [("code", "Mã nhóm", 12), ("label", "Tên nhóm", 30), ("min_index", "Chỉ số từ (%)", 14)]
HEAD_COLUMNS = [
    ("head_class", "Xếp loại", 16),
    ("min_index", "Chỉ số từ (%)", 14),
    ("min_area_index", "Mọi lĩnh vực từ (%)", 20),
]
TRIGGER_COLUMNS = [("area_code", "Mã lĩnh vực", 14), ("below", "Chỉ số dưới (%)", 16)]


def _yes(value) -> bool:
    return str(value or "").strip().lower() in YES


_number_cell = number_cell
_sheet = header_sheet


def document_to_xlsx(document: dict) -> bytes:
    workbook = Workbook()
    info = workbook.active
    info.title = INFO
    for key, label, value in (
        ("format", "Định dạng", document.get("format", FORMAT)),
        ("name", "Tên bộ tiêu chí", document.get("name", "")),
        ("tie_rule", "Quy tắc đồng hạng (shared / exact)", document.get("tie_rule", "shared")),
        ("period", "Kỳ đánh giá", document.get("period", "")),
        ("block", "Khối", document.get("block", "")),
        (
            "unranked",
            "Cơ quan không xếp hạng (mã, cách nhau bởi dấu phẩy)",
            ", ".join(document.get("unranked", [])),
        ),
    ):
        info.append([label, value, key])
    info.column_dimensions["A"].width = 36
    info.column_dimensions["B"].width = 70

    tree_rows, option_rows = [], []

    def walk(node: dict, parent: str | None):
        params = node.get("params") or {}
        tree_rows.append(
            {
                "code": node["code"], "parent": parent, "title": node["title"], "max_points": _number_cell(node["max_points"]),
                "is_area": "x" if node.get("is_area") else None, "is_bonus": "x" if node.get("is_bonus") else None,
                "source": node.get("source"), "rule": node.get("rule"), "step": _number_cell(params.get("step")),
                "target": _number_cell(params.get("target")), "penalty": _number_cell(params.get("penalty")),
                "guidance": node.get("guidance"), "evidence_expected": node.get("evidence_expected"),
            }
        )  # fmt: skip
        for level in params.get("levels") or []:
            option_rows.append(
                {
                    "code": node["code"],
                    "key": level["key"],
                    "label": level.get("label"),
                    "points": _number_cell(level["points"]),
                }
            )
        for band in params.get("bands") or []:
            option_rows.append(
                {
                    "code": node["code"], "min": _number_cell(band.get("min")), "max": _number_cell(band.get("max")),
                    "min_inclusive": None if band.get("min_inclusive", True) else "không",
                    "max_inclusive": "x" if band.get("max_inclusive") else None, "points": _number_cell(band["points"]),
                }
            )  # fmt: skip
        for child in node.get("children") or []:
            walk(child, node["code"])

    for node in document["nodes"]:
        walk(node, None)
    tree = _sheet(workbook, TREE, TREE_COLUMNS, tree_rows)
    rules = DataValidation(type="list", formula1=f'"{",".join(RULES)}"', allow_blank=True)
    sources = DataValidation(type="list", formula1=f'"{",".join(SOURCES)}"', allow_blank=True)
    tree.add_data_validation(rules)
    tree.add_data_validation(sources)
    rules.add("H2:H2000")
    sources.add("G2:G2000")
    for row in tree.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].number_format = "0.00##"
    _sheet(workbook, OPTIONS, OPTION_COLUMNS, option_rows)
    _sheet(
        workbook,
        BANDS,
        BAND_COLUMNS,
        [{**b, "min_index": _number_cell(b["min_index"])} for b in document.get("bands", [])],
    )
    _sheet(
        workbook, HEADS, HEAD_COLUMNS,
        [{**r, "min_index": _number_cell(r["min_index"]), "min_area_index": _number_cell(r["min_area_index"])} for r in document.get("head_rules", [])],
    )  # fmt: skip
    _sheet(
        workbook,
        TRIGGERS,
        TRIGGER_COLUMNS,
        [{**t, "below": _number_cell(t["below"])} for t in document.get("review_triggers", [])],
    )
    return workbook_bytes(workbook)


class _Reader(SheetReader):
    """A criteria sheet: numbers are read as Decimal accepts them (no other check here)."""

    def parse_number(self, value) -> Decimal | None:
        try:
            return Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            return None


def xlsx_to_document(data: bytes) -> tuple[dict, dict]:
    """The document in a workbook and each node's location (sheet and row); raises CriteriaFileError
    naming sheet, row and column for every cell it cannot read, or the limit a file exceeds
    (parindex.safe_files: measured before it is parsed)."""
    return workbook_read(data, _read_document, CriteriaFileError)


def _read_document(workbook, limits) -> tuple[dict, dict]:
    """Each sheet in turn; any problem refuses the workbook with all of them."""
    problems: list[Problem] = []
    document: dict = {"format": FORMAT, "tie_rule": "shared"}
    _read_info(workbook, limits, document)
    roots, nodes, locations = _read_tree(_Reader(workbook, TREE, TREE_COLUMNS, problems, limits))
    _read_options(_Reader(workbook, OPTIONS, OPTION_COLUMNS, problems, limits), nodes)
    _read_rules(workbook, limits, problems, document)
    if problems:
        raise CriteriaFileError(problems)
    for node in roots:
        _canonical_node(node)
    document["nodes"] = roots
    return document, locations


def _read_info(workbook, limits, document: dict) -> None:
    """The information sheet: format, name, tie rule, period, block and the agencies not ranked."""
    if INFO in workbook.sheetnames:
        for values in sheet_rows(workbook[INFO], limits, header_rows=0):
            if (
                len(values) >= 3
                and values[2] in ("format", "name", "tie_rule", "period", "block")
                and values[1] not in (None, "")
            ):
                document[values[2]] = str(values[1]).strip()
            elif len(values) >= 3 and values[2] == "unranked":
                text = "" if values[1] is None else str(values[1])
                document["unranked"] = [
                    code.strip() for code in text.replace(";", ",").split(",") if code.strip()
                ]


def _read_tree(tree: _Reader) -> tuple[list[dict], dict[str, dict], dict[str, object]]:
    """The tree sheet, parents on a row above their children: (roots, node by code, where each code is)."""
    problems = tree.problems
    nodes: dict[str, dict] = {}
    locations: dict[str, object] = {}
    roots: list[dict] = []
    for number, row in tree.rows():
        code, parent = tree.text(row, "code"), tree.text(row, "parent")
        node: dict = {
            "code": code,
            "title": tree.text(row, "title"),
            "max_points": tree.number(number, row, "max_points"),
        }
        for key in ("source", "rule", "guidance", "evidence_expected"):
            if tree.text(row, key):
                node[key] = tree.text(row, key)
        if _yes(row.get("is_area")):
            node["is_area"] = True
        if _yes(row.get("is_bonus")):
            node["is_bonus"] = True
        params = {key: tree.number(number, row, key, required=False) for key in ("step", "target", "penalty")}
        node["params"] = {key: value for key, value in params.items() if value is not None}
        if code:
            locations.setdefault(code, tree.where(number))
        if not parent:
            roots.append(node)
        elif parent in nodes:
            nodes[parent].setdefault("children", []).append(node)
        else:
            problems.append(
                Problem(
                    tree.where(number, "parent"),
                    M(gettext_noop("parent %(parent)s is not on a row above"), parent=parent),
                )
            )
        if code and code not in nodes:
            nodes[code] = node
    return roots, nodes, locations


def _read_options(options: _Reader, nodes: dict[str, dict]) -> None:
    """The levels and threshold bands of the tree's leaves, into their parameters."""
    problems = options.problems
    for number, row in options.rows():
        node = nodes.get(options.text(row, "code"))
        if node is None:
            problems.append(
                Problem(
                    options.where(number, "code"),
                    M(
                        gettext_noop("no criterion %(code)s in the tree sheet"),
                        code=options.text(row, "code"),
                    ),
                )
            )
            continue
        if node.get("rule") == "levels":
            level = {"key": options.text(row, "key"), "points": options.number(number, row, "points")}
            if options.text(row, "label"):
                level["label"] = options.text(row, "label")
            node["params"].setdefault("levels", []).append(level)
        elif node.get("rule") == "threshold":
            band: dict[str, str | bool | None] = {
                "min": options.number(number, row, "min", required=False),
                "max": options.number(number, row, "max", required=False),
                "points": options.number(number, row, "points"),
            }
            if str(row.get("min_inclusive") or "").strip().lower() in {"không", "khong", "no", "0", "false"}:
                band["min_inclusive"] = False
            if _yes(row.get("max_inclusive")):
                band["max_inclusive"] = True
            node["params"].setdefault("bands", []).append(band)
        else:
            problems.append(
                Problem(
                    options.where(number, "code"),
                    M(
                        gettext_noop("criterion %(code)s has rule %(rule)s, which takes no levels or bands"),
                        code=node["code"],
                        rule=node.get("rule"),
                    ),
                )
            )


def _read_rules(workbook, limits, problems: list[Problem], document: dict) -> None:
    """Bands, head-class rules and review triggers."""
    bands = _Reader(workbook, BANDS, BAND_COLUMNS, problems, limits)
    document["bands"] = [
        {
            "code": bands.text(row, "code"),
            "label": bands.text(row, "label"),
            "min_index": bands.number(number, row, "min_index"),
        }
        for number, row in bands.rows()
    ]
    heads = _Reader(workbook, HEADS, HEAD_COLUMNS, problems, limits)
    document["head_rules"] = [
        {
            "head_class": heads.text(row, "head_class"),
            "min_index": heads.number(number, row, "min_index"),
            "min_area_index": heads.number(number, row, "min_area_index"),
        }
        for number, row in heads.rows()
    ]
    triggers = _Reader(workbook, TRIGGERS, TRIGGER_COLUMNS, problems, limits)
    document["review_triggers"] = [
        {"area_code": triggers.text(row, "area_code"), "below": triggers.number(number, row, "below")}
        for number, row in triggers.rows()
    ]


def _canonical_node(node: dict) -> None:
    """A parent keeps no parameters; a leaf keeps its rule's canonical ones."""
    if node.get("children"):
        node.pop("params", None)
        for child in node["children"]:
            _canonical_node(child)
    else:
        params = canonical_params(node.get("rule"), node.get("params"))
        node.pop("params", None)
        if params:
            node["params"] = params
