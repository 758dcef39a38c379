"""The Alopecia Areata Scale (King et al., J Am Acad Dermatol 2022;86:359-64), per session.

Scalp hair loss sets the level: 20 % or less mild, 21-49 % moderate, 50-100 % severe (the
published integer ranges, applied to non-integer SALT as (0, 20], (20, 50), [50, 100], as for
AA-IGA). A mild or moderate level moves up one level if any of the following applies; the
reasons are kept with the result:

- noticeable eyebrow or eyelash involvement: read here as a ClinRO score of 2 or 3 (significant
  gaps, or none left) for eyebrows or eyelashes;
- inadequate response after 6 months or more of treatment: read here as a relative SALT
  improvement under 30 % (no SALT30) at a session 6 months or more after the start;
- diffuse (multifocal positive pull test) or rapidly progressive loss: `rapidly_progressive: true`;
- negative impact on psychosocial functioning: `psychosocial_impact` 6 or more (of 10).

What a session did not record cannot move the level; it is named (`not_recorded`), so that a
"mild" is read as "at least mild".
"""

from __future__ import annotations

from dataclasses import dataclass

from scalpsite.analysis.scores import DAYS_PER_MONTH

LEVELS = ("mild", "moderate", "severe")
INVOLVED = 2  # ClinRO 2 (significant gaps) or 3 (none): noticeable involvement
PSYCHOSOCIAL = 6  # of 10: a significant negative impact
ADEQUATE_PCT = 30  # relative SALT improvement that counts as a response (SALT30)
TREATED_DAYS = round(6 * DAYS_PER_MONTH)  # 6 months of treatment: 183 days
REASONS = {
    "eyebrows_eyelashes": "noticeable eyebrow or eyelash involvement",
    "inadequate_response": "no SALT30 response after 6 months or more of treatment",
    "rapidly_progressive": "diffuse or rapidly progressive loss",
    "psychosocial_impact": f"psychosocial impact {PSYCHOSOCIAL} or more of 10",
}
UNKNOWN = {
    "eyebrows_eyelashes": "eyebrow and eyelash scores",
    "inadequate_response": "the SALT change from baseline",
    "rapidly_progressive": "whether the loss is diffuse or rapidly progressive",
    "psychosocial_impact": "the psychosocial impact",
}


SHORT = {  # the reasons in a table cell
    "eyebrows_eyelashes": "brows or lashes",
    "inadequate_response": "no SALT30 at 6 months",
    "rapidly_progressive": "diffuse or rapid loss",
    "psychosocial_impact": f"impact {PSYCHOSOCIAL}+ of 10",
}


@dataclass(frozen=True)
class AaScale:
    """A session's level, the reasons it moved up, and the features it did not record."""

    level: str | None
    reasons: tuple[str, ...] = ()
    not_recorded: tuple[str, ...] = ()

    def brief(self) -> str | None:
        """The result for a table cell: 'severe (up: brows or lashes)', 'mild (may be higher)'."""
        if self.level is None:
            return None
        if self.reasons:
            return f"{self.level} (up: {', '.join(SHORT[r] for r in self.reasons)})"
        return f"{self.level} (may be higher)" if self.not_recorded else self.level

    def label(self, salt: float | None) -> str | None:
        """The result in words: 'moderate (mild by scalp loss; up one level: ...)'."""
        if self.level is None or salt is None:  # the level comes from SALT: both or neither
            return None
        if self.reasons:
            base = LEVELS[LEVELS.index(self.level) - 1]
            why = "; ".join(REASONS[r] for r in self.reasons)
            return f"{self.level} ({base} by scalp loss of {_pct(salt)} %; up one level: {why})"
        text = f"{self.level} (scalp loss {_pct(salt)} %)"
        if self.not_recorded:
            text += "; may be higher: not recorded " + ", ".join(UNKNOWN[k] for k in self.not_recorded)
        return text


def _pct(salt: float) -> str:
    """SALT as the pages show it: one decimal at most (55.66 as 55.7, 20.0 as 20)."""
    return f"{round(salt, 1):g}"


def scalp_level(salt: float | None) -> str | None:
    """mild for SALT up to 20, moderate over 20 to under 50, severe from 50."""
    if salt is None:
        return None
    return "mild" if salt <= 20 else "moderate" if salt < 50 else "severe"


def features(s: dict) -> dict[str, bool | None]:
    """Each upgrade feature of a session: True, False, or None when the session cannot tell."""
    brows = [v for v in (s["eyebrows"], s["eyelashes"]) if v is not None]
    involved = True if any(v >= INVOLVED for v in brows) else (False if len(brows) == 2 else None)
    days, improvement = s["days_on_treatment"], s["salt_improvement_pct"]
    if days is None or days < TREATED_DAYS:
        inadequate: bool | None = False  # not yet 6 months: the feature does not apply
    else:
        inadequate = None if improvement is None else improvement < ADEQUATE_PCT
    impact = s["psychosocial_impact"]
    return {"eyebrows_eyelashes": involved, "inadequate_response": inadequate,
            "rapidly_progressive": s["rapidly_progressive"],
            "psychosocial_impact": None if impact is None else impact >= PSYCHOSOCIAL}


def aa_scale(s: dict) -> AaScale:
    """The AA Scale of one session (a data.json session with the fields above), with reasons."""
    level = scalp_level(s["salt"])
    if level in (None, "severe"):
        return AaScale(level)
    found = features(s)
    reasons = tuple(k for k, v in found.items() if v)
    unknown = tuple(k for k, v in found.items() if v is None)
    if reasons:
        return AaScale(LEVELS[LEVELS.index(level) + 1], reasons, ())
    return AaScale(level, (), unknown)
