"""The preview server: build into a temp folder, serve on 127.0.0.1, rebuild and reload on change."""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from conftest import COMPLETE, CONFIG, write_journal

from scalpsite import serve as serve_mod
from scalpsite.errors import ScalpsiteError
from scalpsite.serve import RELOAD_JS_URL, VERSION_URL, inject, serve, watched

SCRIPT = f'<script src="{RELOAD_JS_URL}"'


def fetch(url: str) -> tuple[int, str, str]:
    """Status, Content-Type and text of a GET on the local server."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers["Content-Type"], r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def wait_for(predicate, seconds: float = 30.0) -> bool:
    """Poll predicate every 0.1 s until it holds or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def serve_dirs(temp_root: Path) -> list[Path]:
    return sorted(temp_root.glob("scalpsite-serve-*"))


@pytest.fixture
def start(tmp_path, monkeypatch):
    """Start serve(root) in a thread on a free port; stopped at the end whatever happens."""
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    running = []

    def _start(root: Path) -> SimpleNamespace:
        ready, stop, urls = threading.Event(), threading.Event(), []
        thread = threading.Thread(target=serve, daemon=True, kwargs=dict(
            root=root, port=0, pdf=False, ready=ready, stop=stop, on_ready=urls.append))
        thread.start()
        assert ready.wait(60), "the server did not become ready"
        running.append(SimpleNamespace(root=root, url=urls[0], stop=stop, thread=thread, temp_root=temp_root))
        return running[-1]

    yield _start
    for s in running:
        s.stop.set()
        s.thread.join(15)


def stop_and_join(s: SimpleNamespace) -> None:
    s.stop.set()
    s.thread.join(15)
    assert not s.thread.is_alive()


def test_serves_injects_and_rebuilds_on_change(tmp_path, start):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    s = start(root)

    status, ctype, page = fetch(s.url + "index.html")
    assert status == 200 and ctype.startswith("text/html")
    assert "Test journal" in page and SCRIPT in page
    assert fetch(s.url)[2] == page  # the folder URL serves its index, injected too
    on_disk = serve_dirs(s.temp_root)[0] / "site" / "index.html"
    assert SCRIPT not in on_disk.read_text()  # injected into responses only
    status, ctype, js = fetch(s.url + RELOAD_JS_URL.lstrip("/"))
    assert status == 200 and "javascript" in ctype and VERSION_URL in js
    assert fetch(s.url + VERSION_URL.lstrip("/"))[2] == "1"

    (root / "scalpsite.yaml").write_text(CONFIG.replace("Test journal", "Retitled 7f3a9c"))
    assert wait_for(lambda: "Retitled 7f3a9c" in fetch(s.url + "index.html")[2])
    assert wait_for(lambda: fetch(s.url + VERSION_URL.lstrip("/"))[2] == "2", 5)  # bumped just after the swap

    stop_and_join(s)
    assert serve_dirs(s.temp_root) == []
    assert not (root / "_site").exists()


def test_failed_rebuild_keeps_previous_output(tmp_path, start, capsys):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    s = start(root)
    (root / "scalpsite.yaml").write_text("title: [unclosed\n")
    err = []
    assert wait_for(lambda: err.append(capsys.readouterr().err) or "Build failed" in "".join(err))
    status, _, page = fetch(s.url + "index.html")
    assert status == 200 and "Test journal" in page
    assert fetch(s.url + VERSION_URL.lstrip("/"))[2] == "1"

    (root / "scalpsite.yaml").write_text(CONFIG.replace("Test journal", "Fixed b41e"))
    assert wait_for(lambda: "Fixed b41e" in fetch(s.url + "index.html")[2])
    stop_and_join(s)
    assert "Traceback" not in capsys.readouterr().err


def test_failed_first_build_serves_a_waiting_page(tmp_path, start):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config="title: [unclosed\n")
    s = start(root)
    status, _, page = fetch(s.url + "index.html")
    assert status == 503 and "scalpsite.yaml" in page and SCRIPT in page
    (root / "scalpsite.yaml").write_text(CONFIG)
    assert wait_for(lambda: fetch(s.url + "index.html")[0] == 200)


def test_bound_to_loopback_only(tmp_path, start):
    s = start(write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}))
    host, port = urlsplit(s.url).hostname, urlsplit(s.url).port
    assert host == "127.0.0.1" and port
    if sys.platform.startswith("linux"):  # all of 127/8 is loopback here: a 0.0.0.0 bind would answer
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", port), timeout=2).close()


def test_port_in_use_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ScalpsiteError, match="cannot listen on 127.0.0.1"):
            serve(root, port=taken.getsockname()[1])
    assert serve_dirs(tmp_path) == []


def test_not_a_journal(tmp_path):
    with pytest.raises(ScalpsiteError, match="not a journal"):
        serve(tmp_path, port=0)


def test_ctrl_c_stops_cleanly(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(serve_mod, "rebuild", lambda *a: None)

    def interrupted(*a):
        raise KeyboardInterrupt

    monkeypatch.setattr(serve_mod, "watch_changes", interrupted)
    serve(write_journal(tmp_path / "j", {}), port=0)
    assert "stopped" in capsys.readouterr().out
    assert serve_dirs(tmp_path) == []


TAG = b'<script src="/__scalpsite/reload.js" data-version="3"></script>'


@pytest.mark.parametrize("page, expected", [
    (b"<body><p>x</p></body></html>", b"<body><p>x</p>" + TAG + b"</body></html>"),
    (b"<P>x</P></BODY>", b"<P>x</P>" + TAG + b"</BODY>"),
    (b"<p>no body end</p>", b"<p>no body end</p>" + TAG),
])
def test_inject(page, expected):
    assert inject(page, 3) == expected


@pytest.mark.parametrize("rel, rebuilds", [
    ("scalpsite.yaml", True),
    ("sessions/2025-01-06/session.yaml", True),
    ("sessions/2025-01-06/overhead.jpg", True),
    ("appointments/2025-03-14.md", True),
    ("_site/index.html", False),
    ("._site.building-abc/index.html", False),
    ("_bundle.html", False),
    (".scalpsite-cache/renditions/x-web.jpg", False),
    (".git/index", False),
    ("sessions/2025-01-06/.session.yaml.swp", False),
    ("sessions/2025-01-06/session.yaml~", False),
    ("sessions/2025-01-06/#notes.md#", False),
])
def test_watched(tmp_path, rel, rebuilds):
    assert watched(tmp_path, str(tmp_path / rel)) is rebuilds


def test_watched_journal_inside_a_hidden_folder(tmp_path):
    root = tmp_path / ".config" / "j"
    assert watched(root, str(root / "scalpsite.yaml"))
    assert not watched(root, str(root / ".scalpsite-cache" / "x"))
