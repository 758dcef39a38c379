"""The facts of "The case for the current treatment" (issue 15 item 8): what the treatment is for,
how severe the disease was at baseline, what was tried before and how it went, the Th2 markers,
the response at the weeks the trials report, adherence and safety. Facts only: no advice.
"""

from __future__ import annotations

from collections import Counter

from scalpsite.analysis.labels import lab_label
from scalpsite.analysis.safety import on_treatment
from scalpsite.journal.effects import effect_key
from scalpsite.journal.models import Treatment

AA, AD = "alopecia_areata", "atopic_dermatitis"
PURPOSE_LABELS = {AA: "alopecia areata", AD: "atopic dermatitis", "other": "other"}
OUTCOME_LABELS = {"none": "no response", "partial": "partial response", "complete": "complete response",
                  "not_tolerated": "not tolerated", "stopped": "stopped"}
WEEKS = (12, 24, 36, 52)
NEAR_DAYS = 28  # a session within 4 weeks of the target week stands for it
ENDPOINTS = {  # CLINICAL.md: SALT <= 20, the primary endpoints of the phase 3 trials
    24: "SALT ≤ 20 at week 24: primary endpoint of ALLEGRO-2b/3 (ritlecitinib)",
    36: "SALT ≤ 20 at week 36: primary endpoint of BRAVE-AA1/2 (baricitinib)",
}
TH2 = {  # lab key: reference text (adult defaults of CLINICAL.md; the report's own range comes first)
    "ige": "adult upper limit about 100–150 IU/mL (laboratories differ); the dupilumab alopecia areata "
           "signal was larger with IgE ≥ 200 IU/mL (Guttman-Yassky et al., Allergy 2022)",
    "eosinophils": "adult reference about 0.04–0.5 ×10⁹/L; above 0.5 is eosinophilia (dupilumab can raise it "
                   "transiently)",
}


def purposes(t: Treatment) -> list[str]:
    """What a treatment is given for, as keys (`for:` as a list or one value)."""
    value = getattr(t, "for")  # `for` is a keyword
    return [] if value is None else list(value)


def prior_treatments(treatments: list[Treatment], primary: Treatment | None) -> list[dict]:
    """Every treatment but the tracked one, by what it was for (AA, AD, other, not stated), then date."""
    order = {AA: 0, AD: 1, "other": 2}
    rows: list[dict] = []
    for t in treatments:
        if t is primary:
            continue
        keys = purposes(t)
        rows.append({"drug": t.drug, "start": t.start.isoformat(), "end": t.end.isoformat() if t.end else None,
                     "for_label": ", ".join(PURPOSE_LABELS[k] for k in keys) or "not stated",
                     "outcome": t.outcome, "outcome_label": OUTCOME_LABELS.get(t.outcome or ""),
                     "stopped_because": t.stopped_because, "notes": t.notes,
                     "_order": (min((order[k] for k in keys), default=3), t.start)})
    rows.sort(key=lambda r: r["_order"])
    return [{k: v for k, v in r.items() if k != "_order"} for r in rows]


def th2_markers(sessions: list[dict], start: str | None) -> list[dict]:
    """IgE and eosinophils at baseline: the last value on or before the start, else the first one."""
    out = []
    for key, reference in TH2.items():
        found = [(s, lab) for s in sessions for name, lab in s["labs"].items() if name.lower() == key]
        before = [x for x in found if start is not None and x[0]["date"] <= start]
        pick = before[-1] if before else (found[0] if found else None)
        if pick is None:
            out.append({"key": key, "label": lab_label(key), "text": None, "unit": None, "date": None,
                        "week_label": None, "reference": reference})
            continue
        s, lab = pick
        if lab["range_text"]:  # the range the analysis used (report, journal, default), then the context
            flagged = f", {lab['flag']}" if lab["flag"] else ""
            reference = f"range {lab['range_text']} ({lab['range_source']}{flagged}); " + reference.split("; ", 1)[-1]
        out.append({"key": key, "label": lab_label(key), "text": lab["text"], "unit": lab["unit_label"],
                    "date": s["date"], "week_label": s["week_label"], "reference": reference})
    return out


def nearest(sessions: list[dict], week: int) -> dict | None:
    """The session after baseline nearest to the given week on treatment (within 4 weeks), or None."""
    near = [s for s in sessions if not s["baseline"] and s["days_on_treatment"] is not None
            and abs(s["days_on_treatment"] - 7 * week) <= NEAR_DAYS]
    return min(near, key=lambda s: (abs(s["days_on_treatment"] - 7 * week), s["date"]), default=None)


