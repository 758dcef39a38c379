"""Stage 3: scores, trends, schedule and milestones; pure, returns the typed analysis (data.json)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from scalpsite import __version__
from scalpsite.analysis import history, scores
from scalpsite.analysis.case import case_facts
from scalpsite.analysis.response.clinro import ad_panels
from scalpsite.analysis.treatmentrecord import clinical_fields, treatment_time
from scalpsite.analysis.completeness import ASSESSMENT_NOTE, completeness
from scalpsite.analysis.definitions import definitions
from scalpsite.analysis.response.interruption import interruptions
from scalpsite.analysis.labels import day_text, lab_label, unit_text, week_label
from scalpsite.analysis.labs import lab_result, th2_markers
from scalpsite.analysis.measurevalues import changes, no_values, parts_given, session_values
from scalpsite.analysis.photoevidence import add_photo_fields, photo_evidence
from scalpsite.analysis.response.milestones import milestone_list, milestones, response_status, trajectories
from scalpsite.analysis.results import Analysis
from scalpsite.analysis.safety import on_treatment
from scalpsite.analysis.schedule import PRESETS, adherence, next_due
from scalpsite.analysis.sideeffects import SEVERITY_ORDER, label, normalise
from scalpsite.analysis.summary import DENSITY_NOTE, measure_info, summary
from scalpsite.analysis.visits import (
    chosen_appointment,
    last_visit,
    previous_appointment,
)
from scalpsite.findings import Finding
from scalpsite.journal.effects import checklist, effect_key
from scalpsite.journal.load import Journal, SessionRecord, photo_angles
from scalpsite.journal.configmodel import Config, Treatment
from scalpsite.journal.models import Session
from scalpsite.journal.treatment import baseline_index, dosing, previously_tracked, primary_treatment
from scalpsite.measures.alopecia import SALT


def _age_years(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# What `scalpsite new` fills in for the patient (medications carried over) or that says nothing
# measured: a session with only these is empty, never the latest.
NOT_RECORDS = {"date", "medications", "lighting", "photos", "photo_meta", "assessed_by"}


def _has_value(value) -> bool:
    if isinstance(value, dict):
        return any(_has_value(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_value(v) for v in value)
    return value is not None


def records_something(rec: SessionRecord) -> bool:
    """Whether a session records anything: a measure, a lab, a side-effect answer, a photo or notes."""
    if rec.photos or rec.closeups or rec.notes.strip() or rec.session is None:
        return True  # a session with errors is shown with them, never hidden as empty
    return _has_value(rec.session.model_dump(exclude=NOT_RECORDS, warnings=False))


def _side_effects(s: Session, labels: dict[str, str]) -> list[dict]:
    """The side-effect list; a synonym of a checklist effect ('dry eyes') is grouped under it, by name."""
    if not isinstance(s.side_effects, list):
        return []
    out = []
    for e in s.side_effects:
        key = effect_key(e.name)
        text = labels.get(key) or label(e.name)
        if key != normalise(e.name) and key in labels:
            text += f" ({e.name.strip()})"
        out.append({"name": e.name, "key": key, "label": text, "severity": e.severity, "notes": e.notes})
    return out


def session_metrics(rec: SessionRecord, config: Config, start: dt.date | None,
                    labels: dict[str, str] | None = None) -> dict:
    """The measures of one session as recorded (no comparison yet); missing is None.

    `labels`: the tracked treatment's checklist effects (key: label), which the side effects are grouped under."""
    s = rec.session or Session()
    age = _age_years(config.patient.birth_date, rec.date)
    zones = config.density.zones
    readings = {z: v for z, v in s.density.items() if v is not None}
    density = {z: readings[z] for z in zones if z in readings}
    density |= {z: v for z, v in sorted(readings.items()) if z not in zones}
    days = (rec.date - start).days if start else None
    week = None if days is None else days // 7
    phase = scores.phase(days)
    values = session_values(s, child=age is not None and age < 8)
    return values | {
        "folder": rec.folder, "suffix": rec.folder[10:].lstrip("-_.") or None,
        "date": rec.date.isoformat(), "baseline": False,
        "days_on_treatment": days, "week": week, "week_label": week_label(days, week),
        "phase": phase, "phase_label": None if phase is None else scores.PHASE_LABELS.get(phase),
        "salt_regions": parts_given(s, SALT), "density": density,
        "injection_site": s.injection_site.value if s.injection_site else None,
        "side_effects": _side_effects(s, labels or {}),
        "side_effects_recorded": s.side_effects is not None,
        "medications": list(s.medications),
        "labs": {k: lab_result(k, v, rec.raw, config.labs, s.labs) for k, v in sorted(s.labs.items())},
        "assessed_by": s.assessed_by or "self",
        "lighting": s.lighting, "notes": rec.notes,
        "photos": dict(sorted(rec.photos.items(), key=lambda kv: _angle_order(kv[0], config))),
        "closeups": rec.closeups,
        "valid": rec.session is not None, "recorded": records_something(rec),
    }


