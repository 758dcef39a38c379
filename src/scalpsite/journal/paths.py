"""The one rule for reading: every path scalpsite reads resolves inside the journal.

Links are followed before the test, so a link to a file elsewhere on the disk is refused
whatever the kind of file (YAML, Markdown, photo, theme file); and names that come from the
journal's own text become path segments only when they are safe names.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
SAFE_NAME_RULE = "letters, digits, '-' and '_', starting with a letter or digit, at most 40"


def within(root: Path, path: Path) -> bool:
    """Whether `path`, with every link resolved, lies inside `root` (or is `root`)."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a link loop
        return False
    return True


def child(folder: Path, name: str) -> Path | None:
    """`folder/name` when `name` is a plain relative name that stays inside `folder`, else None."""
    if not name or "\0" in name or Path(name).is_absolute() or ".." in PurePosixPath(name).parts:
        return None
    target = folder / name
    return target if within(folder, target) else None


def links_outside(root: Path, folder: Path) -> list[Path]:
    """Every file or folder under `folder` that resolves outside `root`; links inside are followed."""
    if not folder.exists() and not folder.is_symlink():
        return []
    if not within(root, folder):
        return [folder]
    found, seen, todo = [], set(), [folder]
    while todo:
        current = todo.pop()
        real = current.resolve()
        if real in seen:  # a link loop, or two links to one folder
            continue
        seen.add(real)
        for path in sorted(current.iterdir()):
            if not within(root, path):
                found.append(path)
            elif path.is_dir():
                todo.append(path)
    return sorted(found)


def is_safe_name(name: object) -> bool:
    """Whether a name from the journal's text may become one segment of an output path."""
    return isinstance(name, str) and SAFE_NAME.match(name) is not None
