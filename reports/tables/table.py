"""A report table as plain data (columns, rows, signature), and how a cell is shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from parindex.formatting import format_vi

# Cell kinds: how a value is shown (HTML) and formatted (XLSX number formats in writers/xlsx.py).
TEXT, CODE, POINTS, INDEX, INT, CHANGE, RANK = "text", "code", "points", "index", "int", "change", "rank"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: float = 10  # in characters (XLSX); the HTML uses the shares of the total
    group: str = ""  # columns sharing a group get a spanning first header row


@dataclass
class Row:
    cells: list
    style: str = ""  # "" | "area" | "group" | "total" | "section" | "fact" | "muted"
    depth: int = 0  # indentation of the text column
    kinds: list | None = None  # per-cell kinds overriding the columns' (fact rows)


@dataclass(frozen=True)
class Signature:
    left_caption: str
    date_line: str
    right_caption: str
    right_title: str
    right_name: str


@dataclass
class Table:
    key: str  # "A1", "B12", "TH3": the number printed ("Biểu số A1") and the sheet name
    file_stem: str  # "2022_A01_so-giao-thong-van-tai"
    issuer: list[str]
    titles: list[str]
    subtitles: list[str]
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signature: Signature | None = None
    empty_message: str = ""
    text_column: int = 1  # the column indented by depth

    @property
    def caption(self) -> str:
        return f"Biểu số {self.key}"

    @property
    def sheet_name(self) -> str:
        return self.key[:31]

    @property
    def grouped_header(self) -> bool:
        return any(column.group for column in self.columns)

    def header_rows(self) -> list[list[dict]]:
        """One or two header rows as cells with colspan/rowspan (groups span, ungrouped columns stand)."""
        if not self.grouped_header:
            return [
                [
                    {"label": c.label, "colspan": 1, "rowspan": 1, "index": i}
                    for i, c in enumerate(self.columns)
                ]
            ]
        top, bottom = [], []
        i = 0
        while i < len(self.columns):
            column = self.columns[i]
            if not column.group:
                top.append({"label": column.label, "colspan": 1, "rowspan": 2, "index": i})
                i += 1
                continue
            span = 1
            while i + span < len(self.columns) and self.columns[i + span].group == column.group:
                span += 1
            top.append({"label": column.group, "colspan": span, "rowspan": 1, "index": i})
            bottom.extend(
                {"label": c.label, "colspan": 1, "rowspan": 1, "index": i + k}
                for k, c in enumerate(self.columns[i : i + span])
            )
            i += span
        return [top, bottom]

    def widths_percent(self) -> list[str]:
        total = sum(c.width for c in self.columns)
        return [f"{c.width * 100 / total:.2f}" for c in self.columns]

    def display_rows(self) -> list[dict]:
        """Rows as the HTML prints them: text already formatted (90,30), spans for section and fact rows."""
        out = []
        count = len(self.columns)
        for row in self.rows:
            if row.style == "section":
                out.append(
                    {"style": "section", "cells": [{"text": row.cells[0], "colspan": count, "css": ""}]}
                )
                continue
            if row.style == "fact":
                label, value = row.cells
                kind = row.kinds[1] if row.kinds else TEXT
                out.append(
                    {
                        "style": "fact",
                        "cells": [
                            {"text": label, "colspan": 2, "css": "fact-label"},
                            {"text": format_cell(value, kind), "colspan": count - 2, "css": "fact-value"},
                        ],
                    }
                )
                continue
            cells = []
            for i, (value, column) in enumerate(zip(row.cells, self.columns, strict=True)):
                kind = row.kinds[i] if row.kinds else column.kind
                css = "num" if kind in (POINTS, INDEX, INT, CHANGE) else kind
                if i == self.text_column and row.depth:
                    css += f" depth-{min(row.depth, 4)}"
                cells.append({"text": format_cell(value, kind), "colspan": 1, "css": css})
            out.append({"style": row.style, "cells": cells})
        return out


def format_cell(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind in (POINTS, INDEX):
        return format_vi(value, 2)
    if kind == CHANGE:
        return f"+{value}" if value > 0 else ("−" + str(-value) if value < 0 else "0")
    if kind == INT:
        return format_vi(value, 0, thousands=True)
    return str(value)
