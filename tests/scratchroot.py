"""Where a test run keeps its temporary files: in memory, when the machine has room for them.

A full run writes about 760 MB in 37,000 files (journals, their builds, sites and PDFs) and
deletes them again, which costs kernel time on a disk. On this project's 2-core machine, whose disk
is mounted with `discard`, runs with these files in /dev/shm spent 54-60 core-seconds in the kernel
against 62-79 on the disk, and were a few percent faster (benchmarks/README.md, "The test suite's
time"). The tests are the same wherever the files are. benchmarks/suite.py reads this file too, to
time a run where the run itself would put its files.
"""

from __future__ import annotations

import os
from pathlib import Path

MEMORY = Path("/dev/shm")  # Linux's RAM-backed tmpfs
ROOM = 2 * 1024**3  # bytes free needed there: the largest test (an install of the package) with room to spare


def scratch_root() -> Path | None:
    """MEMORY when it is a folder this user may write with ROOM free; None (the system's temporary
    folder) when it is not, or when TMPDIR names a place of the user's choice."""
    if os.environ.get("TMPDIR") or not os.access(MEMORY, os.W_OK | os.X_OK):
        return None
    try:
        stats = os.statvfs(MEMORY)
    except OSError:
        return None
    return MEMORY if stats.f_bavail * stats.f_frsize >= ROOM else None
