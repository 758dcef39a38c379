"""`init` and `new`: write a journal's starting files and new session folders."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from scalpsite.errors import ScalpsiteError
from scalpsite.journal.editors import (
    SCHEMA_DIR,
    gitattributes,
    schema,
    vscode_settings,
    write_schemas,
)
from scalpsite.journal.effects import Effect, checklist
from scalpsite.journal.injectionlog import append
from scalpsite.journal.load import CONFIG_FILE, FOLDER_RE, MAX_SUFFIX, Journal, load
from scalpsite.journal.configmodel import SCHEDULES, Config
from scalpsite.journal.models import PARTS, InjectionRow
from scalpsite.measures.kinds import Measure
from scalpsite.measures.registry import recorded
from scalpsite.journal.treatment import (
    DOSE_MG_PRESETS,
    DOSING_PRESETS,
    generic,
    primary_treatment,
    same_drug,
)

__all__ = ["Started", "init", "new_injection", "new_session", "schema", "session_text"]

CONFIG_TEMPLATE = """\
# yaml-language-server: $schema=.scalpsite/config.schema.json
title: Hair regrowth journal
patient: {{name: null, birth_date: null}}
conditions: [alopecia_areata]          # add atopic_dermatitis to track it too
treatments:
  - drug: {drug}
    start: {start}
    dose: null
    indication: null
    schedule: {schedule}
    dosing: {dosing}
photos: {{angles: [overhead, front, back, left, right]}}
density: {{unit: FU/cm², zones: [frontal, midscalp, crown, occipital, temporal_left, temporal_right]}}
"""

# What scalpsite writes into the journal: the output, the bundle, the cache, and the folders and
# files a build stages beside them (left behind only when a build is killed).
GITIGNORE = "_site/\n._site.building-*\n._site.old-*\n_bundle.html\n._bundle.html.*.tmp\n.scalpsite-cache/\n"
README = """\
# My hair regrowth journal

This folder is a scalpsite journal: plain files that you own.

- `scalpsite.yaml`: your treatments and what you track.
- `sessions/YYYY-MM-DD/`: one folder per tracking session, with `session.yaml`
  (your measurements) and five photos named `overhead`, `front`, `back`,
  `left`, `right` (.jpg, .heic, .png ...). Optional `notes.md`.
- `appointments/YYYY-MM-DD.md`: questions for your next appointment.

Photo protocol: same place, same light, same distance and same camera every
time, hair dry and unstyled. Comparable photos are the best evidence.

Commands: `scalpsite new` (next session), `scalpsite check` (is my record
complete?), `scalpsite build` (site and PDF dossier in `_site/`).
"""


@dataclass(frozen=True)
class Started:
    """What `init` made: the first session's folder, the drug preset used, the files it left alone."""

    first: Path
    preset: str | None  # 'dupilumab' (also for Dupixent); None when the drug has no preset
    kept: list[str]  # dotfiles that were already there and stay as they were


def init(root: Path, start: dt.date, drug: str = "dupilumab") -> Started:
    """Create a journal in `root` (new, empty, or holding only dotfiles such as .git) with a first,
    empty session; a file that exists is never overwritten."""
    root = Path(root)
    _refuse_unless_fresh(root)
    root.mkdir(parents=True, exist_ok=True)
    preset = generic(drug) if generic(drug) in SCHEDULES else None
    dosing = DOSING_PRESETS.get(preset or "")
    dosing_text = f"{{interval_days: {dosing.interval_days}, loading_doses: {dosing.loading_doses}}}" if dosing \
        else "null                # {interval_days: 14, loading_doses: 2} for an injected drug"
    (root / CONFIG_FILE).write_text(CONFIG_TEMPLATE.format(drug=_yaml_text(drug), start=start,
                                                           schedule=preset or "default", dosing=dosing_text))
    kept = [name for name, text in ((".gitignore", GITIGNORE), (".gitattributes", gitattributes()),
                                    (".vscode/settings.json", vscode_settings())) if not _write_new(root, name, text)]
    (root / "README.md").write_text(README)
    (root / "appointments").mkdir()
    if os.path.lexists(root / SCHEMA_DIR):
        kept.append(SCHEMA_DIR)
    else:
        write_schemas(root)
    return Started(new_session(load(root), start), preset, sorted(kept))


