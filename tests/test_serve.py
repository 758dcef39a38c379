"""The preview server: build into a temp folder, serve on 127.0.0.1, rebuild and reload on change."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from conftest import COMPLETE, CONFIG, REPO, write_journal

from scalpsite import serve as serve_mod
from scalpsite.cli import main
from scalpsite.errors import ScalpsiteError
from scalpsite.pipeline import build
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

    def _start(root: Path, **options) -> SimpleNamespace:
        ready, stop, urls = threading.Event(), threading.Event(), []
        options.setdefault("chart_worker", False)  # a process of its own per preview: tested on its own
        thread = threading.Thread(target=serve, daemon=True, kwargs=dict(
            root=root, port=0, pdf=False, ready=ready, stop=stop, on_ready=urls.append, **options))
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
    answered: list[str] = []  # an open page asks for a build after the one it shows, and waits for it
    waiting = threading.Thread(target=lambda: answered.append(
        urllib.request.urlopen(s.url + VERSION_URL.lstrip("/") + "?since=1", timeout=60).read().decode()))
    waiting.start()

    (root / "scalpsite.yaml").write_text(CONFIG.replace("Test journal", "Retitled 7f3a9c"))
    assert wait_for(lambda: "Retitled 7f3a9c" in fetch(s.url + "index.html")[2])
    assert wait_for(lambda: fetch(s.url + VERSION_URL.lstrip("/"))[2] == "2", 5)  # bumped just after the update
    waiting.join(30)
    assert answered == ["2"]

    stop_and_join(s)
    assert serve_dirs(s.temp_root) == []
    assert not (root / "_site").exists()


def test_the_chart_worker_draws_a_save_and_ends_with_the_preview(tmp_path, start, monkeypatch):
    """`scalpsite serve` draws its charts in a worker process (chartaside.py) where it may use
    more than one: a save's chart is the one a build draws, and the worker ends with the preview."""
    import multiprocessing

    monkeypatch.setenv("SCALPSITE_WORKERS", "2")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-02-03": COMPLETE})
    others = set(multiprocessing.active_children())  # of earlier tests in this process, if any
    s = start(root, chart_worker=None)  # the command's default
    assert wait_for(lambda: set(multiprocessing.active_children()) - others, 30)
    running = set(multiprocessing.active_children()) - others
    before = fetch(s.url + "charts/ad.svg")[2]
    (root / "sessions/2025-02-03/session.yaml").write_text(COMPLETE.replace("itch: 7", "itch: 2"))
    assert wait_for(lambda: fetch(s.url + "charts/ad.svg")[2] != before)
    built = tmp_path / "built"
    build(root, built, pdf=False)
    assert wait_for(lambda: fetch(s.url + "charts/ad.svg")[2] == (built / "charts/ad.svg").read_text(), 5)
    stop_and_join(s)
    for worker in running:
        worker.join(15)
    assert alive(running) == []
    assert serve_dirs(s.temp_root) == []


def alive(processes) -> list[str]:
    """Those of `processes` still running, each with what the kernel says of it (its state, and the
    signals it ignores or blocks, as hexadecimal masks), so that a failure says why it still runs."""
    described = []
    for process in processes:
        if process.is_alive():
            try:
                status = Path(f"/proc/{process.pid}/status").read_text().splitlines()
            except OSError:
                status = []
            kernel = [line for line in status if line.startswith(("State:", "SigIgn:", "SigBlk:"))]
            described.append(f"{process.name} (pid {process.pid}) {' '.join(' '.join(kernel).split())}")
    return described


def test_with_one_worker_the_preview_draws_its_charts_itself(tmp_path, start, monkeypatch):
    """SCALPSITE_WORKERS=1: no chart worker; a save's chart is drawn by the preview's own process."""
    import multiprocessing

    monkeypatch.setenv("SCALPSITE_WORKERS", "1")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-02-03": COMPLETE})
    others = set(multiprocessing.active_children())
    s = start(root, chart_worker=None)
    before = fetch(s.url + "charts/ad.svg")[2]
    (root / "sessions/2025-02-03/session.yaml").write_text(COMPLETE.replace("itch: 7", "itch: 2"))
    assert wait_for(lambda: fetch(s.url + "charts/ad.svg")[2] != before)
    assert set(multiprocessing.active_children()) - others == set()
    stop_and_join(s)


