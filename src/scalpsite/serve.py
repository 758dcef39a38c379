"""`scalpsite serve`: a local preview on 127.0.0.1 that rebuilds and reloads on change."""

from __future__ import annotations

import html
import shutil
import tempfile
import threading
import webbrowser
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import click

from scalpsite.errors import ScalpsiteError

HOST = "127.0.0.1"
RELOAD_JS_URL = "/__scalpsite/reload.js"
VERSION_URL = "/__scalpsite/version"
IGNORED_DIRS = {"_site", "_bundle.html", "__pycache__", "node_modules"}  # our outputs and tool folders

# A same-origin file, not inline code, so the pages' CSP (script-src 'self') allows it.
RELOAD_JS = """\
(function () {
  var seen = document.currentScript.dataset.version;
  function poll() {
    fetch("%s", {cache: "no-store"})
      .then(function (r) { return r.ok ? r.text() : seen; })
      .then(function (v) { if (v !== seen) { location.reload(); } })
      .catch(function () {});
  }
  setInterval(poll, 1000);
})();
""" % VERSION_URL

WAITING_PAGE = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scalpsite preview</title></head>
<body><h1>No site to show yet</h1><pre>{message}</pre>
<p>Fix the journal and save: this page reloads when a build succeeds.</p></body></html>
"""


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server that knows the output folder, the build number and the last error."""

    def __init__(self, port: int, out: Path):
        self.out = out
        self.version = 0
        self.error: str | None = None
        super().__init__((HOST, port), partial(PreviewHandler, directory=str(out)))

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        return f"http://{HOST}:{self.server_address[1]}/"


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the current output, its HTML with the reload script, and the two preview routes."""

    server: PreviewServer

    def send_head(self):
        """The response headers and body for GET and HEAD."""
        route = urlsplit(self.path).path
        if route == RELOAD_JS_URL:
            return self._send(RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        if route == VERSION_URL:
            return self._send(str(self.server.version).encode(), "text/plain; charset=utf-8")
        if not self.server.out.is_dir():  # no build yet, failed, or mid-swap
            message = html.escape(self.server.error or "Building...")
            return self._send(inject(WAITING_PAGE.format(message=message).encode(), self.server.version),
                              "text/html; charset=utf-8", 503)
        path = Path(self.translate_path(self.path))
        if path.is_dir() and route.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._send(inject(path.read_bytes(), self.server.version), "text/html; charset=utf-8")
        return super().send_head()

    def _send(self, body: bytes, content_type: str, status: int = 200) -> BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)

    def end_headers(self) -> None:
        """Every response is fresh: a rebuild may change any file."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        """Quiet: one line per request would drown the build messages."""


def inject(page: bytes, version: int) -> bytes:
    """The page with the reload script referenced just before </body>."""
    tag = f'<script src="{RELOAD_JS_URL}" data-version="{version}"></script>'.encode()
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def watched(root: Path, path: str) -> bool:
    """Whether a change to path should trigger a rebuild (not output, cache, VCS, hidden or backup)."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:  # outside the journal: judge the name only
        parts = (Path(path).name,)
    return not any(p.startswith((".", "#")) or p.endswith("~") or p in IGNORED_DIRS for p in parts)


def rebuild(root: Path, server: PreviewServer, pdf: bool) -> None:
    """Build into the server's output; on a user error, say why and keep the previous output."""
    from scalpsite.console import print_build
    from scalpsite.pipeline import build

    try:
        result = build(root, server.out, pdf=pdf)
    except ScalpsiteError as exc:
        server.error = exc.format_message()
        click.echo(f"Build failed: {server.error}", err=True)
        shown = "the previous output" if server.version else "a page with this message"
        click.echo(f"Still serving {shown}; fix the journal and save to rebuild.", err=True)
        return
    server.error = None
    server.version += 1
    print_build(result)


def watch_changes(root: Path, stop: threading.Event) -> Iterator[set]:
    """Batches of relevant changes in the journal, and an empty batch every 0.2 s, until stop is set."""
    import watchfiles

    root = root.resolve()
    return watchfiles.watch(root, stop_event=stop, watch_filter=lambda _c, p: watched(root, p),
                            rust_timeout=200, yield_on_timeout=True)


def rebuild_on_change(changes: Iterator[set], root: Path, server: PreviewServer, pdf: bool) -> None:
    """Rebuild after every batch that holds a change."""
    for batch in changes:
        if batch:
            click.echo("Change detected, rebuilding...")
            rebuild(root, server, pdf)


def start_server(port: int, out: Path) -> PreviewServer:
    """A running server bound to 127.0.0.1:port, or a clear error when the port is taken."""
    try:
        server = PreviewServer(port, out)
    except OSError as exc:
        raise ScalpsiteError(f"cannot listen on {HOST}:{port} ({exc.strerror}); "
                             "choose another port with --port, or --port 0 for any free one") from exc
    threading.Thread(target=server.serve_forever, args=(0.1,), name="scalpsite-serve", daemon=True).start()
    return server


def serve(root: Path, port: int = 8000, pdf: bool = False, open_browser: bool = False,
          ready: threading.Event | None = None, stop: threading.Event | None = None,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Build into a temporary folder, serve it on 127.0.0.1 and rebuild on change until stopped."""
    root = Path(root)
    if not (root / "scalpsite.yaml").is_file():
        raise ScalpsiteError(f"{root} is not a journal (no scalpsite.yaml); run 'scalpsite init' first")
    stop = stop or threading.Event()
    tmp = Path(tempfile.mkdtemp(prefix="scalpsite-serve-"))
    server = None
    try:
        server = start_server(port, tmp / "site")
        changes = watch_changes(root, stop)
        next(changes, None)  # the watcher now runs: edits made during the first build are not lost
        rebuild(root, server, pdf)
        _announce(server.url, root, open_browser, ready, on_ready)
        rebuild_on_change(changes, root, server, pdf)
    except KeyboardInterrupt:
        pass
    finally:
        _close(server, tmp)
    click.echo("Preview stopped.")


def _announce(url: str, root: Path, open_browser: bool, ready: threading.Event | None,
              on_ready: Callable[[str], None] | None) -> None:
    click.echo(f"Serving {root} at {url} (rebuilds on change; Ctrl-C to stop)")
    if on_ready:
        on_ready(url)
    if ready:
        ready.set()
    if open_browser:
        webbrowser.open(url)


def _close(server: PreviewServer | None, tmp: Path) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
    shutil.rmtree(tmp, ignore_errors=True)
