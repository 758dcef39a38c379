"""Stage 3: scores, trends, schedule and milestones; pure, returns the data.json object."""

from __future__ import annotations

import datetime as dt

from scalpsite import __version__
from scalpsite.analysis import scores
from scalpsite.analysis.photoevidence import add_photo_fields
from scalpsite.analysis.response import milestones, response_status, summary
from scalpsite.analysis.schedule import PRESETS, adherence, next_due
from scalpsite.analysis.sideeffects import SEVERITY_ORDER, label, normalise
from scalpsite.findings import Finding
from scalpsite.journal.load import Journal, SessionRecord
from scalpsite.journal.models import Config, Session, Treatment
from scalpsite.journal.treatment import baseline_index, primary_treatment


def _age_years(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _salt(s: Session) -> tuple[float | None, dict | None]:
    if s.salt is None:
        return None, None
    if isinstance(s.salt, float | int):
        return round(float(s.salt), 2), None
    regions = s.salt.model_dump()
    if any(v is None for v in regions.values()):
        return None, None  # a template not yet filled in
    return scores.salt_total(regions), regions


def _easi(s: Session, child: bool) -> float | None:
    easi = s.ad.easi if s.ad else None
    if easi is None or isinstance(easi, float | int):
        return easi
    return scores.easi_total(easi.model_dump(), child=child)


def _answers(value) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return scores.answers_total(value)


def _side_effects(s: Session) -> list[dict]:
    if not isinstance(s.side_effects, list):
        return []
    return [{"name": e.name, "key": normalise(e.name), "label": label(e.name),
             "severity": e.severity, "notes": e.notes} for e in s.side_effects]


def session_metrics(rec: SessionRecord, config: Config, start: dt.date | None) -> dict:
    """The measures of one session as recorded (no comparison yet); missing is None."""
    s = rec.session or Session()
    age = _age_years(config.patient.birth_date, rec.date)
    salt, regions = _salt(s)
    zones = config.density.zones
    readings = {z: v for z, v in s.density.items() if v is not None}
    density = {z: readings[z] for z in zones if z in readings}
    density |= {z: v for z, v in sorted(readings.items()) if z not in zones}
    days = (rec.date - start).days if start else None
    easi = _easi(s, child=age is not None and age < 8)
    return {
        "folder": rec.folder, "date": rec.date.isoformat(), "baseline": False,
        "days_on_treatment": days, "week": None if days is None else days // 7,
        "phase": scores.phase(days),
        "salt": salt, "salt_regions": regions, "salt_class": scores.salt_class(salt),
        "aa_iga": scores.aa_iga(salt),
        "density": density, "vellus_pct": s.hair_quality.vellus_pct if s.hair_quality else None,
        "itch": s.ad.itch if s.ad else None,
        "easi": easi, "easi_band": scores.easi_band(easi),
        "poem": _answers(s.ad.poem if s.ad else None),
        "dlqi": _answers(s.dlqi),
        "injection_site": s.injection_site.value if s.injection_site else None,
        "side_effects": _side_effects(s),
        "side_effects_recorded": s.side_effects is not None,
        "medications": list(s.medications),
        "labs": {k: {"value": v.value, "unit": v.unit} for k, v in sorted(s.labs.items())},
        "lighting": s.lighting, "notes": rec.notes,
        "photos": dict(sorted(rec.photos.items(), key=lambda kv: _angle_order(kv[0], config))),
        "closeups": list(rec.closeups),
        "valid": rec.session is not None,
    }


def _angle_order(angle: str, config: Config):
    angles = config.photos.angles
    return (angle not in angles, angles.index(angle) if angle in angles else 0, angle)


def compare(sessions: list[dict], base: dict) -> None:
    """Add change-vs-baseline fields to every session, in place."""
    for s in sessions:
        s["salt_change"] = scores.change(base["salt"], s["salt"])
        s["salt_improvement_pct"] = scores.improvement_pct(base["salt"], s["salt"])
        s["density_change_pct"] = {z: scores.change_pct(base["density"].get(z), v) for z, v in s["density"].items()}
        s["easi_improvement_pct"] = scores.improvement_pct(base["easi"], s["easi"])
        s["itch_change"] = scores.change(base["itch"], s["itch"])
        s["poem_change"] = scores.change(base["poem"], s["poem"])
        s["dlqi_change"] = scores.change(base["dlqi"], s["dlqi"])
        s["poem_band"] = scores.poem_band(s["poem"])
        s["dlqi_band"] = scores.dlqi_band(s["dlqi"])


def side_effect_log(sessions: list[dict]) -> list[dict]:
    """One row per side effect: sessions it was logged in, first and last date, worst severity."""
    log: dict[str, dict] = {}
    for s in sessions:
        for e in s["side_effects"]:
            row = log.setdefault(e["key"], {"key": e["key"], "label": e["label"], "count": 0,
                                            "first": s["date"], "last": s["date"], "worst": None})
            row["count"] += 1
            row["last"] = s["date"]
            if SEVERITY_ORDER[e["severity"]] > SEVERITY_ORDER[row["worst"]]:
                row["worst"] = e["severity"]
    return sorted(log.values(), key=lambda r: (r["first"], r["key"]))


def _treatments(config: Config, primary: Treatment | None) -> list[dict]:
    rows = []
    for t in sorted(config.treatments, key=lambda t: t.start, reverse=True):
        row = t.model_dump(mode="json")
        row["current"] = t.end is None
        row["primary"] = t is primary
        rows.append(row)
    return rows


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


def analyze(journal: Journal, findings: list[Finding] = (), as_of: dt.date | None = None,
            since: dt.date | None = None, until: dt.date | None = None, evidence: dict | None = None) -> dict:
    """The whole analysis as one JSON-ready object (DESIGN.md, machine-readable outputs).

    `evidence`: the photo stage's measures per photo path (masks, alignment; photoevidence.py).
    """
    config = journal.config
    primary = primary_treatment(config)
    start = primary.start if primary else None
    sessions = [session_metrics(r, config, start) for r in journal.sessions]
    add_photo_fields(sessions, config, evidence)
    if sessions:
        base = sessions[baseline_index([r.date for r in journal.sessions], start)]
        base["baseline"] = True
        compare(sessions, base)
    sessions = [s for s in sessions if in_range(s, since, until)]
    as_of = as_of or (dt.date.fromisoformat(sessions[-1]["date"]) if sessions else dt.date(1970, 1, 1))
    marks = milestones(sessions)
    return {
        "scalpsite_version": __version__,
        "title": config.title, "generated_for": as_of.isoformat(),
        "patient": {"name": config.patient.name,
                    "birth_date": config.patient.birth_date.isoformat() if config.patient.birth_date else None,
                    "age": _age_years(config.patient.birth_date, as_of)},
        "conditions": [c.value for c in config.conditions],
        "angles": list(config.photos.angles),
        "density_unit": config.density.unit, "density_zones": list(config.density.zones),
        "treatments": _treatments(config, primary),
        "sessions": sessions,
        "milestones": marks,
        "response": response_status(sessions, marks),
        "schedule": _schedule(primary, sessions, as_of),
        "summary": summary(sessions, list(config.density.zones)),
        "side_effect_log": side_effect_log(sessions),
        "findings": [f.as_dict() for f in findings],
    }
