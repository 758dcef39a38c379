"""The preview's rebuild loop: watch the journal, rebuild on a change, keep serving when a build fails."""

from __future__ import annotations

import gc
import threading
import traceback
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import click

from scalpsite.errors import ScalpsiteError
from scalpsite.previewhttp import PreviewServer
from scalpsite.previewpage import PreviewProblem

IGNORED_DIRS = {"_site", "_bundle.html", "__pycache__", "node_modules"}  # our outputs and tool folders


def watched(root: Path, path: str) -> bool:
    """Whether a change to path should trigger a rebuild (not output, cache, VCS, hidden or backup)."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:  # outside the journal: judge the name only
        parts = (Path(path).name,)
    return not any(p.startswith((".", "#")) or p.endswith("~") or p in IGNORED_DIRS for p in parts)


def rebuild(root: Path, server: PreviewServer, pdf: bool) -> None:
    """Build into the server's output; when the build fails, whatever it raised, say why and keep the previous output."""
    from scalpsite.console import print_build
    from scalpsite.findings import Level
    from scalpsite.pipeline import build

    try:
        gc.disable()  # until the watcher is idle again (rebuild_on_change): see _collect
        result = build(root, server.out, pdf=pdf, on_wait=partial(click.echo, err=True), preview=server.memo)
    except ScalpsiteError as exc:
        _failed(server, exc.format_message())
        return
    except Exception as exc:  # a fault of scalpsite: the preview keeps serving and says so
        if _debug():
            traceback.print_exc()
        _failed(server, f"internal error: {exc!r} (run with --debug for details, and please report it)")
        return
    server.error = None
    server.problems = tuple(PreviewProblem(f.location(), f.message) for f in result.findings if f.level is Level.ERROR)
    server.bump()
    print_build(result)


def _failed(server: PreviewServer, message: str) -> None:
    server.error = message
    server.problems = (PreviewProblem("", message),)
    server.bump()  # open pages reload and show the failure over the previous output
    click.echo(f"Build failed: {message}", err=True)
    shown = "the previous output" if server.out.is_dir() else "a page with this message"
    click.echo(f"Still serving {shown}; fix the journal and save to rebuild.", err=True)


def _debug() -> bool:
    """Whether the command runs with --debug (a traceback is then shown)."""
    from scalpsite.cli import DEBUG

    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get(DEBUG))


# Milliseconds without a new change after which a batch is rebuilt (watchfiles' default: 50). An
# editor's save (a write, or a temporary file renamed) takes well under it; the watcher waits one
# to two of them between a save and its rebuild. A save split by a longer pause only makes two
# rebuilds, the second one with the whole file.
QUIET_MS = 10


def watch_changes(root: Path, stop: threading.Event) -> Iterator[set]:
    """Batches of relevant changes in the journal, and an empty batch every 0.2 s, until stop is set."""
    import watchfiles

    root = root.resolve()
    return watchfiles.watch(root, stop_event=stop, watch_filter=lambda _c, p: watched(root, p),
                            step=QUIET_MS, rust_timeout=200, yield_on_timeout=True)


def rebuild_on_change(changes: Iterator[set], root: Path, server: PreviewServer, pdf: bool) -> None:
    """Rebuild after every batch that holds a change; collect the garbage when idle."""
    try:
        for batch in changes:
            if batch:
                if server.painter is not None:
                    server.painter.forget()
                click.echo("Change detected, rebuilding...")
                rebuild(root, server, pdf)
            else:
                _collect()
    finally:
        gc.enable()


def _collect() -> None:
    """The garbage collection a build put off, now that the watcher has had nothing for a while.

    The preview keeps its pages, photo stage and OUT's files between builds (previewmemo.py), and
    Python's full collections walk all of them: during a build at 130 sessions, its collections
    took a tenth of a save's time. So a build runs with the collector off, and what it left is
    collected after its output is served, when no change waits."""
    if not gc.isenabled():
        gc.collect()
        gc.enable()
