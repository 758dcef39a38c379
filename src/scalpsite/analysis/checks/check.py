"""Stage 2: completeness and consistency findings; pure (the journal is already loaded)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel

from scalpsite.analysis.checks.namecheck import name_findings
from scalpsite.analysis.checks.plausibility import plausibility_findings
from scalpsite.analysis.checks.recordcheck import record_findings
from scalpsite.analysis.schedule import PRESETS, next_due
from scalpsite.analysis.sideeffects import RECOGNISED, normalise
from scalpsite.findings import Finding, error, sort_findings, warning
from scalpsite.journal.limits import MAX_NOTE_DEPTH, note_problem, quote_depth
from scalpsite.journal.load import Journal, SessionRecord
from scalpsite.journal.measurefields import raw
from scalpsite.journal.configmodel import Config
from scalpsite.journal.models import Session
from scalpsite.journal.treatment import baseline_index, primary_treatment
from scalpsite.journal.validation import did_you_mean
from scalpsite.measures.alopecia import SALT_MASKS
from scalpsite.measures.kinds import Measure
from scalpsite.measures.registry import recorded


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
            found.append(SALT_MASKS.region_twice.finding(
                "scalpsite.yaml", f"photos.salt_regions: both '{seen[region]}' and '{angle}' measure the {region} "
                "region", line, "give each region one angle"))
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
    found += _expected(rec, s, config)
    for angle in s.photo_meta:
        if angle not in rec.photos:
            found.append(warning("photo-meta-no-photo", rec.yaml_path, f"photo_meta.{angle}: this session has "
                                 f"no {angle} photo{did_you_mean(angle, rec.photos)}", line(("photo_meta", angle)),
                                 "use the angle of a photo in this session"))
    found += _density(rec, s, config)
    found += plausibility_findings(s, rec.yaml_path, rec.lines)
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


def _missing(s: Session, m: Measure) -> bool:
    """Not given, or given by parts some of which are still empty (a template not filled in)."""
    given = raw(s, m)
    return given is None or (isinstance(given, BaseModel) and None in given.model_dump().values())


def _expected(rec: SessionRecord, s: Session, config: Config) -> list[Finding]:
    """A warning for each group of expected measures (one code, registry `expected`) the session lacks."""
    tracked = {c.value for c in config.conditions}
    groups: dict[str, list[Measure]] = {}
    for m in recorded():
        if m.expected is not None and (m.always or m.condition in tracked):
            groups.setdefault(m.expected.code, []).append(m)
    found = []
    for group in groups.values():
        first, expected = group[0], group[0].expected
        if expected is not None and all(_missing(s, m) for m in group):
            line = rec.lines.get((first.place,)) if first.place else None
            found.append(warning(expected.code, rec.yaml_path, expected.message, line, expected.hint))
    return found


def _side_effects(rec: SessionRecord, s: Session) -> list[Finding]:
    found = []  # whether side effects were recorded at all: analysis/checks/recordcheck.py, with the checklist
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