def _refuse_unless_fresh(root: Path) -> None:
    """A journal starts in a new folder, an empty one, or one holding only dotfiles (`git init` first)."""
    if root.exists() and not root.is_dir():
        raise ScalpsiteError(f"{root} is a file; 'scalpsite init' starts a journal in a folder")
    others = sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        raise ScalpsiteError(f"{root} is not empty ({shown}); 'scalpsite init' starts a journal in a new "
                             "folder, an empty one or one holding only dotfiles such as .git")


def _write_new(root: Path, name: str, text: str) -> bool:
    """Write root/name unless it (or a link on its way) exists: True when written."""
    target = root / name
    if os.path.lexists(target) or target.parent.is_symlink():
        return False
    target.parent.mkdir(exist_ok=True)
    target.write_text(text)
    return True


def _yaml_text(text: str) -> str:
    """A drug name as a YAML scalar that reads back as the same text (quoted unless plainly a name)."""
    plain = re.fullmatch(r"[^\W\d_][\w .+/()-]*", text) and text.lower() not in ("null", "true", "false")
    return text if plain and text == text.strip() else json.dumps(text, ensure_ascii=False)


SESSION_TEMPLATE = """\
# yaml-language-server: $schema=../../.scalpsite/session.schema.json
# {date}: fill in what you measured; leave out what you did not.
{scalp}density: {{{zones}}}
{always}{tracked}{effects}side_effects:                   # anything else since the last session: none, or a list
                                # such as - {{name: hair shedding, severity: mild}}
medications: [{medications}]
lighting: null
"""
COMMENT_AT = 32  # the column the comments of one-line keys start at


def _line(key: str, value: str, comment: str) -> str:
    """`key: value`, then its comment: at COMMENT_AT for a plain key, after a mapping written on one line."""
    text = f"{key}: {value}"
    if not comment:
        return text + "\n"
    first, *more = comment.split("\n")
    head = f"{text:<{COMMENT_AT}}# {first}" if value == "null" else f"{text}   # {first}"
    return "\n".join([head, *(f"{'':<{COMMENT_AT}}# {line}" for line in more)]) + "\n"


def _value(m: Measure) -> str:
    """A measure's empty value: null, or the mapping of its parts ({top: null, back: null, ...})."""
    if m.parts is None:
        return "null"
    return "{" + ", ".join(f"{p}: null" for p in PARTS[m.parts].model_fields) + "}"


def measure_lines(measures: list[Measure]) -> str:
    """The lines of a new session.yaml for `measures` (those with a template), in the registry's order;
    the measures of one mapping (ad) on its line, where the first of them is."""
    lines: list[tuple[str, list[str], list[str]]] = []  # (key, values, comments)
    at: dict[str, int] = {}
    for m in measures:
        if m.template is None:
            continue
        comment = [m.template_text()] if m.template_text() else []
        if m.place is None:
            lines.append((m.key, [_value(m)], comment))
            continue
        if m.place not in at:
            at[m.place] = len(lines)
            lines.append((m.place, [], []))
        lines[at[m.place]][1].append(f"{m.key}: null")
        lines[at[m.place]][2].extend(comment)
    return "".join(_line(key, values[0] if key not in at else "{" + ", ".join(values) + "}", ", ".join(comments))
                   for key, values, comments in lines)


EFFECTS_HEAD = """\
# Since the last session, did you have ...? Answer no, yes, mild, moderate or severe.
# Leave empty what you were not asked about: it then reads "not asked", never "none".
expected_effects:
"""


