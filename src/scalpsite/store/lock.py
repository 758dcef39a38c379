"""One build at a time per journal: an advisory lock on one file in the journal's cache.

A build, a preview rebuild and a `check` all write the cache (photo renditions, the index,
rendered charts and pages), and a build replaces OUT; two at once deleted each other's files.
The lock is `flock` on POSIX and `msvcrt.locking` on Windows: the operating system releases it
when its holder exits or is killed, so a lock is never left behind by a crash.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from scalpsite.errors import BuildError

LOCK_FILE = "build.lock"
TIMEOUT_ENV = "SCALPSITE_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 600.0  # seconds: a cold build of a long journal with its PDF takes minutes
POLL = 0.1
_HELD: set[int] = set()  # lock descriptors of this process


def _forget_in_child() -> None:
    """In a forked worker: close the inherited lock descriptors, so that only the build holds the lock.

    Otherwise photo workers orphaned by a killed build would keep the journal locked.
    Closing (not unlocking) leaves the parent's lock in place.
    """
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def timeout() -> float:
    """How long to wait for another build: SCALPSITE_LOCK_TIMEOUT seconds, else ten minutes.

    A negative number means 0 (do not wait) and "inf" no limit; "nan" or a word is an error,
    never read as 0."""
    value = os.environ.get(TIMEOUT_ENV, "")
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if math.isnan(seconds):
        raise BuildError(f"{TIMEOUT_ENV}={value!r} is not a number of seconds (e.g. {TIMEOUT_ENV}=1800, "
                         f"or inf to wait as long as it takes); unset it to wait {DEFAULT_TIMEOUT / 60:g} minutes")
    return max(0.0, seconds)


@contextlib.contextmanager
def build_lock(cache: Path, journal: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the journal's build lock for the duration; wait for another holder up to `timeout()`."""
    path = cache / LOCK_FILE
    # O_NOFOLLOW: a link planted as the lock file must not make us create or lock a file elsewhere.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise BuildError(f"cannot open the build lock {path}: {exc.strerror}") from exc
    try:
        _acquire(fd, path, journal, on_wait)
        _HELD.add(fd)
        try:
            yield
        finally:
            _HELD.discard(fd)
            _unlock(fd)  # explicitly: a process forked meanwhile may still share this open file
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, journal: Path, on_wait: Callable[[str], None] | None) -> None:
    limit = timeout()
    if _try_lock(fd):
        return
    if on_wait:
        on_wait(f"Waiting for another build of {journal} to finish (lock {path})...")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(POLL)
        if _try_lock(fd):
            return
    raise BuildError(f"another build of {journal} is still running after {limit:g} s (it holds {path}); "
                     f"wait for it to finish, or stop it, then run again (set {TIMEOUT_ENV} to wait longer)")


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)  # the lock covers byte 0
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