def test_a_page_asking_for_a_new_build_is_answered_when_one_ends(tmp_path):
    """The reload script's long poll: another version than the page's is answered at once, the
    page's own when a build ends (or the wait is over, or the server closes)."""
    from scalpsite.previewhttp import PreviewServer

    server = PreviewServer(0, tmp_path / "site")
    try:
        assert server.version_after("7", 30) == 0
        assert server.version_after("0", 0.05) == 0
        threading.Timer(0.2, server.bump).start()
        started = time.monotonic()
        assert server.version_after("0", 30) == 1 and time.monotonic() - started < 10
        threading.Timer(0.2, server.server_close).start()
        started = time.monotonic()
        assert server.version_after("1", 30) == 1 and time.monotonic() - started < 10
    finally:
        server.server_close()


def test_failed_rebuild_keeps_previous_output(tmp_path, start, capsys):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    s = start(root)
    (root / "scalpsite.yaml").write_text("title: [unclosed\n")
    err = []
    assert wait_for(lambda: err.append(capsys.readouterr().err) or "Build failed" in "".join(err))
    status, _, page = fetch(s.url + "index.html")
    assert status == 200 and "Test journal" in page
    assert "The last build failed; you are seeing the previous output" in page and "scalpsite.yaml" in page
    assert fetch(s.url + VERSION_URL.lstrip("/"))[2] == "2"  # open pages reload to show the failure

    (root / "scalpsite.yaml").write_text(CONFIG.replace("Test journal", "Fixed b41e"))
    assert wait_for(lambda: "Fixed b41e" in fetch(s.url + "index.html")[2])
    assert wait_for(lambda: "scalpsite-overlay" not in fetch(s.url + "index.html")[2], 5)  # set just after the swap
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


# --- issue 12 item 5: the preview answers only its own address, and never with a traceback ----------

def raw_request(url: str, data: bytes) -> bytes:
    """Send raw bytes to the server of `url`; the whole response."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One running preview of a small complete journal, shared by the request tests of this module."""
    base = tmp_path_factory.mktemp("served")
    (base / "tmp").mkdir()
    ready, stop, urls = threading.Event(), threading.Event(), []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(base / "tmp"))
        root = write_journal(base / "j", {"2025-01-06": COMPLETE})
        thread = threading.Thread(target=serve, daemon=True, kwargs={
            "root": root, "port": 0, "ready": ready, "stop": stop, "on_ready": urls.append})
        thread.start()
        assert ready.wait(60), "the server did not become ready"
    yield SimpleNamespace(url=urls[0])
    stop.set()
    thread.join(15)


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("LocalHost:{port}", 200),
    ("evil.example:{port}", 421), ("evil.example", 421), ("127.0.0.1", 421), ("127.0.0.1:1", 421),
    ("localhost.evil.example:{port}", 421), ("[::1]:{port}", 421), (None, 400),
])
def test_only_the_preview_address_is_answered(served, host, status):
    """issue 12 item 5: a DNS-rebinding page (any other Host) cannot read the journal's data."""
    port = urlsplit(served.url).port
    head = f"Host: {host.format(port=port)}\r\n" if host else ""
    response = raw_request(served.url, f"GET /data.json HTTP/1.1\r\n{head}Connection: close\r\n\r\n".encode())
    assert status_of(response) == status
    if status != 200:
        body = response.split(b"\r\n\r\n", 1)[1]
        assert len(body) < 40 and b"sessions" not in body


@pytest.mark.parametrize("path", ["/photos/", "/sessions/", "/charts/", "/static/", "/photos/2025-01-06/"])
def test_no_directory_listings(served, path):
    """issue 12 item 5: a folder without index.html is not found, never listed."""
    status, _, body = fetch(served.url + path.lstrip("/"))
    assert status == 404 and ".jpg" not in body and ".html" not in body


MALFORMED = [
    b"GET /%00 HTTP/1.1\r\n", b"GET /index.html%00.txt HTTP/1.1\r\n", b"GET /%zz HTTP/1.1\r\n",
    b"GET /% HTTP/1.1\r\n", b"GET /%ff HTTP/1.1\r\n", b"GET /%c3%28 HTTP/1.1\r\n", b"GET /a%0ab HTTP/1.1\r\n",
    b"GET /%2 HTTP/1.1\r\n", b"GET http://[::1 HTTP/1.1\r\n", b"GET index.html HTTP/1.1\r\n",
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n", b"GET / HTTP/1.1\r\nX-Long: " + b"b" * 70_000 + b"\r\n",
    b"GET / HTTP/9.9\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n",
]


