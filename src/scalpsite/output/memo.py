"""Reuse the output of a render step when its inputs have not changed (charts, PDF)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from scalpsite import __version__


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


@functools.cache
def code_digest() -> str:
    """A hash of scalpsite's own source, so a changed renderer, label or score invalidates the cache."""
    h = hashlib.sha256()
    package = Path(__file__).parents[1]
    for p in sorted(package.rglob("*.py")):
        h.update(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def cached(cache: Path, key: str, out: Path, produce: Callable[[], dict[str, str]]) -> dict[str, str]:
    """Files a step writes into `out`, as name -> relative path: from the cache when `key` is known.

    Only the newest entry of a step is kept, so the cache does not grow build after build.
    """
    entry = cache / key
    manifest = entry / "manifest.json"
    if manifest.is_file():
        made = json.loads(manifest.read_text())
        for rel in made.values():
            link(entry / rel, out / rel)
        return made
    made = produce()
    shutil.rmtree(cache, ignore_errors=True)
    tmp = cache / f".{key}.tmp"
    tmp.mkdir(parents=True)
    for rel in made.values():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / rel, tmp / rel)
    (tmp / "manifest.json").write_text(json.dumps(made, sort_keys=True))
    os.replace(tmp, entry)
    return made


def link(src: Path, dst: Path) -> None:
    """Hard-link src to dst (same content, no copy), or copy across file systems."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
