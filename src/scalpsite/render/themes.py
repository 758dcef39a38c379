"""Theme lookup: a journal's own theme folder first, then the built-in default."""

from __future__ import annotations

from pathlib import Path

from scalpsite.codeversion import builtin_themes
from scalpsite.errors import JournalError
from scalpsite.journal.paths import links_outside

DEFAULT = "default"


def theme_dirs(journal_root: Path, name: str) -> list[Path]:
    """Folders to search for templates, most specific first, ending with the default theme."""
    dirs = []
    own = journal_root / "themes" / name
    if own.is_dir():
        leaving = links_outside(journal_root, own)
        if leaving:
            shown = leaving[0].relative_to(journal_root).as_posix()
            raise JournalError(f"{shown} links outside the journal; copy the theme into the journal "
                               "instead", "scalpsite.yaml")
        dirs.append(own)
    shipped = builtin_themes() / name
    if shipped.is_dir() and shipped not in dirs:
        dirs.append(shipped)
    if not dirs:
        raise JournalError(f"theme '{name}' not found in themes/ of the journal or the built-in themes",
                           "scalpsite.yaml")
    default = builtin_themes() / DEFAULT
    if default not in dirs:
        dirs.append(default)
    return dirs