def _angle_order(angle: str, config: Config):
    angles = photo_angles(config)
    return (angle not in angles, angles.index(angle) if angle in angles else 0, angle)


def compare(sessions: list[dict], base: dict) -> None:
    """Add change-vs-baseline fields to every session, in place."""
    for s in sessions:
        s |= changes(s, base)
        s["density_change_pct"] = {z: scores.change_pct(base["density"].get(z), v) for z, v in s["density"].items()}


def side_effect_log(sessions: list[dict], rows: list[dict]) -> list[dict]:
    """One row per side effect: sessions on treatment it was reported at, first and last date, worst.

    An effect of the checklist takes its dates and worst from the checklist's row (`rows`, which
    adds the injection log), so that the log and the checklist give one first date.
    """
    checked = {r["key"]: r for r in rows}
    log: dict[str, dict] = {}
    for s in sessions:
        for e in s["reported_effects"]:  # the list and the checklist's reports (analysis/safety.py)
            row = log.setdefault(e["key"], {"key": e["key"], "label": e["label"], "count": 0,
                                            "first": s["date"], "last": s["date"], "worst": None})
            row["count"] += 1
            row["last"] = s["date"]
            if SEVERITY_ORDER[e["severity"]] > SEVERITY_ORDER[row["worst"]]:
                row["worst"] = e["severity"]
    for key, row in log.items():
        if key in checked:
            row |= {k: checked[key][k] for k in ("label", "first", "last", "worst")}
    return sorted(log.values(), key=lambda r: (r["first"], r["key"]))


def _treatments(config: Config, primary: Treatment | None) -> list[dict]:
    rows = []
    for t in sorted(config.treatments, key=lambda t: t.start, reverse=True):
        row = t.model_dump()
        row["current"] = t.end is None
        row["primary"] = t is primary
        rows.append(row)
    return rows


def treatment_notes(config: Config, primary: Treatment | None) -> list[str]:
    """What page 1 says beside the tracked treatment: the one it took over from, and the other
    current treatments (a rescue ointment), which are not tracked."""
    if primary is None:
        return []
    notes = []
    before = previously_tracked(config, primary)
    if before is not None:
        until = f"to {day_text(before.end)}" if before.end else "ongoing"
        notes.append(f"Tracked since {day_text(primary.start)}: {primary.drug}, after {before.drug} "
                     f"({day_text(before.start)} {until}); baseline, weeks, adherence and milestones count from "
                     f"the start of {primary.drug}.")
    others = [t for t in config.treatments if t is not primary and t.end is None]
    if others:
        notes.append("Also current, not tracked: " + "; ".join(
            f"{t.drug} since {day_text(t.start)}" + ("" if dosing(t) else " (no dosing interval)") for t in others) + ".")
    return notes


def _schedule(primary: Treatment | None, sessions: list[dict], as_of: dt.date) -> dict:
    if not sessions or primary is None:
        return {"last_session": None, "next_due": None, "overdue": False}
    preset = primary.schedule if primary.schedule in PRESETS else "default"
    dates = [dt.date.fromisoformat(s["date"]) for s in sessions]
    due = next_due(preset, primary.start, dates[-1], as_of)
    on_time, gaps = adherence(preset, primary.start, [d for d in dates if d >= primary.start])
    return {"last_session": dates[-1].isoformat(), "next_due": due.next_due.isoformat(),
            "earliest": due.earliest.isoformat(), "overdue": due.overdue, "as_of": as_of.isoformat(),
            "preset": preset, "intervals_on_time": on_time, "intervals": gaps}


