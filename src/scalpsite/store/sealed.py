"""Encrypted builds and bundles: the plain render is staged privately and sealed before anything
reaches the output's folder.

The plain files (pages, data.csv, data.json, photos) are rendered into a folder of the journal's
own cache, readable by its owner only, or, when the cache cannot be written, into a private
folder of the system's temporary folder. Only the encrypted form is written beside OUT and swapped
in. The plain folder is deleted however the build ends: an error, Ctrl-C, SIGTERM or SIGHUP; after
a kill that no program can catch (SIGKILL, power loss), the next encrypted build or bundle
deletes it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from scalpsite.errors import BuildError
from scalpsite.output.encrypt import write, write_site
from scalpsite.store.guard import WRITE_ERRORS
from scalpsite.output.pdfseal import NAME as DOSSIER
from scalpsite.output.pdfseal import protect_pdf
from scalpsite.store.publish import SEALED_MARKER, pid_alive, publish

T = TypeVar("T")

PREFIX = "plain-"  # plain-<pid>-<random>: the plain render of a running encrypted build
TEMP_PREFIX = "vault-plain-"  # the same in the system's temporary folder: names no program
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def publish_sealed(out: Path, cache: Path, render: Callable[[Path], T], password: str,
                   pdf_password: str | None = None) -> T:
    """Render the plain build privately, then publish only its encrypted form into OUT.

    With `pdf_password`, OUT also gets the dossier as a standalone PDF encrypted under it.
    """
    with private_stage(cache) as plain:
        made = render(plain)

        def seal(staging: Path) -> None:
            try:
                write_site(plain, staging, password)
                if pdf_password is not None and (plain / DOSSIER).is_file():
                    write(staging / DOSSIER, protect_pdf((plain / DOSSIER).read_bytes(), pdf_password))
            except OSError as exc:
                if exc.errno in WRITE_ERRORS:
                    raise  # a full or read-only disk: said with its path by the caller
                raise BuildError(f"could not write the encrypted site: {exc}") from exc

        publish(out, seal, marker=SEALED_MARKER)
    return made


@contextlib.contextmanager
def private_stage(cache: Path) -> Iterator[Path]:
    """A folder only its owner can read, for a plain render: in the cache (or a private temporary
    folder when the cache cannot be written), deleted when the block ends however it ends."""
    remove_stale(cache)
    with stopped_by_signals():
        folder = _make(cache)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _make(cache: Path) -> Path:
    """mkdtemp makes the folder readable by its owner only (0700)."""
    try:
        return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=cache))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))


def remove_stale(cache: Path) -> None:
    """Delete the plain renders of encrypted builds that were killed outright, in the cache and in
    the temporary folder (only this user's there); never one of a build still running."""
    places = [(cache, PREFIX), (Path(tempfile.gettempdir()), TEMP_PREFIX)]
    for where, prefix in places:
        with contextlib.suppress(OSError):
            for folder in where.glob(f"{prefix}*"):
                pid = folder.name.removeprefix(prefix).split("-", 1)[0]
                if folder.is_symlink() or not folder.is_dir() or not pid.isdigit():
                    continue
                if _owned_by_me(folder) and not pid_alive(int(pid)):
                    shutil.rmtree(folder, ignore_errors=True)


def _owned_by_me(folder: Path) -> bool:
    return not hasattr(os, "getuid") or folder.stat().st_uid == os.getuid()


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the build as Ctrl-C does (KeyboardInterrupt), so that the plain
    folder is deleted. Only the main thread receives signals; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _interrupt) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum, frame) -> None:
    for sig in STOP_SIGNALS:  # a second signal must not cut the cleanup short
        signal.signal(sig, signal.SIG_IGN)
    raise KeyboardInterrupt
