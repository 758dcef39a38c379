"""Where a build may write: inside OUT (and its staging folders beside it) or the journal's cache.

Every folder a build writes into or deletes from is checked here first, so a link planted in
the journal (`.scalpsite-cache -> ~/Documents`) can never turn a cleanup into a deletion
elsewhere. Write failures of the disk itself become one clear BuildError.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from scalpsite.errors import BuildError

CACHE_DIR = ".scalpsite-cache"

# Failures of the disk, not of scalpsite: said in plain words, with the path, never "internal error".
DISK_FULL = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
}
WRITE_ERRORS = {**DISK_FULL, errno.EACCES: "permission denied", errno.EPERM: "operation not permitted"}
PERMISSION = {errno.EACCES, errno.EPERM}


def cache_root(journal: Path) -> Path:
    """The journal's cache folder, created if missing; a link or anything but a real folder is refused.

    Nothing is deleted or written before this check passes.
    """
    journal_r = journal.resolve()
    cache = journal_r / CACHE_DIR
    if cache.is_symlink():
        raise BuildError(f"{journal / CACHE_DIR} is a link to {os.readlink(cache)}; scalpsite writes and "
                         "deletes inside its cache, so it must be a real folder inside the journal. "
                         "Remove the link (nothing was written or deleted)")
    if cache.exists() and not cache.is_dir():
        raise BuildError(f"{journal / CACHE_DIR} is a file, not a folder; remove it (nothing was written)")
    cache.mkdir(exist_ok=True)
    return cache


def writable_cache(journal: Path) -> Path | None:
    """The journal's cache folder (`cache_root`), or None when the journal cannot be written:
    a read-only mount, a folder of another user, a CD. Other failures are raised."""
    try:
        cache = cache_root(journal)
    except OSError as exc:
        if exc.errno in (errno.EROFS, *PERMISSION):
            return None
        raise
    return cache if os.access(cache, os.W_OK | os.X_OK) else None


def folder(root: Path, name: str) -> Path:
    """The real subfolder `name` of an allowed write root (OUT, staging or the cache), created if missing."""
    path = root / name
    inside(path, root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def inside(path: Path, *roots: Path) -> Path:
    """`path` resolved, or a BuildError when it (or a link on its way) leads outside every root."""
    resolved = path.resolve()
    for root in roots:
        real_root = root.resolve()
        if resolved == real_root or real_root in resolved.parents:
            if path.is_symlink():
                break  # a link that points back inside is still a link scalpsite did not make
            return resolved
    raise BuildError(f"refusing to write to {path}: it resolves to {resolved}, outside "
                     f"{' and '.join(str(r) for r in roots)} (a link?); remove the link and build again")


def contained(path: Path, root: Path) -> str:
    """`path` relative to `root`, or a BuildError when its name leads out of root (`..`, elsewhere).

    A check on names only, for folders scalpsite made itself and that hold no links (staging,
    cache entries); `inside` resolves links where the folder may hold something else.
    """
    text, base = os.fspath(path), os.fspath(root) + os.sep
    if text.startswith(base) and ".." not in (rel := text[len(base):]).split(os.sep):  # the usual case, by string
        return rel if os.sep == "/" else rel.replace(os.sep, "/")
    try:
        found = path.relative_to(root)
    except ValueError:
        found = None
    if found is None or ".." in found.parts:
        raise BuildError(f"refusing to write to {path}: it is outside {root}")
    return found.as_posix()


@contextlib.contextmanager
def disk_errors(cache: Path, out: Path | None = None) -> Iterator[None]:
    """Turn a disk write failure (full, quota, read-only, permission) into a BuildError naming the path.

    A refused permission counts only where a build writes (the cache, OUT and its staging folders):
    a photo that cannot be read is the journal's problem, reported as such elsewhere.
    """
    try:
        yield
    except OSError as exc:
        reason = None if exc.errno is None else WRITE_ERRORS.get(exc.errno)
        if reason is None or (exc.errno in PERMISSION and not _owned(exc.filename, cache, out)):
            raise
        fix = "; write the output to a folder you can change (-o DIR)" if exc.errno in (errno.EROFS, *PERMISSION) \
            else ""
        raise BuildError(f"{reason} while writing {exc.filename or out or cache}; nothing was published "
                         f"and the previous output is unchanged{fix if out is not None else ''}") from exc


def _owned(filename, cache: Path, out: Path | None) -> bool:
    """Whether a path is one a build writes: in the cache, in OUT, a staging folder beside OUT, or above it."""
    if filename is None:
        return True  # the OS names no file: here only a write lacks one (e.g. a rename's target)
    target = Path(os.fsdecode(filename)).absolute()
    if target == cache or cache in target.parents:
        return True
    if out is None:
        return False
    if target == out or out in target.parents or target in out.parents:
        return True
    return out.parent in target.parents and target.relative_to(out.parent).parts[0].startswith(f".{out.name}.")
