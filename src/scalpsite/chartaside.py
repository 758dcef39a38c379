"""The preview's charts, drawn in a process of their own while the preview renders its pages.

A save that changes one value redraws the chart that shows it (matplotlib: 0.12 s at 130
sessions, the largest part of a save), and renders the pages that show it (as long again, in
the preview's own process). One worker process, started with the preview and warmed up then
(it imports matplotlib), draws the chart while the pages render; the render stage waits for it
before the output is updated. The pages name the chart by the path it had last time (a chart
keeps its path while it has data); when a chart appears or disappears, the render stage
renders the pages again with what was drawn.

What the worker draws is what the preview's own process would have drawn: the same function,
the same inputs (`Reads`, sent without its spec, which only the cache key needs), the same
file. A worker that cannot start or that dies leaves the drawing to the preview's process.
"""

from __future__ import annotations

import contextlib
import copyreg
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import tempfile
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from scalpsite.render.chartinputs import Reads


class ChartAside:
    """One worker process that draws charts, and the path each chart had when last known."""

    def __init__(self, scratch: Path | None = None) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self.paths: dict[str, dict[str, str]] = {}  # chart -> what it made last time ({} without data)
        self.drawn = 0  # charts given to the worker
        self._scratch = scratch  # where the warm-up drawings go (the preview's own temporary folder)
        self._own_scratch = False

    def start(self) -> None:
        """Start the worker (spawned: the preview runs threads, which a fork would copy half-way)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_warm_up)
            self._pool.submit(int)  # the worker starts now, not at the first save

    def draw(self, name: str, reads: Reads, out: Path) -> Future[dict[str, str]] | None:
        """The chart drawn into out/charts/ by the worker (a future of name -> path), or None when
        there is no worker."""
        if self._pool is None:
            return None
        try:
            future = self._pool.submit(_draw, name, reads, str(out))
            self.drawn += 1
            return future
        except (BrokenProcessPool, RuntimeError):  # died, or shut down: the preview draws itself
            self._pool = None
            return None

    def warm(self, name: str, reads: Reads) -> None:
        """Have the worker draw a chart it has not drawn yet, into a folder of its own: a chart's
        first drawing in a process costs more (matplotlib's fonts, the layouts kept by chartsvg),
        and the first save should not pay for it."""
        if self._pool is None or name in self.paths:
            return
        if self._scratch is None:
            self._scratch, self._own_scratch = Path(tempfile.mkdtemp(prefix="scalpsite-charts-")), True
        with contextlib.suppress(BrokenProcessPool, RuntimeError):
            self._pool.submit(_draw, name, reads, str(self._scratch))

    def close(self) -> None:
        """Stop the worker now: what it may still be drawing (a warm-up chart, or the chart of a
        save the preview no longer serves) is not needed once the preview stops, and a worker
        left to finish its queue could outlive the preview's call by seconds."""
        if self._pool is not None:
            workers = list((self._pool._processes or {}).values())  # the executor's own worker processes
            for worker in workers:
                worker.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)
            for worker in workers:
                worker.join(5)
            self._pool = None
        if self._scratch is not None and self._own_scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch, self._own_scratch = None, False


def _warm_up() -> None:
    """In the worker: end with the preview however it ends (killed, it tells nothing), and import
    matplotlib before the first save needs it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the terminal's whole group: the preview says stop
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()
    import scalpsite.render.charts  # noqa: F401


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _draw(name: str, reads: Reads, out: str) -> dict[str, str]:
    from scalpsite.render.charts import draw_chart

    return draw_chart(name, reads, Path(out))


def _reads_as_state(reads: Reads) -> tuple[Any, ...]:
    """A chart's inputs for the worker: its values, not its spec (functions, which do not pickle)."""
    return _reads_from_state, ({k: v for k, v in reads.__dict__.items() if k != "_spec"},)


def _reads_from_state(state: dict[str, Any]) -> Reads:
    reads = Reads.__new__(Reads)
    reads.__dict__.update(state)
    return reads


copyreg.pickle(Reads, _reads_as_state)
