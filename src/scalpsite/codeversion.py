"""The digest of scalpsite's own code: what every cache is keyed by, besides its inputs.

A module of its own, below every stage, so that any stage may key its cache by it."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


@functools.cache
def code_digest() -> str:
    """A hash of scalpsite's own source, so a changed renderer, label or score invalidates the cache."""
    return package_digest(package_root())


def package_root() -> Path:
    """The folder of the scalpsite package."""
    return Path(__file__).parent


def package_digest(package: Path) -> str:
    """A hash of every module of a package folder (path and content)."""
    h = hashlib.sha256()
    for p in sorted(package.rglob("*.py")):
        h.update(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]
