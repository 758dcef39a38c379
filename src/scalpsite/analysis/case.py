"""The facts of "The case for the current treatment", ready to carry to a prior authorisation:
the diagnoses, what the treatment is for, the severity at baseline and now, what was tried before,
the Th2 markers, the response at the weeks the trials report (who scored each value, and what else
was given meanwhile), interruptions and return, adherence and safety. Facts only: no advice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from scalpsite.analysis import history
from scalpsite.analysis.history import PURPOSE_LABELS, purposes
from scalpsite.analysis.labels import lab_label
from scalpsite.analysis.safety import on_treatment
from scalpsite.journal.effects import effect_key
from scalpsite.journal.configmodel import Config, Treatment
from scalpsite.measures.alopecia import SALT
from scalpsite.measures.registry import MEASURES

WEEKS = (12, 24, 36, 48, 52)
NEAR_DAYS = 28  # a session within 4 weeks of the target week stands for it
CLINICIAN_DAYS = 14  # ... and one scored by a clinician within 2 weeks of it is preferred
ENDPOINTS = {  # the trial time points each week is judged against
    24: "SALT ≤ 20: primary endpoint of ALLEGRO-2b/3 (ritlecitinib)",
    36: "SALT ≤ 20: primary endpoint of BRAVE-AA1/2 (baricitinib)",
    48: "SALT change, SALT30, SALT50: dupilumab phase 2a (Guttman-Yassky et al., Allergy 2022)",
    52: "SALT ≤ 20: BRAVE-AA1/2 at week 52 (baricitinib; Am J Clin Dermatol 2023)",
}
ATTESTATION = ("The facts above were compiled by the patient from their own records (a scalpsite journal); "
               "they state what was recorded and recommend nothing.")
ATTESTATION_FIELDS = ["Prescriber's name", "Signature", "Date", "Licence number"]
TH2 = {  # lab key: reference text (the adult defaults of labs.py; the report's own range comes first)
    "ige": "adult upper limit about 100–150 IU/mL (laboratories differ); the dupilumab alopecia areata "
           "signal was larger with IgE ≥ 200 IU/mL (Guttman-Yassky et al., Allergy 2022)",
    "eosinophils": "adult reference about 0.04–0.5 ×10⁹/L; above 0.5 is eosinophilia (dupilumab can raise it "
                   "transiently)",
}


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


HEADLINE = [m for m in MEASURES if m.headline]  # the course of each condition (SALT, EASI)
SEVERITY = [m for m in MEASURES if m.case]  # the severity a form asks for


def _recorded(s: dict) -> bool:
    """Whether a session records a headline measure."""
    return any(s[m.key] is not None for m in HEADLINE)


def nearest(sessions: list[dict], week: int) -> dict | None:
    """The session after baseline that stands for a week on treatment: one scored by a clinician
    within 2 weeks of it when there is one, else the nearest within 4 weeks; the earlier on a tie."""
    def off(s: dict) -> int:
        return abs(s["days_on_treatment"] - 7 * week)
    near = [s for s in sessions if not s["baseline"] and s["days_on_treatment"] is not None
            and _recorded(s) and off(s) <= NEAR_DAYS]
    clinician = [s for s in near if s["assessed_by"] == "clinician" and off(s) <= CLINICIAN_DAYS]
    return min(clinician or near, key=lambda s: (off(s), s["date"]), default=None)


def _row(s: dict | None, week: int | None, base: dict, treatments: list[Treatment], primary: Treatment) -> dict:
    row: dict = {"week": week, "date": s["date"] if s else None, "week_label": s["week_label"] if s else None,
                 "assessed_by": s["assessed_by"] if s else None, "endpoint": ENDPOINTS.get(week) if week else None,
                 "confounders": []}
    for m in HEADLINE:
        fields = [m.key, *(f"{m.key}_{kind}" for kind in m.changes)]
        row |= {f: s[f] if s else None for f in fields}
        if (endpoint := m.endpoint()) is not None:
            row[endpoint.key] = endpoint.met(m.key, s or {}, base)
        overlap = history.confounders(treatments, primary, m.condition, base["date"], s["date"]) if s else []
        row["confounders"] += [f"{m.label}: {c}" for c in overlap]
    return row


def response_columns() -> list[dict]:
    """The columns of the table of responses: each headline measure, its changes and its endpoint; the
    first measure's changes named briefly (Δ pts, Impr.), the others' with their label and whole percents."""
    out = []
    for i, m in enumerate(HEADLINE):
        out.append({"field": m.key, "label": m.label, "kind": "value", "digits": 1})
        for kind in m.changes:
            label = "Δ pts" if kind == "change" else "Impr." if i == 0 else f"{m.label} impr."
            out.append({"field": f"{m.key}_{kind}", "label": label, "kind": kind, "digits": 1 if i == 0 else 0})
        if (endpoint := m.endpoint()) is not None:
            out.append({"field": endpoint.key, "label": endpoint.label, "kind": "met", "digits": 0})
    return out


def response_rows(sessions: list[dict], weeks_on_treatment: int | None, treatments: list[Treatment],
                  primary: Treatment) -> list[dict]:
    """SALT and EASI at weeks 12/24/36/48/52 and now, against the trial endpoints, with who scored
    each value and the other treatments that overlap the response up to it."""
    base = next((s for s in sessions if s["baseline"]), sessions[0])
    rows = []
    for week in WEEKS:
        s = nearest(sessions, week)
        reached = weeks_on_treatment is not None and weeks_on_treatment + NEAR_DAYS // 7 >= week
        missing = None if s else (f"no session within {NEAR_DAYS // 7} weeks" if reached else "not reached yet")
        rows.append(_row(s, week, base, treatments, primary) | {"label": f"week {week}", "reached": reached,
                                                                 "missing": missing})
    latest = next((s for s in reversed(sessions) if not s["baseline"] and s[SALT.key] is not None), None)
    if latest is not None and latest["date"] not in {r["date"] for r in rows}:  # else a week's row says it
        rows.append(_row(latest, None, base, treatments, primary) | {"label": "now", "reached": True,
                                                                     "missing": None})
    return rows


def overlaps(rows: list[dict]) -> list[str]:
    """Each other treatment that overlaps the response, once, with the rows it overlaps: the note
    under the table (the rows carry the same treatments one by one)."""
    where: dict[str, list[str]] = {}
    for r in rows:
        for c in r["confounders"]:
            where.setdefault(c, []).append(r["label"])
    return [f"{c} overlaps the response up to {', '.join(labels)}" for c, labels in where.items()]


def severity_fields() -> list[str]:
    """The fields of a session's severity: each measure of the registry's severity, its band and its classes."""
    fields = []
    for m in SEVERITY:
        fields += [m.key] + ([m.bands.field] if m.bands and m.bands.field else [])
        for c in (c for c in MEASURES if c.derived_from == m.key and c.bands):
            fields += [c.key] + ([c.bands.field] if c.bands and c.bands.field and c.bands.field != c.key else [])
    return fields


def severity(s: dict) -> dict:
    """A session's severity as a form asks it: SALT with its classes, EASI, BSA and vIGA-AD, brows,
    lashes (the registry's severity measures), the AA Scale, and who scored it."""
    return {k: s[k] for k in ("date", "week_label", "assessed_by", "aa_scale_brief", *severity_fields())}


def severity_columns() -> list[dict]:
    """The columns of the severity table after SALT's (which shows its classes): label, and the band field or
    (a percentage, in a narrow table) the unit."""
    return [{"key": m.key, "label": m.short or m.label, "unit": m.unit,
             "band": m.bands.field if m.bands and not m.unit else None} for m in SEVERITY if m is not SALT]


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


def case_facts(primary: Treatment | None, config: Config, sessions: list[dict], summary: dict, extra: dict,
               as_of: dt.date) -> dict | None:
    """The case page's facts, or None without a tracked treatment or sessions."""
    if primary is None or not sessions:
        return None
    base = next((s for s in sessions if s["baseline"]), sessions[0])
    now = next((s for s in reversed(sessions) if s is not base and _recorded(s)), None)
    keys = purposes(primary)
    rows = response_rows(sessions, summary["weeks_on_treatment"], config.treatments, primary)
    return {
        "drug": primary.drug, "start": primary.start.isoformat(), "indication": primary.indication,
        "purposes": [PURPOSE_LABELS[k] for k in keys],
        "diagnoses": history.diagnoses(config.diagnoses, as_of),
        "weeks_on_treatment": summary["weeks_on_treatment"], "months_on_treatment": summary["months_on_treatment"],
        "baseline": severity(base), "now": severity(now) if now else None,
        "prior": history.prior_treatments(config.treatments, primary, as_of),
        "th2": th2_markers(sessions, primary.start.isoformat()),
        "response": rows, "response_columns": response_columns(), "severity_columns": severity_columns(),
        "response_note": (f"The trials judged SALT ≤ 20 at their primary week. A session scored by a clinician "
                          f"within {CLINICIAN_DAYS // 7} weeks of a week stands for it, else the nearest within "
                          f"{NEAR_DAYS // 7} weeks; each value says who scored it."),
        "overlaps": overlaps(rows),
        "interruptions": extra["interruptions"],
        "adherence": extra["injection_text"],
        "safety": safety_lines(extra["effect_checklist"], on_treatment(sessions, primary.start), primary.drug,
                               extra["effect_checklist_text"]),
        "attestation": {"text": ATTESTATION, "fields": ATTESTATION_FIELDS},
    }
