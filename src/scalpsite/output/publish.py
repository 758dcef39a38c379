"""Stage 7: output folder safety, staging beside OUT, and the atomic swap."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from scalpsite.errors import BuildError

MARKER = ".scalpsite-output"
MARKER_TEXT = "This folder is written by scalpsite build and replaced on every build.\n"


def check_out(out: Path, journal: Path) -> Path:
    """The resolved OUT, or a BuildError when writing there could harm the user's files."""
    out_r, journal_r = out.resolve(), journal.resolve()
    home = Path.home().resolve()
    if out_r == journal_r or out_r in journal_r.parents:
        raise BuildError(f"output folder {out} is the journal or contains it; choose a folder such as "
                         f"{journal / '_site'}")
    if out_r == home or out_r.parent == out_r:
        raise BuildError(f"refusing to write output into {out_r}; choose a dedicated folder")
    sessions = journal_r / "sessions"
    if sessions in out_r.parents:
        raise BuildError(f"output folder {out} is inside the journal's sessions; choose {journal / '_site'}")
    if out_r.exists() and not out_r.is_dir():
        raise BuildError(f"output path {out} is a file, not a folder")
    if out_r.is_dir() and any(out_r.iterdir()) and not (out_r / MARKER).is_file():
        raise BuildError(f"output folder {out} is not empty and was not made by scalpsite; "
                         "empty it or choose another folder (nothing was deleted)")
    return out_r


def stage(out: Path) -> Path:
    """A fresh temporary folder beside OUT (same file system, so the swap is a rename).

    Leftovers of an interrupted earlier build of the same OUT are removed first.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in sorted(out.parent.glob(f".{out.name}.old-*")):
        if out.exists():
            shutil.rmtree(stale, ignore_errors=True)
        else:  # killed between the two renames of a swap: the old output comes back
            os.replace(stale, out)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))


def swap(staging: Path, out: Path) -> None:
    """Replace OUT by the finished staging folder; the old output is removed only after."""
    (staging / MARKER).write_text(MARKER_TEXT)
    os.chmod(staging, 0o755)
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError as exc:
        if old is not None:
            os.replace(old, out)
        raise BuildError(f"could not move the new output into place: {exc}") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    """Remove an unfinished staging folder."""
    shutil.rmtree(staging, ignore_errors=True)
