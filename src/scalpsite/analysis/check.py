"""Stage 2: completeness and consistency findings; pure (the journal is already loaded)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from scalpsite.analysis.namecheck import name_findings
from scalpsite.analysis.plausibility import plausibility_findings
from scalpsite.analysis.recordcheck import record_findings
from scalpsite.analysis.schedule import PRESETS, next_due
from scalpsite.analysis.sideeffects import RECOGNISED, normalise
from scalpsite.findings import Finding, error, sort_findings, warning
from scalpsite.journal.limits import MAX_NOTE_DEPTH, note_problem, quote_depth
from scalpsite.journal.load import Journal, SessionRecord
from scalpsite.journal.models import Condition, Config, Session
from scalpsite.journal.treatment import baseline_index, primary_treatment
from scalpsite.journal.validation import did_you_mean


def check(journal: Journal, today: dt.date | None = None) -> list[Finding]:
    """Every finding about the journal: those met while loading, then completeness and consistency."""
    found = list(journal.findings)
    config = journal.config
    if config is None:
        return sort_findings(found)
    if not journal.sessions:
        found.append(warning("no-sessions", "sessions", "the journal has no sessions yet",
                             hint="run 'scalpsite new' to add the first one"))
    found += _structure(journal, config, today) + _salt_views(journal, config)
    found += name_findings(journal, config)
    for rec in journal.sessions:
        found += check_session(rec, config)
    for appt in journal.appointments:
        found += note_findings(appt.body, appt.path)
    if today is not None:
        found += _overdue(journal, config, today)
    found += record_findings(journal, config, today)  # issue 15: injection log and checklist
    return sort_findings(found)


def _structure(journal: Journal, config: Config, today: dt.date | None) -> list[Finding]:
    found = []
    by_date: dict[dt.date, list[SessionRecord]] = defaultdict(list)
    for rec in journal.sessions:
        by_date[rec.date].append(rec)
        if today is not None and rec.date > today:
            found.append(error("future-session", rec.yaml_path, f"session dated {rec.date}, after today ({today})",
                               hint="check the folder name"))
    for day, recs in sorted(by_date.items()):
        if len(recs) > 1:
            names = ", ".join(r.folder for r in recs)
            found.append(warning("duplicate-date", f"sessions/{recs[1].folder}",
                                 f"{len(recs)} sessions on {day}: {names}",
                                 hint="merge them into one folder, or correct a date"))
    primary = primary_treatment(config)
    if primary and journal.sessions and journal.sessions[0].date > primary.start:
        found.append(warning("no-baseline", "sessions",
                             f"no session on or before the treatment start ({primary.start}); "
                             f"the first session ({journal.sessions[0].folder}) is used as baseline",
                             hint="a baseline session before the start makes the change measurable"))
    if primary:
        base = baseline_index([r.date for r in journal.sessions], primary.start)
        for i, rec in enumerate(journal.sessions):
            if rec.date < primary.start and i != base:
                found.append(warning("before-start", rec.yaml_path,
                                     f"session dated before the treatment start ({primary.start}) "
                                     "and it is not the baseline", hint="check the date"))
    return found


def _salt_views(journal: Journal, config: Config) -> list[Finding]:
    """photos.salt_regions names angles of the journal, each SALT region at most once."""
    found: list[Finding] = []
    seen: dict[str, str] = {}
    for angle, region in config.photos.views().items():
        line = journal.config_lines.get(("photos", "salt_regions", angle))
        if angle not in config.photos.angles:
            found.append(error("unknown-angle", "scalpsite.yaml", f"photos.salt_regions: '{angle}' is not one of "
                               f"photos.angles{did_you_mean(angle, config.photos.angles)}", line,
                               f"angles: {', '.join(config.photos.angles)}"))
        if region in seen:
            found.append(error("salt-region-twice", "scalpsite.yaml", f"photos.salt_regions: both '{seen[region]}' "
                               f"and '{angle}' measure the {region} region", line, "give each region one angle"))
        seen.setdefault(region, angle)
    return found


def check_session(rec: SessionRecord, config: Config) -> list[Finding]:
    """Completeness and consistency of one session."""
    s = rec.session
    if s is None:
        return []  # its validation errors are already reported
    found = []
    line = rec.lines.get
    if s.date is not None and s.date != rec.date:
        found.append(error("date-mismatch", rec.yaml_path,
                           f"date: {s.date} disagrees with the folder name ({rec.date})", line(("date",)),
                           "remove the date: line or make it match the folder"))
    for angle in config.photos.angles:
        if angle not in rec.photos:
            found.append(warning("missing-photo", f"sessions/{rec.folder}", f"no {angle} photo",
                                 hint=f"add {angle}.jpg (or .heic, .png) to the session folder"))
    if s.salt is None or (not isinstance(s.salt, float | int) and None in s.salt.model_dump().values()):
        found.append(warning("missing-salt", rec.yaml_path, "SALT not recorded",
                             hint="add salt: {top: .., back: .., left: .., right: ..} (% loss per region)"))
    for angle in s.photo_meta:
        if angle not in rec.photos:
            found.append(warning("photo-meta-no-photo", rec.yaml_path, f"photo_meta.{angle}: this session has "
                                 f"no {angle} photo{did_you_mean(angle, rec.photos)}", line(("photo_meta", angle)),
                                 "use the angle of a photo in this session"))
    found += _density(rec, s, config)
    found += plausibility_findings(s, rec.yaml_path, rec.lines)
    if Condition.atopic_dermatitis in config.conditions:
        found += _ad(rec, s)
    found += _side_effects(rec, s)
    found += note_findings(rec.notes, rec.notes_path)
    return found


def note_findings(text: str, path: str) -> list[Finding]:
    """Warnings for a note that is shown as plain text or flattened (journal/limits.py)."""
    problem = note_problem(text)
    if problem:
        return [warning("note-too-long", path, f"{problem}; it is shown as plain text",
                        hint="shorten the note, or keep long texts outside the journal")]
    if quote_depth(text) > MAX_NOTE_DEPTH:
        return [warning("note-too-deep", path, f"quotes nested {quote_depth(text)} levels deep; "
                        f"levels past {MAX_NOTE_DEPTH} are shown as plain text", hint="nest fewer '>' quotes")]
    return []


def _density(rec: SessionRecord, s: Session, config: Config) -> list[Finding]:
    found = []
    zones = config.density.zones
    for zone in s.density:
        if zone not in zones:
            found.append(error("unknown-zone", rec.yaml_path,
                               f"unknown density zone '{zone}'{did_you_mean(zone, zones)}",
                               rec.lines.get(("density", zone)), f"zones in scalpsite.yaml: {', '.join(zones)}"))
    missing = [z for z in zones if s.density.get(z) is None]
    if missing:
        found.append(warning("missing-density", rec.yaml_path, f"no density reading for {', '.join(missing)}",
                             rec.lines.get(("density",)), "add a reading per zone under density:"))
    return found


def _ad(rec: SessionRecord, s: Session) -> list[Finding]:
    ad = s.ad
    found = []
    if ad is None or ad.itch is None:
        found.append(warning("missing-itch", rec.yaml_path, "peak itch (ad.itch, 0-10) not recorded",
                             rec.lines.get(("ad",)), "add ad: {itch: ..}"))
    if ad is None or (ad.easi is None and ad.poem is None):
        found.append(warning("missing-ad-score", rec.yaml_path, "neither EASI nor POEM recorded",
                             rec.lines.get(("ad",)), "add ad.easi or ad.poem"))
    return found


def _side_effects(rec: SessionRecord, s: Session) -> list[Finding]:
    found = []  # whether side effects were recorded at all: analysis/recordcheck.py, with the checklist
    for i, e in enumerate(s.side_effects if isinstance(s.side_effects, list) else []):
        key = normalise(e.name)
        hint = did_you_mean(key, RECOGNISED)
        if key not in RECOGNISED and hint:
            found.append(warning("unrecognised-side-effect", rec.yaml_path,
                                 f"side effect '{e.name}' is not one of the common ones{hint}",
                                 rec.lines.get(("side_effects", i)), "use the common name so the log can count it"))
    return found


def _overdue(journal: Journal, config: Config, today: dt.date) -> list[Finding]:
    primary = primary_treatment(config)
    if primary is None or not journal.sessions or primary.end is not None:
        return []
    preset = primary.schedule if primary.schedule in PRESETS else "default"
    due = next_due(preset, primary.start, journal.sessions[-1].date, today)
    if not due.overdue:
        return []
    return [warning("session-overdue", "sessions", f"the next session was due by {due.next_due} "
                    f"(last session {due.last}, {preset} schedule)", hint="run 'scalpsite new' and take the photos")]
