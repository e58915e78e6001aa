"""Fills empty msgstr entries of a .po file from a Python dict file (msgid → translation).

Usage: python scripts/fill_po.py locale/vi/LC_MESSAGES/django.po translations.py [more.py …]
Only single-line msgids are handled; entries already translated are kept. Prints what is still empty.
"""

import re
import runpy
import sys


def quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main(po_path, *dict_paths):
    translations = {}
    for path in dict_paths:
        translations.update(runpy.run_path(path)["VI"])
    with open(po_path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    out, missing = [], []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = re.fullmatch(r'msgid "(.*)"', line)
        if (
            match
            and index + 1 < len(lines)
            and lines[index + 1] == 'msgstr ""'
            and (index + 2 >= len(lines) or not lines[index + 2].startswith('"'))
        ):
            msgid = match.group(1).replace('\\"', '"').replace("\\\\", "\\")
            if msgid:
                if out and out[-1].startswith("#, fuzzy"):
                    out.pop()
                if msgid in translations:
                    out += [line, f'msgstr "{quote(translations[msgid])}"']
                else:
                    out += [line, lines[index + 1]]
                    missing.append(msgid)
                index += 2
                continue
        out.append(line)
        index += 1
    with open(po_path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(out))
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:])
