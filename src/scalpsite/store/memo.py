"""Reuse the output of a render step when its inputs have not changed (charts, PDF)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from scalpsite import __version__
from scalpsite.codeversion import code_digest, package_digest, package_root  # noqa: F401 - named here too

if sys.platform.startswith("linux"):
    import fcntl

    FICLONE = 0x40049409  # _IOW(0x94, 9, int), linux/fs.h
else:  # macOS clonefile and Windows block cloning are not wired up: a plain copy there
    FICLONE = None


def digest(*parts) -> str:
    """A stable hash of JSON-able parts, salted with the scalpsite version."""
    h = hashlib.sha256(__version__.encode())
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode())
    return h.hexdigest()[:32]


def tree_digest(folders: list[Path]) -> str:
    """A hash of every file (path and content) under the folders, e.g. the theme."""
    h = hashlib.sha256()
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:32]


def cached(cache: Path, key: str, out: Path, produce: Callable[[], dict[str, str]],
           put: Callable[[Path, Path], None] | None = None, again: bool = False) -> dict[str, str]:
    """Files a step writes into `out`, as name -> relative path: from the cache when `key` is known
    (unless `again`: produced whatever the cache holds, and kept there as the newest entry).

    `cache` is the step's folder inside the journal's cache (checked by `guard.folder`); cached
    files are put into `out` by `put` (default: `place`, a copy). Only the newest entry of a step
    is kept, so the cache does not grow build after build.
    """
    made = None if again else cache_hit(cache, key, out, put)
    if made is None:
        made = produce()
        cache_keep(cache, key, out, made)
    return made


def cache_hit(cache: Path, key: str, out: Path, put: Callable[[Path, Path], None] | None = None) -> dict[str, str] | None:
    """The files of the entry `key` put into `out` (see `cached`), or None when there is none."""
    entry = cache / key
    manifest = entry / "manifest.json"
    if not manifest.is_file():
        return None
    made = json.loads(manifest.read_text())
    for rel in made.values():
        (put or place)(entry / rel, out / rel)
    return made


def cache_keep(cache: Path, key: str, out: Path, made: dict[str, str]) -> None:
    """Keep the files a step just wrote into `out` as the step's only entry, `key` (see `cached`)."""
    _empty(cache)
    tmp = cache / f".{key}.tmp"
    tmp.mkdir()
    for rel in made.values():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / rel, tmp / rel)
    (tmp / "manifest.json").write_text(json.dumps(made, sort_keys=True))
    os.replace(tmp, cache / key)


def _empty(folder: Path) -> None:
    """Delete the entries of a step folder, never following a link out of it."""
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def place(src: Path, dst: Path) -> None:
    """Put a copy of a cached file at dst: a reflink where the file system can share blocks, else a copy.

    Never a hard link: editing a file in OUT must not change the cache (and through it later builds).
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    if FICLONE is None:
        shutil.copyfile(src, dst)
        return
    with open(src, "rb") as s, open(dst, "wb") as d:
        try:  # btrfs, XFS, bcachefs...: the clone shares blocks until either side is written
            fcntl.ioctl(d.fileno(), FICLONE, s.fileno())
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            _send(s.fileno(), d.fileno())  # ext4, tmpfs, across file systems: a kernel-side copy


def _send(src: int, dst: int) -> None:
    size, offset = os.fstat(src).st_size, 0
    while offset < size:
        sent = os.sendfile(dst, src, offset, size - offset)
        if sent == 0:
            break
        offset += sent
