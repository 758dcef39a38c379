"""`scalpsite serve`: a local preview on a loopback address that rebuilds and reloads on change.

The preview shows private health data without a password, so it listens only on a loopback
address, answers only requests addressed to it by that name (a DNS-rebinding page cannot read
it), and removes its temporary copy of the site however it is stopped (Ctrl-C, SIGTERM, SIGHUP).
The server is in previewhttp.py, what it adds to pages in previewpage.py, the rebuild loop in
previewloop.py.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

import click

from scalpsite.errors import ScalpsiteError
from scalpsite.photos.pool import worker_count
from scalpsite.previewhttp import (  # noqa: F401 - the names the CLI and tests import from here
    HOST,
    IDLE_TIMEOUT,
    PreviewHandler,
    PreviewServer,
    loopback,
    request_path,
    start_server,
)
from scalpsite.previewloop import rebuild, rebuild_on_change, watch_changes, watched  # noqa: F401
from scalpsite.previewpage import RELOAD_JS_URL, VERSION_URL, PreviewProblem, inject, overlay  # noqa: F401
from scalpsite.previewstop import TEMP_PREFIX, remove_stale_previews, stopped_by_signals


def serve(root: Path, port: int = 8000, pdf: bool = False, open_browser: bool = False,
          ready: threading.Event | None = None, stop: threading.Event | None = None,
          on_ready: Callable[[str], None] | None = None, bind: str = HOST, reload: bool = True,
          chart_worker: bool | None = None) -> None:
    """Build into a temporary folder, serve it on a loopback address and rebuild on change until stopped.

    `chart_worker`: charts are drawn by a process of their own while the pages render
    (chartaside.py); without it, by the preview's own process. By default there is one unless
    scalpsite may use a single process (SCALPSITE_WORKERS=1, or one core)."""
    root = Path(root)
    if not (root / "scalpsite.yaml").is_file():
        raise ScalpsiteError(f"{root} is not a journal (no scalpsite.yaml); run 'scalpsite init' first")
    loopback(bind)
    stop = stop or threading.Event()
    remove_stale_previews()
    server = tmp = None
    with stopped_by_signals():
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
            server = start_server(port, tmp / "site", bind, reload, root)
            changes = watch_changes(root, stop)
            next(changes, None)  # the watcher now runs: edits made during the first build are not lost
            _warm_up(server, worker_count() > 1 if chart_worker is None else chart_worker, tmp / "charts")
            rebuild(root, server, pdf)
            _announce(server.url, root, open_browser, ready, on_ready)
            rebuild_on_change(changes, root, server, pdf)
        except KeyboardInterrupt:
            pass
        finally:
            gc.enable()  # off while a build's garbage waits for the idle watcher (previewloop._collect)
            _close(server, tmp)
    click.echo("Preview stopped.")


def _warm_up(server: PreviewServer, chart_worker: bool, scratch: Path) -> None:
    """Start, beside the first build, what a save needs that the first build may not (matplotlib,
    when the cache gives every chart: the chart worker, which the first build has draw its charts
    once, or imported here), so that the first save is as quick as the next ones."""
    if chart_worker:
        from scalpsite.chartaside import ChartAside

        server.memo.charts = ChartAside(scratch)  # in the preview's temporary folder, removed with it
        server.memo.charts.start()
    else:
        threading.Thread(target=_import_charts, name="scalpsite-warm-up", daemon=True).start()


def _import_charts() -> None:
    import scalpsite.render.charts  # noqa: F401


def _announce(url: str, root: Path, open_browser: bool, ready: threading.Event | None,
              on_ready: Callable[[str], None] | None) -> None:
    click.echo(f"Serving {root} at {url} (rebuilds on change; Ctrl-C to stop)")
    if on_ready:
        on_ready(url)
    if ready:
        ready.set()
    if open_browser:
        webbrowser.open(url)


def _close(server: PreviewServer | None, tmp: Path | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
        server.memo.close()
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
