"""What the questionnaire formats share: the format's name and how a JSON value or a cell reads as text,
number or yes/no."""

from __future__ import annotations

from scoring.formats.workbook import YES, decimal_or_none

FORMAT = "parindex-questionnaire/1"


def cell_text(value) -> str:
    """Cell or JSON value as text; whole numbers typed into a cell (1, 1.0) read as "1"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


cell_decimal = decimal_or_none


def cell_flag(value) -> bool:
    if isinstance(value, bool):
        return value
    return cell_text(value).lower() in YES
