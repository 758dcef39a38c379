"""Fill the staging folder from the cache: copies, except files the previous output holds unchanged.

OUT never shares a file with the cache (an edit in OUT must not reach the cache). Copying every
photo rendition on every build, though, costs more than the rest of a no-op rebuild. So a file
that the previous output holds exactly as this build placed it last time is hard-linked from
there into the staging folder instead; after the swap the previous output is deleted and the
file is again OUT's alone.

"Exactly as placed" is checked with what a user cannot fake by editing: the inode, its change
time (ctime: updated by any write, by `touch` and by renames, and not settable), the size and
the modification time, recorded in the cache right after the swap. Anything else is copied.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scalpsite.store.guard import contained
from scalpsite.store.memo import place

RECORD = "placed.json"


@dataclass
class Placer:
    """Puts cached files into a staging folder, remembering what went where for the next build."""

    cache: Path
    out: Path
    staging: Path
    known: dict[str, list] = field(default_factory=dict)  # rel -> [source, dev, ino, ctime, mtime, size]
    placed: dict[str, str] = field(default_factory=dict)  # rel -> source (relative to the cache)
    reused: int = 0

    @classmethod
    def start(cls, cache: Path, out: Path, staging: Path) -> Placer:
        """A placer that knows what the last build into `out` placed, if the record is readable."""
        try:
            record = json.loads((cache / RECORD).read_text())
            known = record["files"] if record["out"] == str(out) else {}
        except (OSError, ValueError, KeyError, TypeError):
            known = {}
        return cls(cache, out, staging, known if isinstance(known, dict) else {})

    def place(self, src: Path, dst: Path) -> None:
        """Put the cached file src at dst in the staging folder."""
        rel, source = contained(dst, self.staging), contained(src, self.cache)
        self.placed[rel] = source
        if self._unchanged(rel, source):
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.out / rel, dst)
                self.reused += 1
                return
            except OSError:
                pass  # e.g. a file system without hard links: copy
        place(src, dst)

    def place_named(self, folder: str, files: Iterable[tuple[str, str]]) -> None:
        """Put each cached file `folder/name` at `rel` in the staging folder (pairs name, rel)."""
        base = self.cache / folder
        for name, rel in files:
            self.place(base / name, self.staging / rel)

    def _unchanged(self, rel: str, source: str) -> bool:
        entry = self.known.get(rel)
        if not entry or entry[0] != source:
            return False
        try:
            st = os.lstat(self.out / rel)
        except OSError:
            return False
        return stat.S_ISREG(st.st_mode) and st.st_nlink == 1 and entry[1:] == _stamp(st)

    def save(self) -> None:
        """Record what OUT now holds (call right after the swap, once the previous output is gone)."""
        files = {}
        for rel, source in sorted(self.placed.items()):
            try:
                files[rel] = [source, *_stamp(os.lstat(self.out / rel))]
            except OSError:
                continue
        tmp = self.cache / f".{RECORD}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"out": str(self.out), "files": files}))
        os.replace(tmp, self.cache / RECORD)


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_ctime_ns, st.st_mtime_ns, st.st_size]
