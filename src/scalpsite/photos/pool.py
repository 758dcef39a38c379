"""The worker processes of the photo stages: one per core, set up for image work."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

from scalpsite.errors import BuildError

Progress = Callable[[int, int], None]
WORKERS_ENV = "SCALPSITE_WORKERS"

# One BLAS thread per process: the photo work runs in a process per core already, and NumPy's
# threads in each of them only fight for the same cores (alignment took four times as long).
# Set before NumPy is first imported; a value the user set is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc mallopt parameters
KEEP_FREED = 64 << 20  # bytes of freed memory a worker may keep for its next photo


def _setup() -> None:
    """Run in each worker: keep freed memory for the next photo instead of giving it back.

    glibc returns every large freed block (a decoded photo, a NumPy array) to the system at
    once, and the next photo takes it back page by page: on the benchmark's journals that
    was a fifth of all the build's CPU time, spent in page faults. Only on glibc; elsewhere
    nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)  # the largest glibc takes: a decoded photo stays on the heap
        libc.mallopt(M_TRIM_THRESHOLD, KEEP_FREED)
    except (OSError, AttributeError):
        pass  # not glibc: its defaults stay


def worker_count() -> int:
    """How many processes share the photo work: SCALPSITE_WORKERS, else one per core this
    process may run on (a container or `taskset` may allow fewer than the machine has).

    1 keeps all of it in scalpsite's own process, for a machine busy with other work; a value
    that is not a whole number of at least 1 is an error, never read as a default."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        if not (value.isascii() and value.isdigit() and int(value) >= 1):
            raise BuildError(f"{WORKERS_ENV}={value!r} is not a number of processes (e.g. {WORKERS_ENV}=1 to "
                             "work in scalpsite's own process); unset it to use one per core")
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on this platform (macOS, Windows)
        return os.cpu_count() or 1


class Workers:
    """A process pool on the cores scalpsite may use, started only when there is enough work to share."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.count = worker_count()

    def map(self, fn, items: list, progress: Progress | None = None) -> Iterator:
        """fn over items, results in order; `progress(done, total)` after each one."""
        if len(items) <= 2 or self.count == 1:
            results: Iterator = map(fn, items)
        else:
            self.pool = self.pool or ProcessPoolExecutor(max_workers=self.count, initializer=_setup)
            results = self.pool.map(fn, items, chunksize=2)
        for done, r in enumerate(results, start=1):
            if progress:
                progress(done, len(items))
            yield r

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool:
            self.pool.shutdown(cancel_futures=True)
