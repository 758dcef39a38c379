"""The Alopecia Areata Scale (King et al., J Am Acad Dermatol 2022;86:359-64), per session.

Scalp hair loss sets the level: 20 % or less mild, 21-49 % moderate, 50-100 % severe (the
published integer ranges, applied to non-integer SALT as (0, 20], (20, 50), [50, 100], as for
AA-IGA). A mild or moderate level moves up one level if any of the following applies; the
reasons are kept with the result:

- noticeable eyebrow or eyelash involvement: read here as a ClinRO score of 2 or 3 (significant
  gaps, or none left) for the brows or the lashes;
- inadequate response after 6 months or more of treatment: read here as a relative SALT
  improvement under 30 % (no SALT30) at a session 6 months or more after the start;
- diffuse (multifocal positive pull test) or rapidly progressive loss, as a clinician found it;
- negative impact on psychosocial functioning: the psychosocial impact 6 or more (of 10).

What a session did not record cannot move the level; it is named (`not_recorded`), so that a
"mild" is read as "at least mild".
"""

from __future__ import annotations

from dataclasses import dataclass

from scalpsite.measures.alopecia import AA_SCALE_ADEQUATE_PCT as ADEQUATE_PCT
from scalpsite.measures.alopecia import AA_SCALE_INVOLVED as INVOLVED
from scalpsite.measures.alopecia import AA_SCALE_LEVELS, EYEBROWS, EYELASHES, RAPID, SALT
from scalpsite.measures.alopecia import AA_SCALE_PSYCHOSOCIAL as PSYCHOSOCIAL
from scalpsite.measures.alopecia import AA_SCALE_TREATED_DAYS as TREATED_DAYS
from scalpsite.measures.alopecia import PSYCHOSOCIAL as IMPACT

LEVELS = tuple(b.label for b in AA_SCALE_LEVELS.bands)  # mild, moderate, severe
REASONS = {
    "eyebrows_eyelashes": "noticeable eyebrow or eyelash involvement",
    "inadequate_response": "no SALT30 response after 6 months or more of treatment",
    RAPID.key: "diffuse or rapidly progressive loss",
    IMPACT.key: f"psychosocial impact {PSYCHOSOCIAL} or more of 10",
}
UNKNOWN = {
    "eyebrows_eyelashes": "eyebrow and eyelash scores",
    "inadequate_response": "the SALT change from baseline",
    RAPID.key: "whether the loss is diffuse or rapidly progressive",
    IMPACT.key: "the psychosocial impact",
}


SHORT = {  # the reasons in a table cell
    "eyebrows_eyelashes": "brows or lashes",
    "inadequate_response": "no SALT30 at 6 months",
    RAPID.key: "diffuse or rapid loss",
    IMPACT.key: f"impact {PSYCHOSOCIAL}+ of 10",
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

    def label(self, loss: float | None) -> str | None:
        """The result in words, from the scalp loss (SALT) it was found at: 'moderate (mild by scalp loss;
        up one level: ...)'."""
        if self.level is None or loss is None:  # the level comes from SALT: both or neither
            return None
        if self.reasons:
            base = LEVELS[LEVELS.index(self.level) - 1]
            why = "; ".join(REASONS[r] for r in self.reasons)
            return f"{self.level} ({base} by scalp loss of {_pct(loss)} %; up one level: {why})"
        text = f"{self.level} (scalp loss {_pct(loss)} %)"
        if self.not_recorded:
            text += "; may be higher: not recorded " + ", ".join(UNKNOWN[k] for k in self.not_recorded)
        return text


def _pct(loss: float) -> str:
    """The scalp loss (SALT) as the pages show it: one decimal at most (55.66 as 55.7, 20.0 as 20)."""
    return f"{round(loss, 1):g}"


def scalp_level(loss: float | None) -> str | None:
    """mild for a scalp loss (SALT) up to 20, moderate over 20 to under 50, severe from 50."""
    return AA_SCALE_LEVELS.of(loss)


def features(s: dict) -> dict[str, bool | None]:
    """Each upgrade feature of a session: True, False, or None when the session cannot tell."""
    brows = [v for v in (s[EYEBROWS.key], s[EYELASHES.key]) if v is not None]
    involved = True if any(v >= INVOLVED for v in brows) else (False if len(brows) == 2 else None)
    days, improvement = s["days_on_treatment"], s[f"{SALT.key}_improvement_pct"]
    if days is None or days < TREATED_DAYS:
        inadequate: bool | None = False  # not yet 6 months: the feature does not apply
    else:
        inadequate = None if improvement is None else improvement < ADEQUATE_PCT
    impact = s[IMPACT.key]
    return {"eyebrows_eyelashes": involved, "inadequate_response": inadequate,
            RAPID.key: s[RAPID.key], IMPACT.key: None if impact is None else impact >= PSYCHOSOCIAL}


def aa_scale(s: dict) -> AaScale:
    """The AA Scale of one session (a data.json session with the fields above), with reasons."""
    level = scalp_level(s[SALT.key])
    if level in (None, "severe"):
        return AaScale(level)
    found = features(s)
    reasons = tuple(k for k, v in found.items() if v)
    unknown = tuple(k for k, v in found.items() if v is None)
    if reasons:
        return AaScale(LEVELS[LEVELS.index(level) + 1], reasons, ())
    return AaScale(level, (), unknown)


def session_fields(s: dict) -> dict:
    """A data.json session's AA Scale fields: the level, the reasons it moved up, the features not recorded,
    and the result in words and in brief."""
    scale = aa_scale(s)
    return {"aa_scale": scale.level, "aa_scale_reasons": list(scale.reasons),
            "aa_scale_not_recorded": list(scale.not_recorded), "aa_scale_label": scale.label(s[SALT.key]),
            "aa_scale_brief": scale.brief()}


def latest(sessions: list[dict]) -> dict | None:
    """data.json's AA Scale: that of the latest session that has one (it needs a SALT)."""
    found = [s for s in sessions if s["aa_scale"] is not None]
    if not found:
        return None
    s = found[-1]
    return {"level": s["aa_scale"], "label": s["aa_scale_label"], "reasons": s["aa_scale_reasons"],
            "not_recorded": s["aa_scale_not_recorded"], "date": s["date"]}