@pytest.mark.parametrize("request_head", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_requests_are_400_without_traceback(served, capsys, request_head):
    """issue 12 item 5: %00, bad percent-encoding, overlong lines...: 400, and nothing on stderr."""
    port = urlsplit(served.url).port
    host = f"Host: 127.0.0.1:{port}\r\n".encode()
    data = request_head + (host if request_head.startswith(b"GET") else b"") + b"Connection: close\r\n\r\n"
    response = raw_request(served.url, data)
    assert status_of(response) == (505 if b"HTTP/9.9" in request_head else 400)
    assert len(response.split(b"\r\n\r\n", 1)[1]) < 40  # no echo of the request
    assert fetch(served.url + "index.html")[0] == 200  # still serving
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Error" not in err


@pytest.mark.parametrize("target, path", [
    ("/", "/"), ("/sessions/2025-01-06.html?x=1#y", "/sessions/2025-01-06.html"), ("/a%20b", "/a b"),
    ("/caf%C3%A9", "/café"), ("/%00", None), ("/%zz", None), ("/%", None), ("/%ff", None),
    ("/%1f", None), ("/%7f", None), ("//[", None), ("relative", None),
])
def test_request_path(target, path):
    """issue 12 item 5: the decoded path of a request, or None for a malformed one."""
    assert serve_mod.request_path(target) == path


def read_url(proc: subprocess.Popen, lines: list[str]) -> str:
    """Read the preview's stdout until it prints its address."""
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Serving "):
            return line.split(" at ", 1)[1].split()[0]
    raise AssertionError("the preview never printed its address:\n" + "".join(lines))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signals_remove_the_temporary_output(tmp_path, signum):
    """issue 12 item 5: SIGTERM and SIGHUP remove the temporary copy of the site, as Ctrl-C does."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "scalpsite", "serve", str(root), "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = read_url(proc, [])
        assert fetch(url + "data.json")[0] == 200
        assert (serve_dirs(temp)[0] / "site" / "data.json").is_file()
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Preview stopped." in out and "Traceback" not in err
    assert list(temp.iterdir()) == []


def test_previews_killed_earlier_are_cleaned_up(tmp_path, monkeypatch):
    """issue 12 item 5: a preview that was killed outright (SIGKILL) leaves no site behind for long."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead, alive = tmp_path / f"scalpsite-serve-{proc.pid}-ab", tmp_path / f"scalpsite-serve-{os.getppid()}-cd"
    for folder in (dead, alive, tmp_path / "scalpsite-serve-x"):
        (folder / "site").mkdir(parents=True)
        (folder / "site" / "data.json").write_text("{}")
    serve_mod.remove_stale_previews()
    assert sorted(p.name for p in tmp_path.iterdir()) == [alive.name, "scalpsite-serve-x"]


# --- issue 18 item 12: the error box, --no-reload, --bind ------------------------------------------

BAD_SESSION = COMPLETE.replace("itch: 7", "itch: 17") + "\"<b>bold</b>\": 1\n"


def test_overlay_lists_the_last_builds_errors(tmp_path, start):
    """issue 18 item 12: every served page shows the errors with file:line, escaped; gone after a fix."""
    root = write_journal(tmp_path / "j", {"2025-01-06": BAD_SESSION})
    s = start(root)
    for page in ("index.html", "sessions/2025-01-06.html", "findings.html"):
        status, _, html_text = fetch(s.url + page)
        assert status == 200
        assert html_text.index('id="scalpsite-overlay"') < html_text.index("</header>")
        box = html_text.split('id="scalpsite-overlay"', 1)[1].split("</section>", 1)[0]
        assert "The last build found 2 errors" in box
        assert "<code>sessions/2025-01-06/session.yaml:3</code>" in box
        assert "&lt;b&gt;bold&lt;/b&gt;" in box and "<b>bold" not in box
    assert "scalpsite-overlay" not in (serve_dirs(s.temp_root)[0] / "site/index.html").read_text()
    (root / "sessions/2025-01-06/session.yaml").write_text(COMPLETE)
    assert wait_for(lambda: "scalpsite-overlay" not in fetch(s.url + "index.html")[2])


@pytest.mark.parametrize("page, expected", [
    (b'<html><body class="x"><p>a</p></body>', b'<html><body class="x">BOX<p>a</p></body>'),
    (b"<BODY>a</BODY>", b"<BODY>BOXa</BODY>"),
    (b"<p>no body</p>", b"BOX<p>no body</p>"),
    (b"<bodyguard><body>a", b"<bodyguard><body>BOXa"),
])
def test_overlay_goes_just_after_body(monkeypatch, page, expected):
    """issue 18 item 12: the box is the first thing in the page's body."""
    from scalpsite import previewpage

    monkeypatch.setattr(previewpage, "overlay_html", lambda problems, failed: "BOX")
    assert previewpage.overlay(page, (previewpage.PreviewProblem("a", "b"),), False) == expected
    assert previewpage.overlay(page, (), False) == page


@pytest.mark.browser
def test_overlay_in_a_real_browser(tmp_path, start, browser):
    """issue 18 item 12: chromium shows the box at the top, styled (the pages' CSP allows its stylesheet)."""
    s = start(write_journal(tmp_path / "j", {"2025-01-06": BAD_SESSION}))
    with closing(browser.new_context(viewport={"width": 1000, "height": 800})) as context:
        page = context.new_page()
        violations = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(s.url + "sessions/2025-01-06.html")
        box = page.locator("#scalpsite-overlay")
        assert box.is_visible()
        assert box.bounding_box()["y"] == 0
        assert box.evaluate("e => getComputedStyle(e).position") == "sticky"
        assert "sessions/2025-01-06/session.yaml:3" in box.inner_text()
        page.mouse.wheel(0, 2000)
        page.wait_for_timeout(200)
        assert box.bounding_box()["y"] == 0  # stays in view while scrolling
        assert violations == []


def test_no_reload_leaves_out_the_script(tmp_path, start):
    """issue 18 item 12: `--no-reload` serves the pages without the reload script, errors still shown."""
    s = start(write_journal(tmp_path / "j", {"2025-01-06": BAD_SESSION}), reload=False)
    page = fetch(s.url + "index.html")[2]
    assert SCRIPT not in page and "scalpsite-overlay" in page


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "::", "example.com", "10.0.0.1", ""])
def test_bind_accepts_only_loopback(runner, tmp_path, address):
    """issue 18 item 12: --bind with anything but a loopback address is a usage error saying why."""
    root = write_journal(tmp_path / "j", {})
    result = runner.invoke(main, ["serve", str(root), "--bind", address])
    assert result.exit_code == 2
    assert f"Invalid value for '--bind': '{address}' is not a loopback address. The preview shows your photos " \
           "and health data to anyone who can reach it, with no password, so it listens only on this " \
           "computer: use 127.0.0.1, ::1 or localhost" in " ".join(result.output.split())


