"""Display labels and units: the words pages use for keys, decided once for both outputs."""

from __future__ import annotations

import re

LAB_LABELS = {"ige": "IgE", "eosinophils": "Eosinophils", "crp": "CRP", "tsh": "TSH", "wbc": "White cells"}
POWER = re.compile(r"\^(-?\d+)")
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # a date, or the start of a date and time
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SALT_SERIES = {"entered": "SALT entered", "photo": "SALT measured from the masks"}  # the two SALT lines


def readable(key: str) -> str:
    """'temporal_left' as 'Temporal left': underscores to spaces, first letter up, the rest as typed."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def unit_text(unit: str | None) -> str | None:
    """A unit as typed, with powers written as superscripts: '10^9/L' as '10⁹/L'."""
    if unit is None:
        return None
    return POWER.sub(lambda m: m.group(1).translate(SUPERSCRIPT), str(unit))


def lab_label(name: str) -> str:
    """The display name of a lab: the usual abbreviation when known, else the key made readable."""
    return LAB_LABELS.get(name.lower(), readable(name))


def week_label(days: int | None, week: int | None) -> str:
    """'week 7', or 'before start' for a session before the treatment start; '—' without a start."""
    if days is None or week is None:
        return "—"
    return "before start" if days < 0 else f"week {week}"


def number_text(value: float | int) -> str:
    """A number as the patient typed it, as far as YAML kept it: 420 not 420.0, 0.46 not 0.5."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def day_text(value) -> str:
    """An ISO date as '6 Jan 2025' (locale-free, so the output is reproducible); '—' when missing,
    anything else as it is."""
    if not value:
        return "—"
    text = str(value)
    found = ISO_DAY.match(text)
    if found is None or not 1 <= int(found[2]) <= 12:
        return text
    year, month, day = (int(p) for p in found.groups())
    return f"{day} {MONTHS[month - 1]} {year}"
