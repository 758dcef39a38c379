"""Stage 1: read the journal's files into typed models; no scoring, no writing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from scalpsite.errors import JournalError
from scalpsite.findings import Finding, error, warning
from scalpsite.journal.models import AppointmentMeta, Config, Session
from scalpsite.journal.validation import validate
from scalpsite.journal.yamlsource import YamlDoc, load_yaml_file, parse_yaml, read_text

CONFIG_FILE = "scalpsite.yaml"
PHOTO_EXTS = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".avif")
MASK_SUFFIX = ".mask.png"  # a painted SALT mask beside a photo: overhead.jpg -> overhead.mask.png
FOLDER_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-([A-Za-z0-9][A-Za-z0-9_.-]*))?$")


@dataclass
class SessionRecord:
    """One session folder as read from disk; `session` is None when its YAML is invalid."""

    folder: str
    date: dt.date
    session: Session | None
    photos: dict[str, str] = field(default_factory=dict)  # angle -> journal-relative path
    masks: dict[str, str] = field(default_factory=dict)  # angle -> journal-relative path of its mask
    closeups: list[str] = field(default_factory=list)
    notes: str = ""
    lines: dict = field(default_factory=dict)
    has_yaml: bool = True

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
    config_lines: dict = field(default_factory=dict)


def load(root: Path) -> Journal:
    """Read a journal folder; raises only when it is not a journal at all."""
    root = Path(root)
    if not (root / CONFIG_FILE).is_file():
        raise JournalError(
            f"no {CONFIG_FILE} here; run 'scalpsite init {root}' to start a journal, "
            "or point to the journal folder", str(root))
    journal = Journal(root, None)
    journal.config = _load_config(root, journal.findings, journal.config_lines)
    journal.sessions = _load_sessions(root, journal.findings)
    journal.appointments = _load_appointments(root, journal.findings)
    return journal


def _read_doc(path: Path, shown: str, findings: list[Finding]) -> YamlDoc | None:
    try:
        return load_yaml_file(path, shown)
    except JournalError as exc:
        findings.append(error("invalid-file", shown, exc.detail, exc.line,
                              "fix the file so it is valid YAML"))
        return None


def _load_config(root: Path, findings: list[Finding], lines: dict) -> Config | None:
    doc = _read_doc(root / CONFIG_FILE, CONFIG_FILE, findings)
    if doc is None:
        return None
    lines.update(doc.lines)
    config, problems = validate(Config, doc, CONFIG_FILE)
    findings.extend(problems)
    return config


def _load_sessions(root: Path, findings: list[Finding]) -> list[SessionRecord]:
    base = root / "sessions"
    if not base.is_dir():
        return []
    records = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if _inside(base, folder.name) is None:
            findings.append(error("session-outside", f"sessions/{folder.name}", "session folder is a link to "
                                  "a folder outside the journal", hint="move the folder into sessions/"))
            continue
        record = _load_session(folder, findings)
        if record is not None:
            records.append(record)
    return sorted(records, key=lambda r: (r.date, r.folder))


def folder_date(name: str) -> dt.date | None:
    """The date a session folder is named by, or None."""
    m = FOLDER_RE.match(name)
    if not m:
        return None
    try:
        return dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None


def _load_session(folder: Path, findings: list[Finding]) -> SessionRecord | None:
    rel = f"sessions/{folder.name}"
    day = folder_date(folder.name)
    if day is None:
        findings.append(error("bad-folder-name", rel, f"session folder '{folder.name}' is not named by a date",
                              hint="rename it YYYY-MM-DD, optionally with a suffix: 2025-01-06-followup"))
        return None
    yaml_file = folder / "session.yaml"
    record = SessionRecord(folder.name, day, None, has_yaml=yaml_file.is_file())
    if record.has_yaml:
        doc = _read_doc(yaml_file, record.yaml_path, findings)
        if doc is not None:
            record.lines = doc.lines
            record.session, problems = validate(Session, doc, record.yaml_path)
            findings.extend(problems)
    else:
        record.session = Session()
        findings.append(error("missing-session-yaml", rel, "no session.yaml in this session folder",
                              hint="run 'scalpsite new --date' or add session.yaml"))
    record.photos = _find_photos(folder, rel, record, findings)
    record.masks = _find_masks(folder, rel, record.photos, findings)
    record.closeups = _find_closeups(folder, rel)
    record.notes = _read_notes(folder, rel, record, findings)
    return record


def _find_photos(folder: Path, rel: str, record: SessionRecord, findings: list[Finding]) -> dict[str, str]:
    photos = {}
    for f in sorted(folder.iterdir()):
        stem, ext = f.stem.lower(), f.suffix.lower()
        if not (f.is_file() and ext in PHOTO_EXTS) or stem in photos or f.name.lower().endswith(MASK_SUFFIX):
            continue
        if _inside(folder, f.name) is None:
            findings.append(error("photo-outside", f"{rel}/{f.name}", "photo is a link to a file outside "
                                  "the session folder", hint="copy the photo into the session folder"))
            continue
        photos[stem] = f"{rel}/{f.name}"
    mapping = record.session.photos if record.session else {}
    for angle, name in sorted(mapping.items()):
        line = record.lines.get(("photos", angle))
        target = _inside(folder, name)
        if target is None:
            findings.append(error("photo-outside", record.yaml_path,
                                  f"photos.{angle}: '{name}' is outside the session folder", line,
                                  "put the photo in the session folder and give its file name only"))
        elif not target.is_file():
            findings.append(error("photo-not-found", record.yaml_path,
                                  f"photos.{angle}: no file '{name}' in {rel}", line,
                                  "fix the file name or add the photo"))
        else:
            photos[angle] = f"{rel}/{PurePosixPath(name)}"
    return photos


def _find_masks(folder: Path, rel: str, photos: dict[str, str], findings: list[Finding]) -> dict[str, str]:
    """The painted mask of each photo (its stem + .mask.png, any case); links out are refused."""
    files = {f.name.lower(): f.name for f in folder.iterdir() if f.name.lower().endswith(MASK_SUFFIX)}
    masks, used = {}, set()
    for angle, path in sorted(photos.items()):
        name = files.get(PurePosixPath(path).stem.lower() + MASK_SUFFIX)
        if name is None:
            continue
        used.add(name)
        if _inside(folder, name) is None:
            findings.append(error("mask-outside", f"{rel}/{name}", "mask is a link to a file outside the "
                                  "session folder", hint="copy the mask into the session folder"))
        elif (folder / name).is_file():
            masks[angle] = f"{rel}/{name}"
    for name in sorted(set(files.values()) - used):
        findings.append(warning("mask-without-photo", f"{rel}/{name}", "no photo of this name beside the mask",
                                hint="name the mask after its photo: overhead.jpg -> overhead.mask.png"))
    return masks


def _inside(folder: Path, name: str) -> Path | None:
    """The file `name` under `folder`, or None when it would leave the folder."""
    if not name or Path(name).is_absolute() or ".." in PurePosixPath(name).parts:
        return None
    target = folder / name
    try:
        target.resolve().relative_to(folder.resolve())
    except ValueError:
        return None
    return target


def _find_closeups(folder: Path, rel: str) -> list[str]:
    extra = folder / "closeups"
    if not extra.is_dir():
        return []
    return [f"{rel}/closeups/{p.name}" for p in sorted(extra.iterdir())
            if p.is_file() and p.suffix.lower() in PHOTO_EXTS]


def _read_notes(folder: Path, rel: str, record: SessionRecord, findings: list[Finding]) -> str:
    parts = [record.session.notes] if record.session and record.session.notes else []
    notes_file = folder / "notes.md"
    if notes_file.is_file():
        try:
            parts.append(read_text(notes_file, f"{rel}/notes.md"))
        except JournalError as exc:
            findings.append(error("invalid-file", f"{rel}/notes.md", exc.detail, exc.line))
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _load_appointments(root: Path, findings: list[Finding]) -> list[Appointment]:
    base = root / "appointments"
    if not base.is_dir():
        return []
    out = []
    for f in sorted(base.glob("*.md")):
        appt = _load_appointment(f, f"appointments/{f.name}", findings)
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
