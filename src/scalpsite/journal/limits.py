"""Limits on free text that keep every build fast and typesettable, decided once for check and render."""

from __future__ import annotations

import datetime as dt
import re

# Dates scalpsite accepts anywhere: far enough to hold any real record, near enough that date
# arithmetic (schedules, chart axes) can never overflow.
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2200, 12, 31)

MAX_NOTE_CHARS = 20_000  # a session note is a few hundred characters; this is a long essay
MAX_NOTE_BRACKETS = 500  # Python-Markdown's link search is quadratic in the number of '['
MAX_NOTE_DEPTH = 12  # levels of quotes and lists; typst's layout has a fixed depth limit
QUOTES = re.compile(r"^\s*((?:>\s*)+)", re.M)


def note_problem(text: str) -> str | None:
    """Why a note cannot be shown as Markdown (then it is shown as plain text), or None."""
    if len(text) > MAX_NOTE_CHARS:
        return f"the note has {len(text):,} characters; at most {MAX_NOTE_CHARS:,} are shown as Markdown"
    brackets = text.count("[")
    if brackets > MAX_NOTE_BRACKETS:
        return f"the note has {brackets:,} '[' characters; at most {MAX_NOTE_BRACKETS} are shown as Markdown"
    return None


def quote_depth(text: str) -> int:
    """The deepest nesting of '>' quotes in a Markdown text."""
    return max((m.group(1).count(">") for m in QUOTES.finditer(text)), default=0)
