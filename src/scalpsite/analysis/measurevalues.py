"""Each session's measures as data.json holds them, made from the measure registry: the value
(computed from its parts or answers when those were given), its band, the classes derived from
it, and its change against the baseline. Pure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scalpsite.analysis import scores
from scalpsite.journal.measurefields import raw
from scalpsite.journal.models import Session
from scalpsite.measures.kinds import Measure
from scalpsite.measures.registry import MEASURES, recorded


def _regions(parts: Any, child: bool) -> float | None:
    regions = parts.model_dump()
    return None if any(v is None for v in regions.values()) else scores.salt_total(regions)


def _easi(parts: Any, child: bool) -> float | None:
    return scores.easi_total(parts.model_dump(), child=child)


# How a total is computed from the parts session.yaml gave, by the journal model of the parts.
PART_TOTALS: dict[str, Callable[[Any, bool], float | None]] = {"SaltRegions": _regions, "EasiParts": _easi}


def value(m: Measure, given: Any, child: bool = False) -> Any:
    """The measure's value from what session.yaml gave: as given (to its entry's decimals), or its total
    (None: not recorded, or parts not all filled in)."""
    if given is None or isinstance(given, bool):
        return given
    if isinstance(given, int | float):
        return given if m.decimals is None else round(float(given), m.decimals)
    if isinstance(given, list):
        return scores.answers_total(given)
    if m.parts is None:
        raise ValueError(f"{m.key}: parts given without a parts model")
    return PART_TOTALS[m.parts](given, child)


def parts_given(s: Session, m: Measure) -> dict[str, Any] | None:
    """The parts session.yaml gave for the measure (SALT's regions), when all are filled in; None when it
    gave the value itself, nothing, or a template not yet filled in."""
    given = raw(s, m)
    if given is None or isinstance(given, bool | int | float | list):
        return None
    parts = given.model_dump()
    return None if any(v is None for v in parts.values()) else parts


def derived(m: Measure, source: float | None) -> dict[str, Any]:
    """A class of another measure's value (S-class, AA-IGA): its grade and label, or its label."""
    if m.bands is None:
        return {}
    band = m.bands.band(source)
    if band is not None and band.grade is not None:
        return {m.key: band.grade} | ({m.bands.field: band.label} if m.bands.field else {})
    label = None if band is None else band.label
    return {m.key: label} | ({m.bands.field: label} if m.bands.field else {})


def session_values(s: Session, child: bool) -> dict[str, Any]:
    """Every measure of one session, with the band of each and the classes derived from them."""
    out: dict[str, Any] = {}
    for m in recorded():
        out[m.key] = value(m, raw(s, m), child)
        if m.bands is not None and m.bands.field is not None:
            out[m.bands.field] = m.bands.of(out[m.key])
    for m in recorded():
        out |= derived_of(m.key, out[m.key])
    return out


def derived_of(key: str, source: float | None) -> dict[str, Any]:
    """The classes derived from one measure's value (SALT's S-class and AA-IGA)."""
    out: dict[str, Any] = {}
    for m in MEASURES:
        if m.derived_from == key:
            out |= derived(m, source)
    return out


CHANGES: dict[str, Callable[[Any, Any], Any]] = {"change": scores.change, "improvement_pct": scores.improvement_pct}


def changes(s: dict, base: dict) -> dict[str, Any]:
    """Each measure's change against the baseline session, in the forms its entry names."""
    return {f"{m.key}_{kind}": CHANGES[kind](base.get(m.key), s[m.key]) for m in MEASURES for kind in m.changes}


def no_values() -> dict[str, Any]:
    """A baseline that records nothing."""
    return {m.key: None for m in recorded()}
