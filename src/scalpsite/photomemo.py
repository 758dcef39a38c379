"""The preview's photo stage, kept in memory between its builds.

The photo stage (renditions, then masks, alignments, ghosts and grey cards) is a function of the
photo and mask files, of what the journal says about them, of the configuration and of the
cache it works in. A save of a session.yaml that changes none of these (a value, notes) takes
the last build's result as it is: the stat of each photo and mask is taken again (through
links, as the stage reads them), but the cache's indexes and the evidence are not read, keyed
and checked again (a quarter of a second at 650 photos).

What the stage reads of each session is listed in `session_inputs`; a test runs the stage on a
journal that reports every attribute read and fails on one missing from the list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from scalpsite.codeversion import code_digest
from scalpsite.journal.load import Journal, SessionRecord
from scalpsite.photos import images
from scalpsite.photos.evidence import FOLDER as EVIDENCE
from scalpsite.photos.evidence import INDEX as EVIDENCE_INDEX
from scalpsite.photos.evidence import Evidence, Mode
from scalpsite.photos.images import INDEX_FILE
from scalpsite.prepare import photo_stage

Result = tuple[images.PhotoResult, Evidence]


@dataclass
class PhotoMemo:
    """The last photo stage of this process, with what it was made from."""

    inputs: list | None = None  # the journal's photos and what it says of them, as they were before the stage
    cache: list | None = None  # the cache's indexes and folders, as the stage left them
    result: Result | None = None
    reused: bool = False  # whether the last build took the kept result
    _sessions: dict[int, tuple[SessionRecord, list]] = field(default_factory=dict)

    def stage(self, journal: Journal, cache: Path, progress: images.Progress | None) -> Result:
        """The photo stage's result for a build: the kept one while nothing it depends on changed."""
        inputs = photo_inputs(journal, cache, self._sessions)
        self.reused = self.result is not None and inputs == self.inputs and _cache_stamp(cache) == self.cache
        if self.reused and self.result is not None:
            photos, evidence = self.result
            return replace(photos, rendered=0, cached=photos.rendered + photos.cached), evidence
        self.result = None  # a stage that fails half-way keeps nothing
        result = photo_stage(journal, cache, progress, Mode.BUILD)
        self.inputs, self.cache, self.result = inputs, _cache_stamp(cache), result
        return result


def session_inputs(rec: SessionRecord) -> list:
    """What the photo stage reads of a session: its place, date, photos, masks and photo_meta
    (the grey cards, and the lines their findings name)."""
    meta = rec.session.photo_meta if rec.session is not None else {}
    return [rec.folder, rec.date.isoformat(), rec.yaml_path, sorted(rec.photos.items()), sorted(rec.masks.items()),
            {angle: m.model_dump(mode="json") for angle, m in meta.items()},
            sorted((repr(k), v) for k, v in rec.lines.items() if k[:1] == ("photo_meta",))]


def photo_inputs(journal: Journal, cache: Path, known: dict[int, tuple[SessionRecord, list]] | None = None) -> list:
    """Everything the photo stage is made from but the cache: the photos' and masks' stats, what
    the journal says of them, the configuration and scalpsite's code.

    `known`: the session inputs of earlier calls, by record; a record the load stage gives again
    (the same object: its folder is unchanged) is not read again (`known` is brought up to date)."""
    root = journal.root
    parts: list = [str(root.resolve()), str(cache), code_digest(),
                   journal.config.model_dump(mode="json") if journal.config is not None else None]
    seen: dict[int, tuple[SessionRecord, list]] = {}
    base = os.fspath(root)
    for rec in journal.sessions:
        found = (known or {}).get(id(rec))
        seen[id(rec)] = found if found is not None and found[0] is rec else (rec, session_inputs(rec))
        parts.append(seen[id(rec)][1])
        for path in (*rec.photos.values(), *rec.masks.values()):
            parts.append(_stat(os.path.join(base, path)))
    if known is not None:
        known.clear()
        known.update(seen)
    return parts


def _cache_stamp(cache: Path) -> list:
    """The stat of the stage's indexes and of its folders (a file added or removed changes a folder's)."""
    renditions, evidence = cache / "renditions", cache / EVIDENCE
    return [_stat(os.fspath(p), follow=False)
            for p in (renditions, renditions / INDEX_FILE, evidence, evidence / EVIDENCE_INDEX)]


def _stat(path: str, follow: bool = True) -> tuple:
    """What a change of the file changes (of a link's target: the photo stage reads through links)."""
    try:
        st = os.stat(path, follow_symlinks=follow)
    except OSError as exc:
        return path, "gone", exc.errno
    return path, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino
