"""The preview's photo stage, kept in memory between its builds.

The photo stage (renditions, then masks, alignments, ghosts and grey cards) is a function of the
photo and mask files, of what the journal says about them, of the configuration and of the
cache it works in. A save of a session.yaml that changes none of these (a value, notes) takes
the last build's result as it is, instead of taking the stat of every photo and mask again and
reading the cache's indexes (a quarter of a second at 650 photos).

What the stage reads of each session is listed in `session_inputs`; a test runs the stage on a
journal that reports every attribute read and fails on one missing from the list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from scalpsite.codeversion import code_digest
from scalpsite.journal.load import Journal, SessionRecord
from scalpsite.photos import images
from scalpsite.photos.evidence import FOLDER as EVIDENCE
from scalpsite.photos.evidence import INDEX as EVIDENCE_INDEX
from scalpsite.photos.evidence import Evidence, Mode
from scalpsite.photos.images import INDEX_FILE
from scalpsite.prepare import photo_stage
from scalpsite.store.memo import digest

Result = tuple[images.PhotoResult, Evidence]


@dataclass
class PhotoMemo:
    """The last photo stage of this process, with what it was made from."""

    inputs: str | None = None  # the journal's photos and what it says of them, as they were before the stage
    cache: str | None = None  # the cache's indexes and folders, as the stage left them
    result: Result | None = None
    reused: bool = False  # whether the last build took the kept result

    def stage(self, journal: Journal, cache: Path, progress: images.Progress | None) -> Result:
        """The photo stage's result for a build: the kept one while nothing it depends on changed."""
        inputs = photo_inputs(journal, cache)
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


def photo_inputs(journal: Journal, cache: Path) -> str:
    """A digest of everything the photo stage is made from but the cache: the photos' and masks'
    stats, what the journal says of them, the configuration and scalpsite's code."""
    root = journal.root
    parts: list = [str(root.resolve()), str(cache), code_digest(),
                   journal.config.model_dump(mode="json") if journal.config is not None else None]
    for rec in journal.sessions:
        parts.append(session_inputs(rec))
        for path in (*rec.photos.values(), *rec.masks.values()):
            parts.append(_stat(root / path))
    return digest(parts)


def _cache_stamp(cache: Path) -> str:
    """The stat of the stage's indexes and of its folders (a file added or removed changes a folder's)."""
    renditions, evidence = cache / "renditions", cache / EVIDENCE
    return repr([_stat(p) for p in (renditions, renditions / INDEX_FILE, evidence, evidence / EVIDENCE_INDEX)])


def _stat(path: Path) -> tuple:
    try:
        st = os.lstat(path)
    except OSError as exc:
        return str(path), "gone", exc.errno
    return str(path), st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino
