"""Locale-free formatting shared by the renderers: numbers, signs, dates, plurals.

Formatting only: every number and label comes from the analysis. Kept apart from the
renderers so the site and the charts write dates alike without importing each other. The
dossier's typst/format.typ writes the same text for the same values: tests/test_format.py
prints one table of cases through both and compares them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from urllib.parse import quote

from scalpsite.analysis.labels import day_text

DASH = "—"
MINUS = "\u2212"
NBSP = "\u00a0"


def fmt_num(value, digits: int = 1) -> str:
    """A number with `digits` decimals (integers as they are); "—" for a missing value.

    Rounded as written, half away from zero: 12.45 is 12.5 and 0.25 is 0.3, as a reader rounds
    the number the journal holds (its shortest decimal form), not the nearest binary fraction
    (12.449999… → 12.4). A negative number keeps its sign when it rounds to zero (−0.0)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value).replace("-", MINUS)
    with localcontext() as context:
        context.prec = 400  # enough digits for any float, so quantize never refuses one
        shown = Decimal(repr(abs(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return (MINUS if value < 0 else "") + f"{shown:f}"


def fmt_signed(value, digits: int = 1) -> str:
    """A change with its sign (+, −); "—" when missing, "0" for no change."""
    if value is None:
        return DASH
    if value == 0:
        return "0"
    return ("+" if value > 0 else "") + fmt_num(value, digits)


def fmt_pct(value, digits: int = 1) -> str:
    """A percentage: the number, a no-break space and %; "—" when missing."""
    return DASH if value is None else f"{fmt_num(value, digits)}{NBSP}%"


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
