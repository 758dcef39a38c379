"""The preview's OUT, updated in place: only the files whose bytes changed are replaced.

A build renders into a side folder beside OUT (publish.stage) what it writes itself (data files,
pages, charts drawn now) and names the cached files it places (renditions, evidence, cached
charts) without copying them. Then each file of OUT is compared with what this build made: a
written file by the digest of its bytes, a placed one by its source in the cache; a file that
differs is replaced (`os.replace`, so a reader sees the old file or the new one, never half of
one), a file no longer made is deleted. A build that fails before that leaves OUT as it was.

What OUT holds is kept in memory (`OutRecord`: each file's digest or source, and its stat as
this process left it), so an unchanged file is never read again; a file whose stat differs
from the record (edited or deleted by hand) is written again. A cached file is known by its
path in the cache, whose name says what it is made of (the content keys of store/memo.py and
photos/images.py), as the CLI's placer (store/carry.py) knows it.

The side folder is made once (publish.stage, named with this process's id) and emptied of its
files after each update; once the process has ended, the next build into OUT removes it
(publish.recover), and the preview's OUT and side folder are in its own temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scalpsite.errors import BuildError
from scalpsite.output.markers import MARKER, MARKERS
from scalpsite.store.guard import contained
from scalpsite.store.memo import place
from scalpsite.store.publish import stage

Stat = tuple[int, int, int, int, int]  # dev, inode, ctime, mtime, size: what a hand edit changes


@dataclass
class OutRecord:
    """What OUT holds as this process last left it: rel -> (what it is made of, its stat)."""

    out: Path | None = None
    files: dict[str, tuple[str, Stat]] = field(default_factory=dict)
    replaced: int = 0  # files the last update wrote (the others were as they were)
    side: Path | None = None  # the side folder, kept empty between updates (making one costs more)

    def forget(self) -> None:
        """Know nothing of OUT: the next update compares every file."""
        self.out, self.files = None, {}


@dataclass
class InPlacer:
    """A render stage's placer for an update in place: written files go into `staging` (the side
    folder); a cached file is only named (`place`), and reaches OUT only when OUT lacks it; a file
    given whole (`write`) that OUT holds already as this process left it is not written again."""

    cache: Path
    out: Path
    staging: Path
    record: OutRecord = field(default_factory=OutRecord)
    present: dict[str, Stat] = field(default_factory=dict)  # OUT's files and their stat, before the render
    placed: dict[str, str] = field(default_factory=dict)  # rel -> source in the cache
    given: dict[str, str] = field(default_factory=dict)  # rel -> digest of a file given to `write`
    _folders: set[Path] = field(default_factory=set)

    def place(self, src: Path, dst: Path) -> None:
        """Put the cached file src at dst: named now, copied into OUT by the update when needed."""
        contained(src, self.cache)
        self.placed[contained(dst, self.staging)] = os.fspath(src)

    def place_named(self, folder: str, files: Iterable[tuple[str, str]]) -> None:
        """Put each cached file `folder/name` at `rel` (pairs name, rel): `place` for many files,
        checked by name as `place` checks them, without a path object for each."""
        base = os.fspath(self.cache / contained(self.cache / folder, self.cache))
        for name, rel in files:
            if not name or "/" in name or name == ".." or not rel or rel.startswith("/") or ".." in rel.split("/"):
                raise BuildError(f"refusing to place {folder}/{name} at {rel}: a name leads out of its folder")
            self.placed[rel] = f"{base}/{name}"

    def write(self, rel: str, data: bytes, sha256: str | None = None) -> None:
        """Write a file of the output (`sha256`: of data, when the caller knows it); not even into
        the side folder when OUT holds these bytes."""
        digest = "w:" + (sha256 or hashlib.sha256(data).hexdigest())
        dest = self.staging / contained(self.staging / rel, self.staging)
        if self.given.get(rel) is not None:  # given again (the pages, once the charts are known)
            dest.unlink(missing_ok=True)
        self.given[rel] = digest
        if self.record.files.get(rel) == (digest, self.present.get(rel, _NONE)):
            return
        if dest.parent not in self._folders:
            dest.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(dest.parent)
        dest.write_bytes(data)

    def present_all(self) -> None:
        """Copy every named file into the side folder (for a step that reads them there: typst)."""
        for rel, src in self.placed.items():
            if not (self.staging / rel).exists():
                place(Path(src), self.staging / rel)


_NONE: Stat = (0, 0, 0, 0, -1)  # the stat of a file OUT lacks: equal to no recorded one


def update(out: Path, cache: Path, render: Callable[[InPlacer], None], record: OutRecord) -> None:
    """Render into a side folder, then bring OUT to what it made; if rendering fails, OUT stays as it was."""
    if record.out != out:
        record.forget()
    side = record.side
    if side is None or side.parent != out.parent or side.is_symlink() or not side.is_dir():
        side = record.side = stage(out)
    try:
        _empty(side)  # what a failed build left
        placer = InPlacer(cache, out, side, record, _files(out) if out.is_dir() else {})
        render(placer)
        try:
            _apply(placer, record)
        except BaseException:
            record.forget()  # OUT is part old, part new: the next update compares every file
            raise
        record.out = out
    finally:
        _empty(side)  # the files not moved into OUT; its folders stay for the next update


def _empty(side: Path) -> None:
    """Delete the files of the side folder (never following a link), keeping its folders."""
    for rel in _files(side):
        (side / rel).unlink(missing_ok=True)


def _apply(placer: InPlacer, record: OutRecord) -> None:
    out, side, present = placer.out, placer.staging, placer.present
    out.mkdir(parents=True, exist_ok=True)
    made: dict[str, tuple[str, Stat]] = {}
    replaced = 0
    for rel in _files(side):
        if rel in placer.placed:
            continue  # a named file copied for typst: placed below, from its source
        made[rel] = (placer.given.get(rel) or "w:" + _digest(side / rel), present.get(rel, _NONE))
        if not _same(record, rel, made[rel]):
            made[rel] = (made[rel][0], _put(side / rel, out, rel, os.replace))
            replaced += 1
    for rel, digest in placer.given.items():
        made.setdefault(rel, (digest, present.get(rel, _NONE)))  # kept: OUT holds it (checked by `write`)
    for rel, src in placer.placed.items():  # a cached file is named by what it is made of: its name is enough
        made[rel] = (f"p:{src}", present.get(rel, _NONE))
        if not _same(record, rel, made[rel]):
            made[rel] = (made[rel][0], _put(Path(src), out, rel, _copy))
            replaced += 1
    gone = present.keys() - made.keys() - {MARKER}
    for rel in gone:
        (out / rel).unlink(missing_ok=True)
    _prune(out, gone)
    if MARKER not in present:
        (out / MARKER).write_text(MARKERS[MARKER])
    os.chmod(out, 0o755)
    record.files, record.replaced = made, replaced


def _same(record: OutRecord, rel: str, now: tuple[str, Stat]) -> bool:
    """Whether OUT's file (its stat in `now`) is the one this build makes (`now`'s source), as this
    process left it."""
    return record.files.get(rel) == now


def _put(src: Path, out: Path, rel: str, how: Callable[[Path, Path], None]) -> Stat:
    """Put src at out/rel in one step (a reader never sees half of it), through a temporary name
    beside it; the new file's stat."""
    dst = out / rel
    _clear_way(out, dst)
    tmp = dst.with_name(f".{dst.name}.new")
    how(src, tmp)
    os.replace(tmp, dst)
    return _stat(dst)