def test_bind_help_says_loopback_only(runner):
    """issue 18 item 12: the help documents --bind as loopback-only."""
    result = runner.invoke(main, ["serve", "--help"])
    assert "--bind ADDRESS" in result.output and "Loopback only" in result.output
    assert "--no-reload" in result.output


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize("bind, host", [
    ("localhost", "localhost"),
    pytest.param("::1", "[::1]", marks=pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback")),
])
def test_bind_to_other_loopback_names(tmp_path, start, bind, host):
    """issue 18 item 12: localhost and ::1 work, and the Host check follows the address."""
    s = start(write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}), bind=bind)
    assert s.url.startswith(f"http://{host}:")
    assert fetch(s.url + "index.html")[0] == 200


# --- issue 22 items 6, 10, 19: cross-site loads, any failure of a rebuild, idle connections -----

def request_with(url: str, path: str, headers: dict[str, str]) -> bytes:
    """A GET of `path` with the preview's Host and the given extra headers; the whole response."""
    port = urlsplit(url).port
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return raw_request(url, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}Connection: close\r\n\r\n".encode())


@pytest.mark.parametrize("site, status", [
    ("cross-site", 403), ("Cross-Site", 403), ("same-origin", 200), ("same-site", 200), ("none", 200), (None, 200),
])
@pytest.mark.parametrize("path", ["/data.json", "/index.html", "/static/style.css", RELOAD_JS_URL])
def test_cross_site_requests_are_refused(served, site, status, path):
    """issue 22 item 6: a page of another site cannot load the preview's data, pages or photos."""
    response = request_with(served.url, path, {"Sec-Fetch-Site": site} if site else {})
    assert status_of(response) == status
    if status == 403:
        assert b"sessions" not in response.split(b"\r\n\r\n", 1)[1]


@pytest.mark.parametrize("path", ["/data.json", "/index.html", "/no-such-file", RELOAD_JS_URL, "/%zz"])
def test_every_answer_is_for_the_same_origin_only(served, path):
    """issue 22 item 6: Cross-Origin-Resource-Policy: same-origin on every response, errors included."""
    head = request_with(served.url, path, {}).split(b"\r\n\r\n", 1)[0].lower()
    assert b"\r\ncross-origin-resource-policy: same-origin" in head


