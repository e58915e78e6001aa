"""The one history formatter: every history list (an item's, a user's, a period's steps) is shown as
who, when, which stage, and each change from what to what in words, never as stored codes or dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.formatting import number_text

# The stage an entry's change reason names (django-simple-history's history_change_reason).
STAGE_LABELS = {
    "self-assessment": gettext_lazy("Self-assessment"),
    "appraisal": gettext_lazy("Appraisal"),
    "explanation": gettext_lazy("Explanation"),
    "re-appraisal": gettext_lazy("Re-appraisal"),
    "correction": gettext_lazy("Correction after approval"),
    "submitted": gettext_lazy("Submitted"),
    "signed off": gettext_lazy("Signed off"),
    "reopened": gettext_lazy("Reopened"),
    "measured data": gettext_lazy("Measured data"),  # measures.services: Home Affairs' import, by file
}
KIND_LABELS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
INPUT_LABELS = {
    "points": gettext_lazy("points"),
    "value": gettext_lazy("value"),
    "target": gettext_lazy("target"),
    "cases": gettext_lazy("cases"),
}


def input_text(data, levels=None) -> str:
    """An item's stored input in words: {"points": "1.5"} → "1,5 points"; a level by its label."""
    if not data:
        return "—"
    if not isinstance(data, dict):
        return str(data)
    parts = []
    labels = {
        lv.get("key"): lv.get("label") or lv.get("key") for lv in (levels or []) if isinstance(lv, dict)
    }
    for key, value in data.items():
        if value in (None, ""):
            continue
        if key == "level":
            parts.append(_("level “%(level)s”") % {"level": labels.get(value, value)})
        elif key in INPUT_LABELS:
            parts.append(f"{INPUT_LABELS[key]} {number_text(value)}")
        else:
            parts.append(str(value))
    return ", ".join(parts) or "—"


def stage_text(reason: str | None) -> tuple[str, str]:
    """(stage, detail) from a change reason: "correction: wrong file" → ("Correction…", "wrong file")."""
    head, _sep, detail = (reason or "").partition(":")
    label = STAGE_LABELS.get(head.strip())
    if label is None:
        return "", (reason or "").strip()
    return str(label), detail.strip()


@dataclass
class Entry:
    """One line of a history list, ready to show."""

    when: object
    who: str
    stage: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    detail: str = ""


def who_text(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.username


def value_text(value, choices: dict | None = None, levels=None) -> str:
    """One field's value in words: a choice by its label, a boolean as yes/no, an input described."""
    if value is None or value == "":
        return "—"
    if choices is not None and value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return input_text(value, levels)
    if isinstance(value, int | float | Decimal):
        return number_text(value)
    return str(value)


def entry(record, changes, *, default_kind: str | None = None) -> Entry:
    """A simple-history record as an Entry; the stage comes from its change reason, else its kind."""
    stage, detail = stage_text(getattr(record, "history_change_reason", None))
    if not stage:
        stage = str(KIND_LABELS.get(default_kind or record.history_type, ""))
    return Entry(when=record.history_date, who=who_text(record.history_user), stage=stage,
                 changes=changes, detail=detail)  # fmt: skip
