"""The expected effects a treatment's sessions ask about (dupilumab's label): one list for
the session template, check and the dossier's checklist.

A drug's preset list comes first, then the effects its treatment adds in scalpsite.yaml
(`expected_effects:`). Keys are what session.yaml's `expected_effects:` mapping uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from scalpsite.journal.configmodel import Treatment
from scalpsite.journal.treatment import generic


@dataclass(frozen=True)
class Effect:
    """One effect to ask about: its key, its label, and what it covers (the template's comment)."""

    key: str
    label: str
    covers: str = ""


# The expected effects of dupilumab: its label and the 52-week adult safety pool, and new or
# worsening alopecia areata patches (paradoxical alopecia areata has been reported on dupilumab).
DUPILUMAB = (
    Effect("conjunctivitis", "Conjunctivitis / eye symptoms", "eye redness, itching, dryness"),
    Effect("blepharitis", "Blepharitis", "inflamed eyelid margins"),
    Effect("injection_site_reaction", "Injection-site reaction", "redness, swelling, itching where injected"),
    Effect("facial_erythema", "Facial erythema", "redness of the face"),
    Effect("oral_herpes", "Oral herpes / cold sores", "cold sores on the lips or mouth"),
    Effect("headache", "Headache"),
    Effect("joint_pain", "Joint pain"),
    Effect("eosinophilia", "Eosinophilia", "raised eosinophils, as a laboratory reported it"),
    Effect("new_aa_patches", "New or worsening alopecia areata patches", "a new bald patch, or one growing"),
)
PRESETS: dict[str, tuple[Effect, ...]] = {"dupilumab": DUPILUMAB}
# Names of the side-effect log that count as one of the checklist's effects.
SAME_AS = {"eye_itching": "conjunctivitis", "eye_redness": "conjunctivitis", "dry_eye": "conjunctivitis",
           "dry_eyes": "conjunctivitis", "cold_sores": "oral_herpes", "cold_sore": "oral_herpes",
           "arthralgia": "joint_pain", "facial_redness": "facial_erythema"}


def normalise(name: str) -> str:
    """A free-text effect name as a key: lower case, words joined by underscores."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def checklist(treatment: Treatment | None) -> list[Effect]:
    """The effects to ask about for a treatment: its drug's preset, then those it adds."""
    if treatment is None:
        return []
    effects = list(PRESETS.get(generic(treatment.drug), ()))
    known = {e.key for e in effects}
    for key in treatment.expected_effects:
        if key not in known:
            effects.append(Effect(key, key.replace("_", " ").capitalize()))
            known.add(key)
    return effects


def effect_key(name: str) -> str:
    """The checklist key a side-effect name counts as (its own key when it is no synonym)."""
    key = normalise(name)
    return SAME_AS.get(key, key)
