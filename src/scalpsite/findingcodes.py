"""Every finding code, defined once: its level, what it means, why it matters, how to fix it and an
example. `docs/findings.md`, `check --ignore` and `check: {ignore: [...]}` are made from this table."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from scalpsite.findings import Finding, Level
from scalpsite.findingtable import TABLE

__all__ = ["CODES", "Code", "ignorable", "refusal", "silenced"]


@dataclass(frozen=True)
class Code:
    """One finding code. `example` is a journal file (path, text) that gives the finding, or, for
    what no text file can show (photos, links, permissions), a sentence describing the case."""

    code: str
    level: Level
    what: str
    why: str
    fix: str
    example: tuple[str, str] | str

    @property
    def area(self) -> str:
        """Where the finding is about: the heading of docs/findings.md it is listed under."""
        return next(area for area, codes in AREAS.items() if self.code in codes)


CODES: dict[str, Code] = {row[0]: Code(*row) for area in TABLE.values() for row in area}
AREAS: dict[str, list[str]] = {area: [row[0] for row in rows] for area, rows in TABLE.items()}


def refusal(code: str) -> str | None:
    """Why a code cannot be ignored (unknown, or not a warning), or None when it can."""
    if code not in CODES:
        close = difflib.get_close_matches(code, list(CODES), n=1, cutoff=0.6)
        meant = f" (did you mean '{close[0]}'?)" if close else ""
        return f"'{code}' is not a finding code{meant}; docs/findings.md lists them"
    level = CODES[code].level
    if level is not Level.WARNING:
        return (f"'{code}' is {'an error' if level is Level.ERROR else 'a note'}, and only warnings can be "
                "ignored: " + ("fix what it names" if level is Level.ERROR else "notes do not fail a check"))
    return None


def ignorable(code: str) -> str:
    """The code itself when a journal may silence it; ValueError with the reason otherwise."""
    reason = refusal(code)
    if reason is not None:
        raise ValueError(reason)
    return code


def silenced(findings: Iterable[Finding], ignore: Iterable[str]) -> list[Finding]:
    """The findings without the warnings whose codes are ignored (errors are never dropped)."""
    codes = set(ignore)
    return [f for f in findings if not (f.level is Level.WARNING and f.code in codes)]


COMMAND = "python -m scalpsite.findingcodes > docs/findings.md"
LEVEL_WORDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
INTRO = f"""\
# Findings

Every finding `scalpsite check` (and `build`) can report, by its code. Generated from scalpsite's
code by `{COMMAND}`; do not edit by hand.

An **error** means the journal cannot be read as written: `check` exits 1 and the site and the
dossier list it. A **warning** is a gap or an oddity worth a look; `check --strict` fails on it. A
**note** is for you only.

A warning you do not want to see can be silenced for one run with `scalpsite check --ignore CODE`
(repeat it, or separate codes with commas), or for the journal in `scalpsite.yaml`:

```yaml
check: {{ignore: [framing-drift, camera-changed]}}
```

Errors cannot be ignored: fix what they name.

Each example is what, added to a file of a journal that tracks dupilumab from 2025-01-10 and has
sessions on 2025-01-06 and 2025-03-03, gives the finding (the file is new when it did not exist).
"""


def _example(code: Code) -> list[str]:
    if isinstance(code.example, str):
        return [f"- Example: {code.example}"]
    path, text = code.example
    fence = "csv" if path.endswith(".csv") else "markdown" if path.endswith(".md") else "yaml"
    return [f"- Example, added to `{path}`:", "", f"  ```{fence}", *[f"  {line}" for line in text.splitlines()],
            "  ```"]


def markdown() -> str:
    """docs/findings.md as text: a table of contents, then each code under its area."""
    lines = [INTRO]
    for area, codes in AREAS.items():
        lines += [f"## {area}", "", *[f"- [`{c}`](#{c}) ({LEVEL_WORDS[CODES[c].level]})" for c in codes], ""]
        for c in codes:
            code = CODES[c]
            lines += [f"### {c}", "", f"- Level: {LEVEL_WORDS[code.level]}" + (" (can be ignored)" if code.level is Level.WARNING else ""), f"- What: {code.what}",
                      f"- Why it matters: {code.why}", f"- Fix: {code.fix}", *_example(code), ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