@pytest.mark.browser
def test_cross_origin_img_is_blocked_in_a_real_browser(tmp_path, start, browser):
    """issue 22 item 6: an <img> of another origin pointing at the preview does not load in chromium."""
    served = start(write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True))
    photo = fetch_bytes(served.url + "photos/2025-01-06/overhead.jpg")
    assert photo[:2] == b"\xff\xd8"  # the photo is there for the preview's own pages
    page_file = tmp_path / "other.html"
    page_file.write_text(f'<img id="x" src="{served.url}photos/2025-01-06/overhead.jpg">')
    with closing(browser.new_context()) as context:
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("document.getElementById('x').naturalWidth") == 0


def fetch_bytes(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read()


def test_any_failure_of_a_rebuild_shows_the_box_and_keeps_serving(tmp_path, start, monkeypatch, capsys):
    """issue 22 item 10: a rebuild that raises something else than a ScalpsiteError does not stop the preview."""
    from scalpsite import pipeline

    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    real_build = pipeline.build
    s = start(root)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer exploded 5e1d")

    monkeypatch.setattr(pipeline, "build", broken)
    (root / "scalpsite.yaml").write_text(CONFIG.replace("Test journal", "Retitled"))
    assert wait_for(lambda: "renderer exploded 5e1d" in fetch(s.url + "index.html")[2])
    status, _, page = fetch(s.url + "index.html")
    assert status == 200 and "Test journal" in page  # the previous output
    assert "The last build failed; you are seeing the previous output" in page
    assert "internal error: RuntimeError(&#x27;renderer exploded 5e1d&#x27;)" in page
    assert s.thread.is_alive()

    monkeypatch.setattr(pipeline, "build", real_build)
    (root / "scalpsite.yaml").write_text(CONFIG.replace("Test journal", "Fixed c0de"))
    assert wait_for(lambda: "Fixed c0de" in fetch(s.url + "index.html")[2])
    assert wait_for(lambda: "scalpsite-overlay" not in fetch(s.url + "index.html")[2], 5)
    stop_and_join(s)
    err = capsys.readouterr().err
    assert "Build failed: internal error: RuntimeError('renderer exploded 5e1d')" in err
    assert "Traceback" not in err


def test_a_failing_first_build_of_any_kind_serves_the_waiting_page(tmp_path, start, monkeypatch):
    """issue 22 item 10: even the first build may fail with anything; the waiting page says why."""
    from scalpsite import pipeline

    monkeypatch.setattr(pipeline, "build", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    s = start(write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}))
    status, _, page = fetch(s.url + "index.html")
    assert status == 503 and "internal error: MemoryError()" in page


def test_idle_connections_are_closed(served, monkeypatch):
    """issue 22 item 19: a connection that never sends its request does not hold a thread for ever."""
    assert serve_mod.PreviewHandler.timeout == serve_mod.IDLE_TIMEOUT and 0 < serve_mod.IDLE_TIMEOUT <= 60
    monkeypatch.setattr(serve_mod.PreviewHandler, "timeout", 0.5)
    parts = urlsplit(served.url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as idle:
        assert idle.recv(100) == b""  # closed by the server, without an answer
    assert time.monotonic() - started < 5
    assert fetch(served.url + "index.html")[0] == 200


def test_an_edit_during_the_preview_draws_only_what_changed(tmp_path, start, monkeypatch):
    """issue 30: a saved session.yaml reaches data.json and its page; the charts it does not change
    are taken from the cache (only the chart that draws itch is drawn again)."""
    from scalpsite.render import charts

    drawn: list[str] = []
    real = charts.draw_chart
    monkeypatch.setattr(charts, "draw_chart", lambda name, reads, out: drawn.append(name) or real(name, reads, out))
    second = COMPLETE.replace("itch: 7", "itch: 5")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-02-03": second})
    s = start(root)
    assert '"itch": 5' in fetch(s.url + "data.json")[2]
    site = serve_dirs(s.temp_root)[0] / "site"
    row = '<th scope="row">Itch <span class="sub">NRS 0–10</span></th>\n        <td class="n">{}</td>'
    assert row.format(5) in (site / "sessions/2025-02-03.html").read_text()
    salt = fetch(s.url + "charts/salt.svg")[2]
    drawn.clear()
    (root / "sessions/2025-02-03/session.yaml").write_text(second.replace("itch: 5", "itch: 9"))
    assert wait_for(lambda: '"itch": 9' in fetch(s.url + "data.json")[2])
    assert drawn == ["ad"]
    assert fetch(s.url + "charts/salt.svg")[2] == salt
    assert row.format(9) in (site / "sessions/2025-02-03.html").read_text()
    assert row.format(9) in fetch(s.url + "sessions/2025-02-03.html")[2]
    stop_and_join(s)
