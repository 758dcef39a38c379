"""Which treatment the journal tracks and which session is its baseline: facts of the journal
that check, photocheck and the analysis all need, decided once here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from scalpsite.journal.models import Config, Treatment


def primary_treatment(config: Config) -> Treatment | None:
    """The treatment the journal tracks: the current one started last, else the last started."""
    if not config.treatments:
        return None
    current = [t for t in config.treatments if t.end is None]
    return max(current or config.treatments, key=lambda t: t.start)


def baseline_index(dates: Sequence[dt.date], start: dt.date | None) -> int:
    """Index of the last session dated on or before the treatment start, else of the first."""
    before = [i for i, d in enumerate(dates) if start is not None and d <= start]
    return before[-1] if before else 0
