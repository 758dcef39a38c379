"""Stage 1: read the journal's files into typed models; no scoring, no writing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from scalpsite.errors import JournalError
from scalpsite.findings import Finding, error
from scalpsite.journal.themefiles import unused_templates
from scalpsite.journal.injectionlog import InjectionLog, read_log
from scalpsite.journal.limits import DATE_MAX, DATE_MIN
from scalpsite.journal.locate import CONFIG_FILE
from scalpsite.journal.configmodel import Config
from scalpsite.journal.models import AppointmentMeta, Session
from scalpsite.journal.treatment import config_as_of
from scalpsite.journal.paths import links_outside, within
from scalpsite.journal.photofiles import PHOTO_EXTS, find_masks, find_photos, mapped_photos
from scalpsite.journal.validation import validate
from scalpsite.journal.yamlsource import YamlDoc, load_yaml_file, parse_yaml, read_text

FOLDER_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-([A-Za-z0-9][A-Za-z0-9_.-]*))?$")
# Names from the journal that output names are made of stay far below a file system's 255 bytes:
# a session folder names sessions/<folder>.html (a photo's name: photofiles.MAX_PHOTO_NAME).
MAX_SUFFIX = 60  # characters after the date of a session folder (all ASCII)


@dataclass
class SessionRecord:
    """One session folder as read from disk; `session` is None when its YAML is invalid."""

    folder: str
    date: dt.date
    session: Session | None
    photos: dict[str, str] = field(default_factory=dict)  # angle -> journal-relative path
    masks: dict[str, str] = field(default_factory=dict)  # angle -> journal-relative path of its mask
    closeups: int = 0  # photos in closeups/: kept in the journal, never published (nor their names)
    notes: str = ""
    lines: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)  # key path -> a number as written in session.yaml
    has_yaml: bool = True
    notes_file: bool = False  # whether the notes come (also) from notes.md

    @property
    def notes_path(self) -> str:
        """Where the notes were written: notes.md when there is one, else session.yaml."""
        return f"sessions/{self.folder}/notes.md" if self.notes_file else self.yaml_path

    @property
    def yaml_path(self) -> str:
        return f"sessions/{self.folder}/session.yaml"


@dataclass
class Appointment:
    date: dt.date
    path: str
    meta: AppointmentMeta
    body: str


@dataclass
class Journal:
    """Everything read from a journal folder, plus the problems met while reading."""

    root: Path
    config: Config | None
    sessions: list[SessionRecord] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Files the journal holds that no output uses (a photo named by no angle, a second file for
    # an angle...): said by `check` only, since the outputs never name an unpublished file.
    unused: list[Finding] = field(default_factory=list)
    config_lines: dict = field(default_factory=dict)
    injections: InjectionLog | None = None  # injections.csv; None when the journal has none

    def require_config(self) -> Config:
        """The config, for a stage that needs a valid scalpsite.yaml; a JournalError listing its problems if not."""
        if self.config is None:
            problems = [f for f in self.findings if f.path == CONFIG_FILE]
            lines = "\n".join(f"  {f.location()}: {f.message}" for f in problems)
            raise JournalError(f"{CONFIG_FILE} has errors; fix them and run the command again:\n{lines}")
        return self.config

    def until(self, day: dt.date) -> Journal:
        """The journal as it stood on `day`: later sessions, appointments, injections and their
        findings left out, and the configuration's facts as they stood (treatment.config_as_of).

        A dossier for an appointment knows nothing recorded after it.
        """
        later = {f"sessions/{r.folder}" for r in self.sessions if r.date > day}
        later |= {a.path for a in self.appointments if a.date > day}
        kept = [f for f in self.findings if not any(f.path == p or f.path.startswith(p + "/") for p in later)]
        log = self.injections
        if log is not None:
            log = replace(log, rows=[r for r in log.rows if r.row.date <= day])
        config = config_as_of(self.config, day) if self.config is not None else None
        return replace(self, config=config, sessions=[r for r in self.sessions if r.date <= day],
                       appointments=[a for a in self.appointments if a.date <= day], findings=kept,
                       injections=log)


def load(root: Path) -> Journal:
    """Read a journal folder; raises only when it is not a journal at all."""
    root = Path(root)
    if not (root / CONFIG_FILE).is_file():
        raise JournalError(
            f"no {CONFIG_FILE} here; run 'scalpsite init {root}' to start a journal, "
            "or point to the journal folder", str(root))
    journal = Journal(root, None)
    journal.config = _load_config(root, journal.findings, journal.config_lines)
    angles = photo_angles(journal.config) if journal.config else []
    journal.sessions = _load_sessions(root, angles, journal.findings, journal.unused)
    journal.appointments = _load_appointments(root, journal.findings)
    journal.injections = read_log(root, journal.findings)
    if journal.config is not None:
        journal.findings += theme_links(root, journal.config.theme) + unused_templates(root, journal.config.theme)
    return journal


def photo_angles(config: Config) -> list[str]:
    """Every angle a session may have a photo of: the usual ones, then the optional ones."""
    return list(dict.fromkeys(config.photos.angles + config.photos.optional))


def outside(root: Path, path: Path, shown: str, findings: list[Finding], what: str = "file") -> bool:
    """Whether `path` leaves the journal through a link; if so, say so as an error finding."""
    if within(root, path):
        return False
    findings.append(error("link-outside", shown, f"this {what} is a link to a place outside the journal, "
                          "so scalpsite does not read it", hint=f"copy the {what} into the journal instead"))
    return True


def theme_links(root: Path, theme: str) -> list[Finding]:
    """A finding for every file of the journal's own theme that links outside the journal."""
    found: list[Finding] = []
    for path in links_outside(root, root / "themes" / theme):
        shown = path.relative_to(root).as_posix()
        outside(root, path, shown, found, "theme file")
    return found


