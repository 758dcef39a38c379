"""Which journal a command works on when none is given: the nearest one upward, as git finds
its repository, and only one that is the user's own (git's safe.directory rule)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

CONFIG_FILE = "scalpsite.yaml"  # the file that makes a folder a journal


def find_journal(start: Path, ignored: list[str] | None = None) -> Path | None:
    """The nearest folder from `start` upward that holds a scalpsite.yaml (as git finds .git).

    A journal that another user could have written is passed over (as git's safe.directory
    does), and said in `ignored`: running below a stranger's folder never uses their journal.
    """
    start = Path(start).absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            reason = foreign(folder)
            if reason is None:
                return folder
            if ignored is not None:
                ignored.append(f"{folder}: {reason}")
    return None


def foreign(folder: Path) -> str | None:
    """Why a journal found upward may hold another user's files, or None when it is the user's own.

    Its folder and scalpsite.yaml must belong to the current user, the folder must not be
    writable by everyone, nor lie in a folder everyone may write without the sticky bit (/tmp
    has it: there only the owner may rename or replace what is theirs)."""
    uid = getattr(os, "geteuid", None)
    if uid is None:  # Windows: no owners to compare; the user gives the folder
        return None
    try:
        here, config, parent = folder.stat(), (folder / CONFIG_FILE).stat(), folder.parent.stat()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    for what, st in (("the folder", here), (CONFIG_FILE, config)):
        if st.st_uid != uid():
            return f"{what} belongs to another user (uid {st.st_uid})"
    if here.st_mode & stat.S_IWOTH:
        return "every user may write into it"
    if parent.st_mode & stat.S_IWOTH and not parent.st_mode & stat.S_ISVTX:
        return f"every user may write into {folder.parent}, so anyone could have put it there"
    return None
