"""Clinical scores as pure functions; each names its published source. The bands and the
meaningful changes are those of the measure registry (scalpsite/measures), read here by name; the
classes derived from a score (SALT's S-class and AA-IGA) are its entries' bands (measurevalues.py)."""

from __future__ import annotations

from collections.abc import Sequence

from scalpsite.measures.dermatitis import (  # noqa: F401 (the meaningful changes, as the tests name them)
    BSA,
    DLQI,
    DLQI_MEANINGFUL,
    EASI,
    ITCH_MEANINGFUL,
    POEM,
    POEM_MEANINGFUL,
    VIGA,
)
from scalpsite.measures.kinds import Measure

SALT_WEIGHTS = {"top": 0.40, "back": 0.24, "left": 0.18, "right": 0.18}  # Olsen 2004
EASI_WEIGHTS_ADULT = {"head_neck": 0.1, "upper_limbs": 0.2, "trunk": 0.3, "lower_limbs": 0.4}
EASI_WEIGHTS_CHILD = {"head_neck": 0.2, "upper_limbs": 0.2, "trunk": 0.3, "lower_limbs": 0.3}
EASI_SIGNS = ("erythema", "oedema", "excoriation", "lichenification")


# ---------- alopecia areata ----------

def salt_total(regions: dict[str, float]) -> float:
    """SALT = 0.40 top + 0.24 back + 0.18 left + 0.18 right (Olsen et al. 2004)."""
    return round(sum(SALT_WEIGHTS[r] * regions[r] for r in SALT_WEIGHTS), 2)


def change(baseline: float | None, current: float | None) -> float | None:
    """current − baseline, in the score's own points (for SALT: negative is better)."""
    if baseline is None or current is None:
        return None
    return round(current - baseline, 2)


def improvement_pct(baseline: float | None, current: float | None) -> float | None:
    """(baseline − current) / baseline × 100; undefined (None) when baseline is 0."""
    if baseline is None or current is None or baseline == 0:
        return None
    return round((baseline - current) / baseline * 100, 1)


def change_pct(baseline: float | None, current: float | None) -> float | None:
    """(current − baseline) / baseline × 100, for readings where up is better (density)."""
    if baseline is None or current is None or baseline == 0:
        return None
    return round((current - baseline) / baseline * 100, 1)


# ---------- atopic dermatitis ----------

def easi_area_score(pct: float) -> int:
    """EASI area score 0-6 from percent involved: 0 | 1-9 | 10-29 | 30-49 | 50-69 | 70-89 | 90-100."""
    if pct <= 0:
        return 0
    for score, below in enumerate((10, 30, 50, 70, 90), start=1):
        if pct < below:
            return score
    return 6


def easi_total(regions: dict[str, dict[str, float]], child: bool = False) -> float:
    """EASI = Σ (sum of four signs) × area score × region weight; child weights under 8 years."""
    weights = EASI_WEIGHTS_CHILD if child else EASI_WEIGHTS_ADULT
    total = 0.0
    for name, weight in weights.items():
        region = regions[name]
        signs = sum(region.get(s, 0) for s in EASI_SIGNS)
        total += signs * easi_area_score(region["area_pct"]) * weight
    return round(total, 2)


def easi_band(score: float | None) -> str | None:
    """Leshem 2015: clear, almost clear, mild, moderate, severe, very severe."""
    return _band(EASI, score)


def answers_total(answers: Sequence[int | None]) -> int | None:
    """Sum of questionnaire answers; one missing counts 0, two or more missing: no score."""
    if sum(a is None for a in answers) >= 2:
        return None
    return sum(a or 0 for a in answers)


def poem_band(score: float | None) -> str | None:
    """Charman 2013: 0-2 clear/almost clear, 3-7 mild, 8-16 moderate, 17-24 severe, 25-28 very severe."""
    return _band(POEM, score)


def dlqi_band(score: float | None) -> str | None:
    """DLQI: 0-1 no effect, 2-5 small, 6-10 moderate, 11-20 very large, 21-30 extremely large."""
    return _band(DLQI, score)


def bsa_band(pct: float | None) -> str | None:
    """Body surface area (Chopra 2017): 0 clear, 0.1-15.9 mild, 16.0-39.9 moderate, 40.0-100 severe."""
    return _band(BSA, pct)


def viga_label(grade: int | None) -> str | None:
    """The vIGA-AD grade in words; None when not recorded."""
    return _band(VIGA, grade)


def _band(measure: Measure, value: float | None) -> str | None:
    """The label of the measure's band that holds `value` (its entry of the registry)."""
    return measure.bands.of(value) if measure.bands else None


def reduced_by(baseline: float | None, current: float | None, points: float) -> bool | None:
    """Whether current is at least `points` below baseline; None when either is missing."""
    if baseline is None or current is None:
        return None
    return baseline - current >= points


# ---------- treatment time ----------

DAYS_PER_MONTH = 365.25 / 12

PHASES = [  # (months from start, upper bound exclusive, key, label) from the driving protocol
    (3, "observation", "Observation"),
    (6, "response_window", "Response window"),
    (12, "continued_assessment", "Continued assessment"),
    (float("inf"), "maintenance", "Maintenance"),
]
PHASE_LABELS = {key: label for _, key, label in PHASES}
PHASE_SHORT = {"observation": "Observ.", "response_window": "Response", "continued_assessment": "Assessment",
               "maintenance": "Maint."}  # where a chart has no room for the label


def months(days: int) -> float:
    """Days expressed as average calendar months."""
    return days / DAYS_PER_MONTH


def phase(days_on_treatment: int | None) -> str | None:
    """Expected-response phase for a day on treatment; before the start counts as observation."""
    if days_on_treatment is None:
        return None
    m = months(max(days_on_treatment, 0))
    return next(key for upper, key, _ in PHASES if m < upper)
