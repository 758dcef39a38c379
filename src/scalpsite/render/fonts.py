"""Text the PDF cannot show: the dossier embeds one font family (DejaVu, shipped with matplotlib),
which covers Latin, Greek, Cyrillic and more but not Chinese, Japanese or Korean. Such text is
said as a warning naming the file, rather than printed as empty boxes without a word."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from scalpsite.findings import Finding, warning
from scalpsite.journal.load import Journal

FONT_FILE = "DejaVuSans.ttf"
COMMON_UP_TO = 0x058F  # Latin, Greek, Cyrillic, Armenian: DejaVu has them; only text beyond is checked


@functools.cache
def covered() -> frozenset[int]:
    """The code points the dossier's font can draw (loaded only when a text needs the check)."""
    import matplotlib
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / FONT_FILE))
    return frozenset(font.get_charmap())


RARE = re.compile(f"[^\\x00-\\u{COMMON_UP_TO:04x}\\s]")  # a character beyond them, not a space


def missing(text: str) -> list[str]:
    """The distinct characters of `text` the dossier's font lacks, in order of first use."""
    rare = RARE.findall(text)
    if not rare:
        return []
    have = covered()
    return list(dict.fromkeys(c for c in rare if ord(c) not in have))


def font_findings(texts: dict[str, str]) -> list[Finding]:
    """A warning per file (path -> its text) that holds characters the PDF cannot draw."""
    found = []
    for path, text in sorted(texts.items()):
        chars = missing(text)
        if chars:
            shown = " ".join(chars[:8]) + (" …" if len(chars) > 8 else "")
            found.append(warning("font-coverage", path, f"the PDF cannot show {len(chars)} character"
                                 f"{'s' if len(chars) != 1 else ''} here ({shown}); they print as empty "
                                 "boxes in the dossier, the site shows them", hint="the site shows the text as written"))
    return found


def journal_texts(journal: Journal) -> dict[str, str]:
    """Every text of the journal that reaches the dossier, by the file it was written in."""
    config = journal.require_config()
    texts = {"scalpsite.yaml": json.dumps(config.model_dump(mode="json", warnings=False), ensure_ascii=False)}
    for rec in journal.sessions:
        if rec.session is not None:
            texts[rec.yaml_path] = json.dumps(rec.session.model_dump(mode="json", warnings=False), ensure_ascii=False)
        if rec.notes_file:
            texts[rec.notes_path] = rec.notes
    for a in journal.appointments:
        texts[a.path] = a.body + " " + json.dumps(a.meta.model_dump(mode="json", warnings=False), ensure_ascii=False)
    return texts
