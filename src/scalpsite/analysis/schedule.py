"""Tracking schedules (docs/clinical-definitions.md) as data, and the next-session arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scalpsite.analysis.scores import months

# preset -> rows of (from month, to month, shortest interval in days, longest interval in days)
PRESETS: dict[str, list[tuple[float, float, int, int]]] = {
    "dupilumab": [(0, 3, 28, 28), (3, 6, 28, 42), (6, 12, 42, 56), (12, float("inf"), 56, 84)],
}
PRESETS["default"] = PRESETS["dupilumab"]
GRACE_DAYS = 7  # a session within a week of its due date counts as on time


@dataclass(frozen=True)
class Due:
    """When the next session falls due after `last`."""

    last: dt.date
    earliest: dt.date
    next_due: dt.date
    overdue: bool


def interval(preset: str, days_on_treatment: int) -> tuple[int, int]:
    """(shortest, longest) days between sessions at this point of treatment."""
    m = months(max(days_on_treatment, 0))
    for lo, hi, short, long in PRESETS[preset]:
        if lo <= m < hi:
            return short, long
    return PRESETS[preset][-1][2:]


def next_due(preset: str, start: dt.date, last: dt.date, as_of: dt.date) -> Due:
    """The window for the next session and whether `as_of` is past it."""
    short, long = interval(preset, (last - start).days)
    due = last + dt.timedelta(days=long)
    return Due(last, last + dt.timedelta(days=short), due, as_of > due + dt.timedelta(days=GRACE_DAYS))


def adherence(preset: str, start: dt.date, dates: list[dt.date]) -> tuple[int, int]:
    """(gaps on time, gaps counted) between consecutive sessions from the start on."""
    on_time = total = 0
    for prev, cur in zip(dates, dates[1:]):
        _, long = interval(preset, (prev - start).days)
        total += 1
        on_time += (cur - prev).days <= long + GRACE_DAYS
    return on_time, total
