"""The preview's temporary site, removed however the preview stops: Ctrl-C, SIGTERM, SIGHUP, or
(for a preview killed outright) by the next preview."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

TEMP_PREFIX = "scalpsite-serve-"


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the preview as Ctrl-C does (KeyboardInterrupt), so the cleanup runs.

    Only the main thread can receive signals; a preview run in another thread (tests) is left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _interrupt) for sig in _STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _interrupt(signum, frame) -> None:
    for sig in _STOP_SIGNALS:  # a second signal must not cut the cleanup short
        signal.signal(sig, signal.SIG_IGN)
    raise KeyboardInterrupt


def remove_stale_previews() -> None:
    """Delete the temporary sites of earlier previews that were killed (SIGKILL, power loss) by this user."""
    from scalpsite.store.publish import pid_alive

    for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"):
        pid = folder.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or folder.is_symlink() or not folder.is_dir():
            continue
        if _owned_by_me(folder) and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _owned_by_me(folder: Path) -> bool:
    return not hasattr(os, "getuid") or folder.stat().st_uid == os.getuid()