def in_range(s: dict, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether a session falls in the requested range (the baseline always does)."""
    d = dt.date.fromisoformat(s["date"])
    return s["baseline"] or ((since is None or d >= since) and (until is None or d <= until))


def medication_periods(sessions: list[dict]) -> list[dict]:
    """Runs of consecutive sessions that list the same medications.

    A long journal repeats one list for months; the physician wants to see when it changed.
    An empty list is a run of its own; without any medication, no runs at all.
    """
    runs: list[dict] = []
    for s in sessions:
        meds = list(s["medications"])
        if runs and runs[-1]["medications"] == meds:
            runs[-1]["end"] = s["date"]
            runs[-1]["sessions"] += 1
        else:
            runs.append({"start": s["date"], "end": s["date"], "sessions": 1, "medications": meds})
    return runs if any(r["medications"] for r in runs) else []


def lab_columns(sessions: list[dict]) -> list[dict]:
    """Columns of the labs table: name, display label, and the unit as first recorded."""
    units: dict[str, str | None] = {}
    for s in sessions:
        for name, lab in s["labs"].items():
            units.setdefault(name, lab["unit"])
    return [{"name": name, "label": lab_label(name), "unit": unit_text(unit), "raw_unit": unit}
            for name, unit in sorted(units.items())]


def phase_spans(start: dt.date | None) -> list[dict]:
    """The expected-response phases of the tracking schedule as dates from the treatment start."""
    if start is None:
        return []
    spans, lower = [], 0.0
    for upper, key, words in scores.PHASES:
        end = None if upper == float("inf") else start + dt.timedelta(days=round(upper * scores.DAYS_PER_MONTH))
        begin = start + dt.timedelta(days=round(lower * scores.DAYS_PER_MONTH))
        spans.append({"key": key, "label": words, "short_label": scores.PHASE_SHORT[key], "start": begin.isoformat(),
                      "end": end.isoformat() if end else None})
        lower = upper
    return spans


def finding_counts(findings) -> dict:
    """How many findings of each level: the one count every page shows."""
    levels = [f.level.value for f in findings]
    return {"errors": levels.count("error"), "warnings": levels.count("warning"), "infos": levels.count("info")}


SALT_LINES = [{"value": 20, "label": "SALT 20: trial success threshold"}, {"value": 10, "label": "SALT 10"}]


def analyze(journal: Journal, findings: Sequence[Finding] = (), as_of: dt.date | None = None,
            since: dt.date | None = None, until: dt.date | None = None,
            for_date: dt.date | None = None, evidence: dict[str, dict] | None = None) -> Analysis:
    """The whole analysis, typed (`scalpsite schema --kind data`); data.json is its dump.

    `for_date`: the appointment the dossier is for (else the next one after the last session).
    `evidence`: the photo stage's measures per photo path (masks, alignment; photoevidence.py).
    """
    config = journal.require_config()
    primary = primary_treatment(config)
    start = primary.start if primary else None
    labels = {e.key: e.label for e in checklist(primary)}
    every = [session_metrics(r, config, start, labels) for r in journal.sessions]
    add_photo_fields(every, config, evidence)
    counted = [s for s in every if s["recorded"]]  # an empty session is never the baseline or the latest
    base = counted[baseline_index([dt.date.fromisoformat(s["date"]) for s in counted], start)] if counted \
        else no_values() | {"density": {}}
    base["baseline"] = bool(counted)
    compare(every, base)
    every = [s for s in every if in_range(s, since, until)]
    sessions = [s for s in every if s["recorded"]]
    last = dt.date.fromisoformat(sessions[-1]["date"]) if sessions else None
    as_of = as_of or last or (start or dt.date(1970, 1, 1))
    conditions = [c.value for c in config.conditions]
    visit = chosen_appointment(journal.appointments, for_date, last)
    previous = previous_appointment(visit, journal.appointments)
    seen = last_visit(sessions, previous)
    extra = clinical_fields(journal, every, primary, as_of, conditions)  # the graded measures, injections, checklist
    courses = trajectories(sessions, conditions)
    plan = dosing(primary)
    days = [dt.date.fromisoformat(r["date"]) for r in extra["injection_log"] or [] if r["timing"] != "other_drug"]
    extra["interruptions"] = interruptions(days, plan.interval_days if plan else None, sessions, courses,
                                           conditions, as_of)
    summary_rows = summary(sessions, list(config.density.zones), seen["session_date"] if seen else None)
    extra["ad_panels"] = ad_panels(summary_rows["ad_measures"])
    extra["case"] = case_facts(primary, config, sessions, treatment_time(sessions), extra, as_of)
    return Analysis.model_validate({
        "scalpsite_version": __version__,
        "title": config.title, "generated_for": as_of.isoformat(),
        "records_up_to": last.isoformat() if last else None,
        "patient": {"name": config.patient.name,
                    "birth_date": config.patient.birth_date.isoformat() if config.patient.birth_date else None,
                    "age": _age_years(config.patient.birth_date, as_of)},
        "conditions": conditions,
        "angles": photo_angles(config),
        "angle_regions": {a: config.photos.salt_region(a) for a in photo_angles(config)},
        "density_unit": config.density.unit, "density_unit_label": unit_text(config.density.unit),
        "density_zones": list(config.density.zones),
        "treatments": _treatments(config, primary), "treatment_notes": treatment_notes(config, primary),
        "diagnoses": history.diagnoses(config.diagnoses, as_of),
        "sessions": every,
        "milestones": milestones(sessions),
        "milestone_list": milestone_list(courses),
        "response": response_status(courses),
        "trajectories": courses,
        "schedule": _schedule(primary, sessions, as_of),
        "summary": summary_rows | {"empty_sessions": [s["folder"] for s in every if not s["recorded"]]},
        "side_effect_log": side_effect_log(on_treatment(sessions, start), extra["effect_checklist"]),
        "findings": [f.as_dict() for f in findings],
        "finding_counts": finding_counts(findings),
        "medication_periods": medication_periods(sessions),
        "lab_columns": lab_columns(sessions),
        "phases": phase_spans(start),
        "salt_lines": SALT_LINES, "measures": measure_info(conditions), "density_note": DENSITY_NOTE,
        "definitions": definitions(conditions),
        "appointment": visit, "previous_appointment": previous, "last_visit": seen,
        "th2_markers": th2_markers(sessions),
        "completeness": completeness(sessions, findings, conditions, start),
        "assessment_note": ASSESSMENT_NOTE,
        "photo_evidence": photo_evidence(sessions),
        **extra,
    })
