"""Which treatment the journal tracks, its baseline session and its dosing: facts of the journal
that check, photocheck and the analysis all need, decided once here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from scalpsite.journal.models import Config, Dosing, Treatment

# The dosing a `schedule:` preset implies when a treatment gives none (dupilumab, adult AD label:
# 600 mg as two 300 mg injections on day 0, then 300 mg every 2 weeks).
DOSING_PRESETS = {"dupilumab": Dosing(interval_days=14, loading_doses=2)}
DOSE_MG_PRESETS = {"dupilumab": 300.0}  # the usual single injection, for `new --injection`
# The brand names of every drug that has a preset (dosing, checklist, usual dose), as on its label.
BRANDS = {"dupixent": "dupilumab"}


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


def dosing(treatment: Treatment | None) -> Dosing | None:
    """The treatment's dosing as given, else the one its schedule preset implies, else None."""
    if treatment is None:
        return None
    return treatment.dosing or DOSING_PRESETS.get(treatment.schedule or "")


def generic(drug: str) -> str:
    """A drug name as the presets know it: lower case, single spaces, a brand name as its generic name."""
    name = " ".join(drug.lower().split())
    return BRANDS.get(name, name)


def same_drug(a: str, b: str) -> bool:
    """Whether two drug names written in the journal name the same drug (case, spaces and brand aside)."""
    return generic(a) == generic(b)


def treatment_of(config: Config, drug: str, day: dt.date | None = None) -> Treatment | None:
    """The treatment of scalpsite.yaml with this drug (the one running on `day` when there are more)."""
    found = [t for t in config.treatments if same_drug(t.drug, drug)]
    running = [t for t in found if day is not None and t.start <= day and (t.end is None or day <= t.end)]
    chosen = running or sorted(found, key=lambda t: t.start, reverse=True)
    return chosen[0] if chosen else None
