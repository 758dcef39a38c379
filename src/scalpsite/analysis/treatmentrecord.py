"""The graded measures, injections and checklist in one call for `analyze`: per-session fields (ClinRO,
PGI-C, ADCT, RECAP, AA Scale, the checklist's answers) and the top-level ones (injections,
checklist, control measures, the case page). Pure: data in, data out.
"""

from __future__ import annotations

import datetime as dt

from scalpsite.analysis.response import clinro
from scalpsite.analysis import aascale
from scalpsite.analysis.adherence import EARLY_DAYS, GRACE_DAYS, LATE_DAYS, analyse_log
from scalpsite.analysis.safety import (
    answers,
    asked_about,
    checklist_rows,
    checklist_text,
    on_treatment,
    other_effects_text,
    reported,
)
from scalpsite.analysis.scores import months
from scalpsite.journal.effects import checklist
from scalpsite.journal.load import Journal, photo_angles
from scalpsite.journal.configmodel import Treatment
from scalpsite.journal.models import Session
from scalpsite.journal.treatment import dosing
from scalpsite.measures.alopecia import AA_SCALE
from scalpsite.measures.registry import MEASURES

WINDOW_LINES = [{"value": -EARLY_DAYS, "label": "window opens"}, {"value": 0, "label": "due date"},
                {"value": LATE_DAYS, "label": "late after"}, {"value": GRACE_DAYS, "label": "missed after"}]
# What each photo angle without a SALT region documents: the front, and the optional angles named
# like a measure of the registry (the brows and lashes its ClinRO grades).
ANGLE_NOTES = {"front": "hairline and brows; no SALT weight"} | {m.key: m.photo_note for m in MEASURES if m.photo_note}
NO_LOG: dict = {"injections": None, "injection_text": None, "injection_doses": [], "injection_log": None}


def clinical_fields(journal: Journal, sessions: list[dict], primary: Treatment | None, as_of: dt.date,
                    conditions: list[str]) -> dict:
    """Add this issue's per-session fields to `sessions` (in place); return the top-level fields,
    from the sessions that record something (an empty one is counted nowhere)."""
    records = {r.folder: (r.session or Session()) for r in journal.sessions}
    effects = checklist(primary)
    every, sessions = sessions, [s for s in sessions if s["recorded"]]
    for s in every:
        s |= aascale.session_fields(s) | {"expected_effects": answers(records[s["folder"]], effects)}
        s["reported_effects"] = reported(s["side_effects"], s["expected_effects"], effects)
        s["side_effects_asked"] = asked_about(records[s["folder"]])
    log = NO_LOG if journal.injections is None else analyse_log(journal.injections.rows, primary, dosing(primary), as_of)
    tracked = [r for r in log["injection_log"] or [] if r["timing"] != "other_drug"]
    rows = checklist_rows(effects, sessions, tracked if log["injection_log"] is not None else None,
                          primary.start if primary else None)
    control = clinro.measures(sessions)
    extra = log | {
        "effect_checklist": rows, "effect_checklist_text": checklist_text(rows, sessions, primary.start if primary else None),
        "other_effects_text": other_effects_text(on_treatment(sessions, primary.start if primary else None), effects),
        AA_SCALE.key: aascale.latest(sessions), "clinro_measures": clinro.clinro_measures(sessions),
        "control_measures": control,
        "control_panels": clinro.chart_panels(control),
    }
    config = journal.require_config()
    extra["angle_notes"] = {a: angle_note(a, config.photos.salt_region(a)) for a in photo_angles(config)}
    extra["injection_window"] = WINDOW_LINES
    extra["missed_after_days"] = GRACE_DAYS
    return extra


def angle_note(angle: str, region: str | None) -> str:
    """What a photo angle documents: the SALT region it measures (photos.salt_regions), else its note."""
    if region:
        return f"SALT region: {region}"
    return ANGLE_NOTES.get(angle, "no SALT weight")


def treatment_time(sessions: list[dict]) -> dict:
    """Weeks and months on treatment at the latest session (that records something)."""
    days = sessions[-1]["days_on_treatment"] if sessions else None
    return {"weeks_on_treatment": None if days is None else days // 7,
            "months_on_treatment": None if days is None else round(months(days), 1)}
