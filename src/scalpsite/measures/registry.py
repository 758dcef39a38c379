"""The measure registry: every measure, in the order of data.csv's columns, the FHIR Observations,
the pages' tables and the glossary. A new measure is an entry in alopecia.py or dermatitis.py,
added here, with its worked-example tests."""

from __future__ import annotations

from scalpsite.measures.alopecia import (
    AA_IGA,
    AA_SCALE,
    EYEBROWS,
    EYELASHES,
    PGIC,
    PSYCHOSOCIAL,
    RAPID,
    SALT,
    SALT_CLASS,
    VELLUS,
)
from scalpsite.measures.dermatitis import ADCT, BSA, DLQI, EASI, ITCH, POEM, RECAP, VIGA
from scalpsite.measures.kinds import Measure

MEASURES: tuple[Measure, ...] = (
    SALT, SALT_CLASS, AA_IGA, VELLUS, ITCH, EASI, BSA, VIGA, POEM, DLQI,
    EYEBROWS, EYELASHES, PSYCHOSOCIAL, RAPID, AA_SCALE, PGIC, ADCT, RECAP,
)


def by_key() -> dict[str, Measure]:
    """Every measure by its key."""
    return {m.key: m for m in MEASURES}


def recorded() -> list[Measure]:
    """The measures session.yaml records (not those derived from another)."""
    return [m for m in MEASURES if m.derived_from is None]