def _read_doc(path: Path, shown: str, findings: list[Finding], root: Path) -> YamlDoc | None:
    if outside(root, path, shown, findings):
        return None
    try:
        return load_yaml_file(path, shown)
    except JournalError as exc:
        findings.append(error("invalid-file", shown, exc.detail, exc.line,
                              exc.hint or "fix the file so it is valid YAML"))
        return None


def _load_config(root: Path, findings: list[Finding], lines: dict) -> Config | None:
    doc = _read_doc(root / CONFIG_FILE, CONFIG_FILE, findings, root)
    if doc is None:
        return None
    lines.update(doc.lines)
    config, problems = validate(Config, doc, CONFIG_FILE)
    findings.extend(problems)
    return config


def _listing(folder: Path, shown: str, findings: list[Finding]) -> list[Path]:
    """The entries of a folder, sorted; an unreadable folder is an error finding and no entries."""
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        findings.append(error("unreadable", shown, f"cannot read this folder ({exc.strerror})",
                              hint="check the folder's permissions"))
        return []


def _load_sessions(root: Path, angles: list[str], findings: list[Finding],
                   unused: list[Finding]) -> list[SessionRecord]:
    base = root / "sessions"
    if not base.is_dir() or outside(root, base, "sessions", findings, "folder"):
        return []
    records = []
    where = f"{root.resolve()}\n{angles!r}"  # what decides how every folder is read, besides its files
    for folder in _listing(base, "sessions", findings):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        # sessions/ itself is inside (checked above): only a folder that is a link may lead out of it
        if folder.is_symlink() and not within(root, folder):
            findings.append(error("session-outside", f"sessions/{folder.name}", "session folder is a link to "
                                  "a folder outside the journal", hint="move the folder into sessions/"))
            continue
        record = _remembered_session(root, folder, angles, findings, unused, where)
        if record is not None:
            records.append(record)
    return sorted(records, key=lambda r: (r.date, r.folder))


# Sessions read by this process, by folder: a long-running preview reads again only the
# session folders that changed (their stamp), not all of them at every save.
_READ: dict[str, tuple[str, SessionRecord | None, list[Finding], list[Finding]]] = {}
READ_MAX = 4096


def _folder_stamp(folder: Path, where: str) -> str:
    """Everything a session folder is read from: each entry's and each close-up's stat, and
    (`where`) the journal's place and the settings that decide what is a photo."""
    import os

    parts = [where]
    names: set[str] = set()
    for place in (folder, folder / "closeups"):
        if place is not folder and "closeups" not in names:
            parts.append("closeups:none")  # not there (in any case): no need to ask the file system again
            continue
        try:
            for entry in sorted(os.scandir(place), key=lambda e: e.name):
                st = entry.stat(follow_symlinks=False)
                target = os.path.realpath(entry.path) if entry.is_symlink() else ""
                parts.append(f"{entry.name}:{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:"
                             f"{st.st_ino}:{target}")
                names.add(entry.name.lower())
        except OSError as exc:
            parts.append(f"{place.name}:unreadable:{exc.errno}")
    return "\n".join(parts)


def _remembered_session(root: Path, folder: Path, angles: list[str], findings: list[Finding],
                        unused: list[Finding], where: str) -> SessionRecord | None:
    """`_load_session`, answered from this process's last reading when the folder is unchanged
    (`where`: the journal's resolved root and the angles, as `_folder_stamp` takes them)."""
    stamp = _folder_stamp(folder, where)
    known = _READ.get(str(folder))
    if known is not None and known[0] == stamp:
        findings.extend(known[2])
        unused.extend(known[3])
        return known[1]
    found: list[Finding] = []
    ignored: list[Finding] = []
    record = _load_session(root, folder, angles, found, ignored)
    findings.extend(found)
    unused.extend(ignored)
    if len(_READ) >= READ_MAX:  # a process that reads many journals (tests) keeps a bounded memory
        _READ.clear()
    _READ[str(folder)] = (stamp, record, found, ignored)
    return record


