"""The digest of scalpsite's own code: what every cache is keyed by, besides its inputs.

A module of its own, below every stage, so that any stage may key its cache by it."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


@functools.cache
def code_digest() -> str:
    """A hash of scalpsite's own source and its built-in themes, so a changed renderer, label, score
    or template invalidates the cache."""
    return source_digest(package_root(), builtin_themes())


def source_digest(package: Path, themes: Path) -> str:
    """A hash of every module of the package and every file of the themes folder (path and content)."""
    h = hashlib.sha256(package_digest(package).encode())
    for p in sorted(q for q in themes.rglob("*") if q.is_file() and "__pycache__" not in q.parts):
        h.update(p.relative_to(themes).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def package_root() -> Path:
    """The folder of the scalpsite package."""
    return Path(__file__).parent


def builtin_themes() -> Path:
    """The shipped themes: inside the installed package, or at the top of a source checkout."""
    packaged = package_root() / "themes"
    if packaged.is_dir():
        return packaged
    return package_root().resolve().parents[1] / "themes"


def package_digest(package: Path) -> str:
    """A hash of every module of a package folder (path and content)."""
    h = hashlib.sha256()
    for p in sorted(package.rglob("*.py")):
        h.update(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]
