"""Which treatment the journal tracks, its baseline session and its dosing: facts of the journal
that check, photocheck and the analysis all need, decided once here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from scalpsite.journal.configmodel import Config, Dosing, Treatment

# The dosing a `schedule:` preset implies when a treatment gives none (dupilumab, adult AD label:
# 600 mg as two 300 mg injections on day 0, then 300 mg every 2 weeks).
DOSING_PRESETS = {"dupilumab": Dosing(interval_days=14, loading_doses=2)}
DOSE_MG_PRESETS = {"dupilumab": 300.0}  # the usual single injection, for `new --injection`
# The brand names of every drug that has a preset (dosing, checklist, usual dose), as on its label.
BRANDS = {"dupixent": "dupilumab"}


def trackable(config: Config) -> list[Treatment]:
    """The treatments that may be tracked: those marked `tracked: true`, else those with a dosing
    (their own or their schedule preset's), else any not marked `tracked: false`. A treatment
    without dosing (a rescue topical) so never takes over from one with it."""
    marked = [t for t in config.treatments if t.tracked is True]
    allowed = [t for t in config.treatments if t.tracked is not False]
    return marked or [t for t in allowed if dosing(t) is not None] or allowed


def primary_treatment(config: Config) -> Treatment | None:
    """The treatment the journal tracks: of the trackable ones, the current one started last, else
    the last started."""
    pool = trackable(config)
    if not pool:
        return None
    current = [t for t in pool if t.end is None]
    return max(current or pool, key=lambda t: t.start)


def previously_tracked(config: Config, primary: Treatment | None) -> Treatment | None:
    """The trackable treatment that started last before the tracked one: the one it took over from."""
    earlier = [t for t in trackable(config) if primary is not None and t is not primary and t.start < primary.start]
    return max(earlier, key=lambda t: t.start, default=None)


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


def _known_by(value: str | None, day: dt.date) -> bool:
    """Whether a date written as YYYY, YYYY-MM or YYYY-MM-DD had begun by `day`."""
    return value is None or value <= day.isoformat()[:len(value)]


def config_as_of(config: Config, day: dt.date) -> Config:
    """The configuration as it stood on `day`: a treatment started after it is left out; an end
    dated after it is left out with the outcome and the reason (the treatment reads as ongoing);
    a diagnosis made after it is left out, and an episode begun after it unsaid."""
    treatments = []
    for t in config.treatments:
        if t.start > day:
            continue
        if t.end is not None and t.end > day:
            t = t.model_copy(update={"end": None, "outcome": None, "stopped_because": None})
        treatments.append(t)
    diagnoses = [d if _known_by(d.episode_start, day) else d.model_copy(update={"episode_start": None})
                 for d in config.diagnoses if _known_by(d.diagnosed, day)]
    return config.model_copy(update={"treatments": treatments, "diagnoses": diagnoses})