def response_rows(sessions: list[dict], weeks_on_treatment: int | None) -> list[dict]:
    """SALT and EASI at weeks 12/24/36/52, against the trial endpoints where there is one."""
    rows = []
    for week in WEEKS:
        s = nearest(sessions, week)
        reached = weeks_on_treatment is not None and weeks_on_treatment + NEAR_DAYS // 7 >= week
        salt = s["salt"] if s else None
        missing = None if s else (f"no session within {NEAR_DAYS // 7} weeks" if reached else "not reached yet")
        rows.append({"week": week, "reached": reached, "missing": missing, "date": s["date"] if s else None,
                     "week_label": s["week_label"] if s else None, "salt": salt,
                     "salt_change": s["salt_change"] if s else None,
                     "salt_improvement_pct": s["salt_improvement_pct"] if s else None,
                     "salt_le_20": None if salt is None else salt <= 20,
                     "easi": s["easi"] if s else None, "easi_improvement_pct": s["easi_improvement_pct"] if s else None,
                     "endpoint": ENDPOINTS.get(week)})
    return rows


def safety_lines(checklist: list[dict], sessions: list[dict], drug: str | None, asked: str | None = None) -> list[str]:
    """The safety record in a few lines: reported, answered 'no' whenever asked, never asked, others."""
    lines = []
    reported = [r for r in checklist if r["reported"] or r["log_reactions"]]
    for r in reported:
        parts = [f"reported at {r['reported']} of {r['sessions']} sessions on treatment"]
        if r["log_reactions"]:
            parts.append(f"{r['log_reactions']} of {r['log_noted']} injections with a noted reaction")
        if r["worst"]:
            parts.append(f"worst {r['worst']}")
        if r["first_week"] is not None:
            parts.append(f"first in week {r['first_week']}")
        lines.append(f"{r['label']}: {', '.join(parts)}")
    lines += [f"{r['label']}: {note}" for r in checklist for note in r["notes"]]
    absent = [r["label"] for r in checklist if r not in reported and r["absent"]]
    never = [r["label"] for r in checklist if r not in reported and not r["absent"]]
    if absent:
        lines.append("Answered \"no\" whenever asked: " + ", ".join(absent))
    if never:
        lines.append("Never asked: " + ", ".join(never))
    known = {r["key"] for r in checklist}
    counts = Counter(label for s in sessions
                     for label in {e["label"] for e in s["side_effects"] if effect_key(e["key"]) not in known})
    others = [f"{label} ({n} session{'s' * (n != 1)})" for label, n in sorted(counts.items())]
    if others:
        lines.append("Other side effects logged: " + ", ".join(others))
    if asked:
        lines.append(asked[:1].upper() + asked[1:])
    if not checklist and drug:
        lines.append(f"No expected-effects checklist for {drug}; see the side-effect log.")
    return lines


def case_facts(primary: Treatment | None, treatments: list[Treatment], sessions: list[dict], summary: dict,
               extra: dict) -> dict | None:
    """The case page's facts, or None without a tracked treatment or sessions."""
    if primary is None or not sessions:
        return None
    base = next((s for s in sessions if s["baseline"]), sessions[0])
    keys = purposes(primary)
    return {
        "drug": primary.drug, "start": primary.start.isoformat(), "indication": primary.indication,
        "purposes": [PURPOSE_LABELS[k] for k in keys],
        "weeks_on_treatment": summary["weeks_on_treatment"], "months_on_treatment": summary["months_on_treatment"],
        "baseline": {"date": base["date"], "week_label": base["week_label"], "salt": base["salt"],
                     "salt_class": base["salt_class"], "aa_iga": base["aa_iga"], "aa_iga_label": base["aa_iga_label"],
                     "aa_scale_label": base["aa_scale_label"], "easi": base["easi"], "easi_band": base["easi_band"],
                     "eyebrows": base["eyebrows"], "eyelashes": base["eyelashes"]},
        "prior": prior_treatments(treatments, primary),
        "th2": th2_markers(sessions, primary.start.isoformat()),
        "response": response_rows(sessions, summary["weeks_on_treatment"]),
        "response_note": (f"The trials judged SALT ≤ 20 at their primary week; the session nearest to a week, "
                          f"within {NEAR_DAYS // 7} weeks of it, stands for it."),
        "adherence": extra["injection_text"],
        "safety": safety_lines(extra["effect_checklist"], on_treatment(sessions, primary.start), primary.drug,
                               extra["effect_checklist_text"]),
    }