def _clear_way(out: Path, dst: Path) -> None:
    """Make dst's folder exist, removing a file or link where a folder must be (and a folder where dst goes)."""
    for parent in reversed(dst.relative_to(out).parents[:-1]):
        here = out / parent
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            here.unlink()
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.is_dir() and not dst.is_symlink():
        shutil.rmtree(dst)


def _copy(src: Path, dst: Path) -> None:
    place(src, dst)  # a reflink or a copy, never a link: an edit in OUT must not reach the cache
    os.chmod(dst, 0o644)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stat(path: Path) -> Stat:
    return _stamp(os.lstat(path))


def _stamp(st: os.stat_result) -> Stat:
    return st.st_dev, st.st_ino, st.st_ctime_ns, st.st_mtime_ns, st.st_size


def _files(folder: Path) -> dict[str, Stat]:
    """Every regular file or link under folder (links not followed), by relative path, with its stat."""
    found: dict[str, Stat] = {}
    stack = [("", str(folder))]
    while stack:
        prefix, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(st.st_mode):
                    stack.append((rel + "/", entry.path))
                else:
                    found[rel] = _stamp(st)
    return found


def _prune(out: Path, gone: set[str]) -> None:
    """Remove the folders of OUT that deleting `gone` left empty."""
    folders = {p for rel in gone for p in Path(rel).parents if str(p) != "."}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            (out / folder).rmdir()
        except OSError:
            pass  # not empty: it holds what this build made