def effects_block(effects: list[Effect]) -> str:
    """The checklist of the tracked treatment, one key per effect, each left empty to answer."""
    if not effects:
        return ""
    width = max(len(e.key) for e in effects) + 2
    lines = [f"  {e.key + ':':<{width}}" + (f"  # {e.covers}" if e.covers else "") for e in effects]
    return EFFECTS_HEAD + "\n".join(line.rstrip() for line in lines) + "\n"


def _valid_config(journal: Journal) -> Config:
    """The config `new` writes from; refused while scalpsite.yaml has errors."""
    if journal.config is None:
        raise ScalpsiteError("scalpsite.yaml has errors; run 'scalpsite check' and fix them first")
    return journal.config


def session_text(journal: Journal, day: dt.date) -> str:
    """A session.yaml template carrying over zones and medications from the last session.

    Nothing about side effects is pre-filled: an unfilled template reads as not asked, never as none.
    """
    config = _valid_config(journal)
    last = journal.sessions[-1].session if journal.sessions else None
    meds = ", ".join(json.dumps(m, ensure_ascii=False) for m in (last.medications if last else []))
    zones = ", ".join(f"{z}: null" for z in config.density.zones)
    tracked = [c.value for c in config.conditions]
    always = [m for m in recorded() if m.always]  # the scalp's measures first, then density, as v0.1 wrote them
    by_condition = [m for c in tracked for m in recorded() if not m.always and m.condition == c]
    return SESSION_TEMPLATE.format(
        date=day, zones=zones, medications=meds, scalp=measure_lines(always[:1]), always=measure_lines(always[1:]),
        tracked=measure_lines(by_condition),
        effects=effects_block(checklist(primary_treatment(config))))


def session_folder_name(day: dt.date, suffix: str | None = None) -> str:
    """'2025-01-06' or '2025-01-06-<suffix>'; a suffix that cannot name a session folder is refused."""
    name = day.isoformat() + (f"-{suffix}" if suffix else "")
    if suffix is not None and not FOLDER_RE.fullmatch(name):
        raise ScalpsiteError(f"--suffix '{suffix}' cannot be part of a folder name; use letters, digits, "
                             "'-', '_' or '.', starting with a letter or digit (e.g. --suffix followup)")
    if suffix is not None and len(suffix) > MAX_SUFFIX:
        raise ScalpsiteError(f"--suffix has {len(suffix)} characters; at most {MAX_SUFFIX} (e.g. --suffix followup)")
    return name


def new_session(journal: Journal, day: dt.date, suffix: str | None = None) -> Path:
    """Create sessions/<day>[-<suffix>]/session.yaml; refuses a folder that exists."""
    _valid_config(journal)
    folder = journal.root / "sessions" / session_folder_name(day, suffix)
    if folder.exists():
        raise ScalpsiteError(f"{folder} already exists; pick another --date, or add --suffix NAME "
                             "for a second session that day")
    folder.mkdir(parents=True)
    (folder / "session.yaml").write_text(session_text(journal, day))
    return folder


def new_injection(journal: Journal, day: dt.date, site: str | None = None, dose_mg: float | None = None) -> InjectionRow:
    """Append a row for the tracked treatment's drug to injections.csv; returns the row written.

    The dose is the one given, else that of the drug's last row, else the drug's usual single
    injection (dupilumab: 300 mg); the site is left empty when not given (check then says so).
    """
    treatment = primary_treatment(_valid_config(journal))
    if treatment is None:
        raise ScalpsiteError("scalpsite.yaml has no treatment to log an injection of")
    if dose_mg is None:
        logged = [r.row for r in (journal.injections.rows if journal.injections else [])
                  if same_drug(r.row.drug, treatment.drug)]
        dose_mg = logged[-1].dose_mg if logged else DOSE_MG_PRESETS.get(generic(treatment.drug))
    if dose_mg is None:
        raise ScalpsiteError(f"no dose of {treatment.drug} logged yet; give it with --dose MG")
    row = InjectionRow(date=day, drug=treatment.drug, dose_mg=dose_mg, site=site)
    append(journal.root, row)
    return row
