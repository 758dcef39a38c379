"""Locale-free formatting shared by the renderers: numbers, signs, dates, plurals.

Formatting only: every number and label comes from the analysis. Kept apart from the
renderers so the site and the charts write dates alike without importing each other.
"""

from __future__ import annotations

from urllib.parse import quote

from scalpsite.analysis.labels import day_text

DASH = "—"
MINUS = "\u2212"


def fmt_num(value, digits: int = 1) -> str:
    """A number with `digits` decimals (integers as they are); "—" for a missing value."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value).replace("-", MINUS)
    return f"{value:.{digits}f}".replace("-", MINUS)


def fmt_signed(value, digits: int = 1) -> str:
    """A change with its sign (+, −); "—" when missing, "0" for no change."""
    if value is None:
        return DASH
    if value == 0:
        return "0"
    return ("+" if value > 0 else "") + fmt_num(value, digits)


def fmt_date(value) -> str:
    """An ISO date as '6 Jan 2025': the analysis's one date format, so pages and labels agree."""
    return day_text(value)


def fmt_label(value) -> str:
    """A key such as 'temporal_left' as 'Temporal left'."""
    if value is None:
        return DASH
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def fmt_href(path) -> str:
    """An output-relative path quoted for use in href/src."""
    return quote(str(path), safe="/")


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 session', '3 sessions' ('many' for irregular plurals)."""
    return f"{count} {word if count == 1 else many or word + 's'}"
