"""The preview's HTTP server: loopback only, requests addressed to it by name, the pages decorated."""

from __future__ import annotations

import html
import ipaddress
import re
import socket
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

import click

from scalpsite.errors import ScalpsiteError
from scalpsite.previewpage import (
    OVERLAY_CSS,
    OVERLAY_CSS_URL,
    RELOAD_JS,
    RELOAD_JS_URL,
    VERSION_URL,
    WAITING_PAGE,
    PreviewProblem,
    inject,
    overlay,
)

if TYPE_CHECKING:
    from scalpsite.painter.routes import Reply

HOST = "127.0.0.1"
PAINTER_URLS = ("/__scalpsite/paint/", "/__scalpsite/painter/")  # the mask painter (scalpsite.painter)
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ERROR_BODY = "%(code)d %(message)s\n"  # tiny: no server details, no echo of a long request
IDLE_TIMEOUT = 15  # seconds: a connection that sends nothing is closed, so it cannot hold a thread for ever
# seconds a page's question "a build after version N?" waits for one before the answer "N" (a long
# poll, as MkDocs' live reload: an open page reloads as soon as a build ends, not at its next poll)
LONG_POLL = 10


def loopback(address: str) -> str:
    """The address to bind for a --bind value; anything but a loopback address is refused with the reason."""
    if address.lower() == "localhost":
        return HOST  # bound by number: a hosts file cannot send localhost elsewhere
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        ip = None
    if ip is None or not ip.is_loopback:
        raise ScalpsiteError(f"'{address}' is not a loopback address. The preview shows your photos and health "
                             "data to anyone who can reach it, with no password, so it listens only on this "
                             "computer: use 127.0.0.1, ::1 or localhost")
    return str(ip)


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server that knows the output folder, the build number and the last build's problems."""

    def __init__(self, port: int, out: Path, bind: str = HOST, reload: bool = True, root: Path | None = None):
        from scalpsite.painter.routes import Painter
        from scalpsite.previewmemo import PreviewMemo

        self.out = out
        self.memo = PreviewMemo()  # pages, photo stage and OUT's files of the previous builds (previewmemo.py)
        self.version = 0  # builds (and failed builds) so far: an open page reloads when it changes
        self._versions = threading.Condition()
        self._closing = False
        self.reload = reload
        self.error: str | None = None  # the last build raised: its message
        self.problems: tuple[PreviewProblem, ...] = ()
        self.address = loopback(bind)
        self.name = "localhost" if bind.lower() == "localhost" else self.address
        self.address_family = socket.AF_INET6 if ":" in self.address else socket.AF_INET
        super().__init__((self.address, port), partial(PreviewHandler, directory=str(out)))
        port = self.server_address[1]
        literal = f"[{self.address}]" if ":" in self.address else self.address
        self.hosts = {f"{literal}:{port}", f"localhost:{port}"}
        self.painter = (Painter(root, {f"http://{h}" for h in self.hosts}, lambda line: click.echo(line, err=True))
                        if root is not None else None)

    def bump(self) -> None:
        """A build ended (or failed): the pages waiting for a new version get it now."""
        with self._versions:
            self.version += 1
            self._versions.notify_all()

    def version_after(self, seen: str, timeout: float = LONG_POLL) -> int:
        """The version, once it is not `seen` (or after `timeout` seconds, or when the server closes)."""
        with self._versions:
            self._versions.wait_for(lambda: self._closing or str(self.version) != seen, timeout)
            return self.version

    def server_close(self) -> None:
        """Stop listening; the pages' waiting questions are answered at once."""
        with self._versions:
            self._closing = True
            self._versions.notify_all()
        super().server_close()

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        literal = f"[{self.name}]" if ":" in self.name else self.name
        return f"http://{literal}:{self.server_address[1]}/"

    def handle_error(self, request, client_address) -> None:
        """A request that could not be answered is one line on stderr, never a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):  # a browser closing a tab is normal
            click.echo(f"Preview: could not answer a request ({exc!r})", err=True)


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the current output, its HTML with the error box and reload script, and the preview routes."""

    server: PreviewServer
    server_version = "scalpsite-preview"
    sys_version = ""
    error_message_format = ERROR_BODY
    error_content_type = "text/plain; charset=utf-8"
    default_request_version = "HTTP/1.0"  # answers to garbage get a status line, not an HTTP/0.9 body
    timeout = IDLE_TIMEOUT

    def send_head(self):
        """The response headers and body for GET and HEAD."""
        if self.refused():
            return None
        route = request_path(self.path)
        if route is None:
            self.send_error(400)
            return None
        if route in (RELOAD_JS_URL, VERSION_URL, OVERLAY_CSS_URL):
            return self._send_own(route, parse_qs(urlsplit(self.path).query).get("since", [None])[0])
        if route.startswith(PAINTER_URLS) and self.server.painter is not None:
            return self._send_reply(self.server.painter.get(route))
        if not self.server.out.is_dir():  # no build yet, or the first one failed
            message = html.escape(self.server.error or "Building...")
            page = inject(WAITING_PAGE.format(message=message).encode(), self.server.version)
            return self._send(page, "text/html; charset=utf-8", 503)
        path = Path(self.translate_path(route))
        if path.is_dir() and route.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._send(self._decorate(path.read_bytes(), route), "text/html; charset=utf-8")
        return super().send_head()

    def do_POST(self) -> None:
        """Only the painter takes a POST (a mask to measure or save)."""
        route = request_path(self.path)
        painted = route is not None and self.server.painter is not None and route.startswith(PAINTER_URLS)
        if self.refused(other_sites=not painted):
            return
        if not painted:
            self.send_error(400 if route is None else 405)
            return
        assert route is not None and self.server.painter is not None  # as `painted` says
        headers = {name.lower(): value for name, value in self.headers.items()}
        body = self._send_reply(self.server.painter.post(route, headers, self.rfile.read))
        self.wfile.write(body.getvalue())

    def _send_reply(self, reply: Reply) -> BytesIO:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        return BytesIO(reply.body)

    def refused(self, other_sites: bool = True) -> bool:
        """Answer with an error and return True when the request must not be served.

        Only requests addressed to the preview by its own name (a DNS-rebinding page sends
        another Host) and none that a browser marks as made by another site (an `<img>` of
        another page would otherwise load the photos and learn the session dates); the
        painter refuses those itself, with its reason (`other_sites=False`).
        """
        host = self.headers.get("Host")
        if (host or "").lower() not in self.server.hosts:
            self.send_error(421 if host else 400)
            return True
        if other_sites and self.headers.get("Sec-Fetch-Site", "").strip().lower() == "cross-site":
            self.send_error(403)
            return True
        return False

    def _send_own(self, route: str, since: str | None) -> BytesIO:
        if route == RELOAD_JS_URL:
            return self._send(RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        if route == OVERLAY_CSS_URL:
            return self._send(OVERLAY_CSS.encode(), "text/css; charset=utf-8")
        version = self.server.version if since is None else self.server.version_after(since)
        return self._send(str(version).encode(), "text/plain; charset=utf-8")

    def _decorate(self, page: bytes, route: str) -> bytes:
        if self.server.painter is not None:
            page = self.server.painter.links(route, page)
        page = overlay(page, self.server.problems, failed=self.server.error is not None)
        return inject(page, self.server.version) if self.server.reload else page

    def _send(self, body: bytes, content_type: str, status: int = 200) -> BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)

    def list_directory(self, path):
        """No folder listings: a folder without index.html is simply not found (nothing to send after)."""
        self.send_error(404)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Every malformed request is a plain 400 (an overlong line too); the body is the status alone.

        The standard messages echo the request line back; a tiny fixed body says all that is needed.
        """
        super().send_error(400 if code in (414, 431) else code)

    def end_headers(self) -> None:
        """Every response is fresh (a rebuild may change any file) and readable by the preview's own pages only."""
        self.send_header("Cache-Control", "no-store")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        """Quiet: one line per request would drown the build messages."""


def request_path(target: str) -> str | None:
    """The decoded path of a request target, or None when it is malformed.

    Malformed: not a URL, a `%` not followed by two hex digits, bytes that are not UTF-8, or a
    control character (such as `%00`) once decoded.
    """
    try:
        raw = urlsplit(target).path
    except ValueError:
        return None
    if not raw.startswith("/") or BAD_ESCAPE.search(raw):
        return None
    try:
        path = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if CONTROL.search(path) else path



def start_server(port: int, out: Path, bind: str = HOST, reload: bool = True,
                 root: Path | None = None) -> PreviewServer:
    """A running server bound to a loopback address (with the mask painter of the journal `root`),
    or a clear error when the port is taken."""
    try:
        server = PreviewServer(port, out, bind, reload, root)
    except OSError as exc:
        raise ScalpsiteError(f"cannot listen on {bind}:{port} ({exc.strerror}); "
                             "choose another port with --port, or --port 0 for any free one") from exc
    threading.Thread(target=server.serve_forever, args=(0.1,), name="scalpsite-serve", daemon=True).start()
    return server