def folder_date(name: str) -> dt.date | None:
    """The date a session folder is named by (within the dates scalpsite accepts), or None."""
    m = FOLDER_RE.match(name)
    if not m or len(m.group(2) or "") > MAX_SUFFIX:
        return None
    try:
        day = dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


def _load_session(root: Path, folder: Path, angles: list[str], findings: list[Finding],
                  unused: list[Finding]) -> SessionRecord | None:
    rel = f"sessions/{folder.name}"
    day = folder_date(folder.name)
    if day is None:
        findings.append(_bad_folder(folder.name, rel))
        return None
    yaml_file = folder / "session.yaml"
    record = SessionRecord(folder.name, day, None, has_yaml=yaml_file.is_file())
    if record.has_yaml:
        doc = _read_doc(yaml_file, record.yaml_path, findings, root)
        if doc is not None:
            record.lines, record.raw = doc.lines, doc.raw
            record.session, problems = validate(Session, doc, record.yaml_path)
            findings.extend(problems)
    else:
        record.session = Session()
        findings.append(error("missing-session-yaml", rel, "no session.yaml in this session folder",
                              hint="run 'scalpsite new --date' or add session.yaml"))
    entries = _listing(folder, rel, findings)
    mapped = mapped_photos(folder, rel, record, angles, findings)
    record.photos = find_photos(entries, rel, angles, mapped, findings, unused) | mapped
    record.masks = find_masks(entries, rel, record.photos, findings, unused)
    record.closeups = len(_find_closeups(root, folder, rel, findings))
    record.notes = _read_notes(root, folder, rel, record, findings)
    return record


def _bad_folder(name: str, rel: str) -> Finding:
    """Why a session folder's name is refused: no date in range, or a suffix too long."""
    m = FOLDER_RE.match(name)
    if m and folder_date(m.group(1)) is not None:
        return error("bad-folder-name", rel, f"the suffix of this session folder has {len(m.group(2))} "
                     f"characters; at most {MAX_SUFFIX}, so that the pages named after it fit a file name",
                     hint="shorten it: 2025-01-06-followup")
    return error("bad-folder-name", rel, f"session folder '{name}' is not named by a date between "
                 f"{DATE_MIN} and {DATE_MAX}", hint="rename it YYYY-MM-DD, optionally with a suffix: "
                 "2025-01-06-followup")


def _find_closeups(root: Path, folder: Path, rel: str, findings: list[Finding]) -> list[str]:
    extra = folder / "closeups"
    if not extra.is_dir() or outside(root, extra, f"{rel}/closeups", findings, "folder"):
        return []
    return [f"{rel}/closeups/{p.name}" for p in _listing(extra, f"{rel}/closeups", findings)
            if p.is_file() and p.suffix.lower() in PHOTO_EXTS and within(root, p)]


def _read_notes(root: Path, folder: Path, rel: str, record: SessionRecord, findings: list[Finding]) -> str:
    parts = [record.session.notes] if record.session and record.session.notes else []
    notes_file = folder / "notes.md"
    if notes_file.is_file() and not outside(root, notes_file, f"{rel}/notes.md", findings):
        record.notes_file = True
        try:
            parts.append(read_text(notes_file, f"{rel}/notes.md"))
        except JournalError as exc:
            findings.append(error("invalid-file", f"{rel}/notes.md", exc.detail, exc.line))
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _load_appointments(root: Path, findings: list[Finding]) -> list[Appointment]:
    base = root / "appointments"
    if not base.is_dir() or outside(root, base, "appointments", findings, "folder"):
        return []
    out = []
    for f in _listing(base, "appointments", findings):
        shown = f"appointments/{f.name}"
        if f.suffix != ".md" or outside(root, f, shown, findings):
            continue
        appt = _load_appointment(f, shown, findings)
        if appt is not None:
            out.append(appt)
    return out


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter, body, line where the body starts) of a Markdown file."""
    if not text.startswith("---"):
        return "", text, 1
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1:]), i + 2
    return "", text, 1


def _load_appointment(path: Path, shown: str, findings: list[Finding]) -> Appointment | None:
    day = folder_date(path.stem)
    if day is None:
        findings.append(error("bad-appointment-name", shown, "appointment file is not named by a date",
                              hint="rename it YYYY-MM-DD.md"))
        return None
    try:
        front, body, _ = split_front_matter(read_text(path, shown))
        doc = parse_yaml(front, shown) if front.strip() else YamlDoc({})
        doc.lines = {k: v + 1 for k, v in doc.lines.items()}  # front matter starts on line 2
    except JournalError as exc:
        findings.append(error("invalid-file", shown, exc.detail, exc.line))
        return None
    if not isinstance(doc.data, dict):
        findings.append(error("invalid-file", shown, "front matter must be keys and values", 2))
        return None
    meta, problems = validate(AppointmentMeta, doc, shown)
    findings.extend(problems)
    return Appointment(day, shown, meta or AppointmentMeta(), body.strip())
