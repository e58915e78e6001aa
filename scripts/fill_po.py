"""Fills empty msgstr entries of a .po file from Python dict files (msgid → translation).

Usage: python scripts/fill_po.py locale/vi/LC_MESSAGES/django.po scripts/translations/*.py
Entries already translated are kept; a filled entry loses its fuzzy flag. A translation that is one of
the dicts' translations written twice over (left by merging two catalogs) is put back to once. Prints
what is still empty and exits 1 if anything is.
"""

import re
import runpy
import sys

ENTRY = re.compile(
    r'(?P<flags>#,[^\n]*\n)?msgid (?P<msgid>"(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)\nmsgstr ""\n(?!")'
)


PLURAL = re.compile(
    r'msgid (?P<msgid>"(?:[^"\\]|\\.)*")\nmsgid_plural (?P<plural>"(?:[^"\\]|\\.)*")\nmsgstr\[0\] ""\n'
)


# A translation line whose text is some text twice over, e.g. "X.X." (checked against the dicts below).
DOUBLED = re.compile(r'^(?P<key>msgstr(?:\[0\])?) "(?P<half>(?:[^"\\]|\\.)+)(?P=half)"$', re.MULTILINE)


def undouble(match, translated: set[str]) -> str:
    if unquote(f'"{match["half"]}"') not in translated:
        return match.group(0)
    print(f"written twice, now once: {match['half']!r}")
    return f'{match["key"]} "{match["half"]}"'


def unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")


def quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main(po_path, *dict_paths):
    translations = {}
    for path in dict_paths:
        namespace = runpy.run_path(path)
        translations.update(namespace.get("VI") or namespace["TRANSLATIONS"])
    with open(po_path, encoding="utf-8") as handle:
        text = handle.read()
    missing = []

    def fill(match):
        msgid = unquote(match["msgid"])
        if not msgid:
            return match.group(0)
        if msgid not in translations:
            missing.append(msgid)
            return match.group(0)
        flags = match["flags"] or ""
        flags = re.sub(r"\bfuzzy, |, fuzzy\b|\bfuzzy\b", "", flags)
        flags = "" if flags.strip() == "#," else flags
        return f'{flags}msgid {match["msgid"]}\nmsgstr "{quote(translations[msgid])}"\n'

    text = ENTRY.sub(fill, text)

    def fill_plural(match):
        msgid = unquote(match["msgid"])
        if msgid not in translations:
            missing.append(msgid)
            return match.group(0)
        return f'msgid {match["msgid"]}\nmsgid_plural {match["plural"]}\nmsgstr[0] "{quote(translations[msgid])}"\n'

    text = PLURAL.sub(fill_plural, text)
    text = DOUBLED.sub(lambda match: undouble(match, set(translations.values())), text)
    with open(po_path, "w", encoding="utf-8") as handle:
        handle.write(text)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
