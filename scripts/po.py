#!/usr/bin/env python
"""Message catalogue helper (Norwegian bokmål catalogues, English message ids).

  scripts/po.py todo                 list untranslated or fuzzy entries; exit 1 if any
  scripts/po.py fill FILE.json       set msgstr from a {"msgid": "msgstr"} map (clears "fuzzy"
                                     on those entries only; same msgid in every catalogue)

Catalogues: locale/nb (project templates) and <app>/locale/nb (each app).
Run `make messages` first to extract new strings.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues():
    for path in sorted(ROOT.glob("**/locale/nb/LC_MESSAGES/django.po")):
        if ".venv" not in path.parts:
            yield path, polib.pofile(str(path), wrapwidth=0)


def todo() -> int:
    missing = 0
    for path, po in catalogues():
        for entry in po:
            if entry.obsolete:
                continue
            if not entry.translated() or "fuzzy" in entry.flags:
                missing += 1
                print(f"{path.relative_to(ROOT)}: {entry.msgid!r}" + (" (plural)" if entry.msgid_plural else ""))
    print(f"{missing} untranslated", file=sys.stderr)
    return 1 if missing else 0


def fill(mapping_file: str) -> int:
    mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
    for _path, po in catalogues():
        changed = False
        for entry in po:
            if entry.msgid not in mapping:
                continue  # fuzzy guesses stay fuzzy (and listed by `todo`) until translated
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                changed = True
            if not entry.translated() or entry.msgstr != mapping[entry.msgid]:
                value = mapping[entry.msgid]
                if entry.msgid_plural:
                    forms = value if isinstance(value, list) else [value, value]
                    entry.msgstr_plural = dict(enumerate(forms))
                else:
                    entry.msgstr = value
                changed = True
        if changed:
            po.save()
    return todo()


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "todo":
        sys.exit(todo())
    if len(sys.argv) == 3 and sys.argv[1] == "fill":
        sys.exit(fill(sys.argv[2]))
    print(__doc__)
    sys.exit(2)
