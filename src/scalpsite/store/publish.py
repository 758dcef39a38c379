"""Stage 7: output folder safety, staging beside OUT, and the atomic swap."""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from scalpsite.errors import BuildError
from scalpsite.output.markers import MARKER, MARKERS, SEALED_MARKER  # noqa: F401 - SEALED_MARKER named here too
from scalpsite.store.guard import CACHE_DIR

T = TypeVar("T")

STAGING = "building-"  # .OUT.building-<pid>-<random>: a build's unfinished output
OLD = "old-"  # .OUT.old-<pid>-<random>: the previous output during a fallback swap
OWNER = re.compile(r"\.(?:building|old)-(\d+)-")
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def check_out(out: Path, journal: Path) -> Path:
    """The resolved OUT, or a BuildError when writing there could harm the user's files."""
    out_r, journal_r = out.resolve(), journal.resolve()
    home = Path.home().resolve()
    if out_r == journal_r or out_r in journal_r.parents:
        raise BuildError(f"output folder {out} is the journal or contains it; choose a folder such as "
                         f"{journal / '_site'}")
    if out_r == home or out_r.parent == out_r:
        raise BuildError(f"refusing to write output into {out_r}; choose a dedicated folder")
    cache = journal_r / CACHE_DIR
    if out_r == cache or cache in out_r.parents:
        raise BuildError(f"output folder {out} is inside the cache, which scalpsite empties; choose "
                         f"{journal / '_site'}")
    sessions = journal_r / "sessions"
    if sessions in out_r.parents:
        raise BuildError(f"output folder {out} is inside the journal's sessions; choose {journal / '_site'}")
    if out_r.exists() and not out_r.is_dir():
        raise BuildError(f"output path {out} is a file, not a folder")
    if out_r.is_dir() and any(out_r.iterdir()) and not any((out_r / m).is_file() for m in MARKERS):
        raise BuildError(f"output folder {out} is not empty and was not made by scalpsite; "
                         "empty it or choose another folder (nothing was deleted)")
    return out_r


def publish(out: Path, render: Callable[[Path], T], marker: str = MARKER) -> T:
    """Render into a fresh staging folder and swap it in; if anything fails, OUT stays as it was."""
    staging = stage(out)
    try:
        made = render(staging)
        swap(staging, out, marker)
    except BaseException:
        discard(staging)
        raise
    return made


def stage(out: Path) -> Path:
    """A fresh staging folder beside OUT (same file system, so the swap is a rename), owned by this process.

    Its name carries our process id: leftovers of builds that are gone are cleaned up first, and an
    interrupted swap is repaired, but the staging folder of a build still running is never touched.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.{STAGING}{os.getpid()}-", dir=out.parent))


def recover(out: Path) -> None:
    """Remove what dead builds left beside OUT; bring back the old output if a swap was cut short."""
    for stale in sorted(out.parent.glob(f".{out.name}.{STAGING}*")):
        if not owner_alive(stale.name):
            _remove(stale)
    for old in sorted(out.parent.glob(f".{out.name}.{OLD}*")):
        if owner_alive(old.name):
            continue
        if out.exists() or out.is_symlink():
            _remove(old)
        else:  # killed between the two renames of a fallback swap: the old output comes back
            os.replace(old, out)


def swap(staging: Path, out: Path, marker: str = MARKER) -> None:
    """Put the finished staging folder in OUT's place; OUT never goes missing where the OS allows.

    On Linux both folders are exchanged in one atomic step (renameat2 RENAME_EXCHANGE). Elsewhere
    OUT is renamed aside first and brought back by the next build's `recover` if we are killed
    between the two renames.
    """
    (staging / marker).write_text(MARKERS[marker])
    os.chmod(staging, 0o755)
    if not out.exists():
        os.replace(staging, out)
    elif exchange(staging, out):
        _discard_old(staging)  # staging now holds the previous output
    else:
        old = staging.with_name(staging.name.replace(f".{STAGING}", f".{OLD}", 1))
        os.replace(out, old)
        _move_in(staging, out, old)
        _discard_old(old)


def _move_in(staging: Path, out: Path, old: Path) -> None:
    """Second step of the fallback swap; puts the old output back if the new one cannot move in."""
    try:
        os.replace(staging, out)
    except OSError as exc:
        os.replace(old, out)
        raise BuildError(f"could not move the new output into place: {exc}") from exc


def _discard_old(old: Path) -> None:
    _remove(old)


def discard(staging: Path) -> None:
    """Remove an unfinished staging folder."""
    _remove(staging)


def _remove(folder: Path) -> None:
    if not folder.is_symlink():  # only folders scalpsite made; never follow a link out of here
        shutil.rmtree(folder, ignore_errors=True)


def owner_alive(name: str) -> bool:
    """Whether the process whose id is in a staging or old-copy folder name still runs.

    Names without an id (made by scalpsite 0.1) belong to no running build.
    """
    match = OWNER.search(name)
    return match is not None and pid_alive(int(match.group(1)))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (ours counts)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) would terminate it there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


if sys.platform == "win32":  # pragma: no cover - ctypes.windll exists only there
    def _windows_pid_alive(pid: int) -> bool:
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259
        finally:
            kernel32.CloseHandle(handle)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where the OS or file system lacks it."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or e.g. some network file systems
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2  # glibc 2.28+, musl 1.1.24+
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn
