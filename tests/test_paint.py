"""The mask painter of the preview (issue 29): its routes, the refusals of its save endpoint, the
files it writes, and its absence from every built, encrypted or bundled output."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import shutil
import tempfile
import threading
import time
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import numpy as np
import pytest
from conftest import COMPLETE, EXAMPLE, write_journal
from PIL import Image
from sharing import PASSWORD, bundle_payloads, decrypt_all, decrypt_site, private_journal, vault_params

from scalpsite.journal.load import load
from scalpsite.store.guard import CACHE_DIR
from scalpsite.store.lock import build_lock
from scalpsite.painter import store
from scalpsite.photos import masks
from scalpsite.pipeline import build, bundle, start_masks
from scalpsite.serve import serve

FIRST, SECOND = "2025-01-06", "2025-02-03"
SIZE = (1024, 768)  # the example journal's photos
API = f"/__scalpsite/paint/{SECOND}/overhead"


def example_journal(root: Path) -> Path:
    """The example journal's first two sessions: the first has masks, the second none."""
    (root / "sessions").mkdir(parents=True)
    shutil.copy(EXAMPLE / "scalpsite.yaml", root)
    for folder in (FIRST, SECOND):
        shutil.copytree(EXAMPLE / "sessions" / folder, root / "sessions" / folder)
    return root


@pytest.fixture(scope="module")
def painter(tmp_path_factory):
    """A running preview of the example's first two sessions, with the token of its painting page."""
    base = tmp_path_factory.mktemp("painter")
    (base / "tmp").mkdir()
    root = example_journal(base / "j")
    ready, stop, urls = threading.Event(), threading.Event(), []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(base / "tmp"))
        thread = threading.Thread(target=serve, daemon=True, kwargs={
            "root": root, "port": 0, "ready": ready, "stop": stop, "on_ready": urls.append})
        thread.start()
        assert ready.wait(60), "the preview did not become ready"
    parts = urlsplit(urls[0])
    page = request(parts.port, "GET", API)
    token = re.search(rb'data-token="([^"]+)"', page.body).group(1).decode()
    yield SimpleNamespace(root=root, port=parts.port, origin=f"http://127.0.0.1:{parts.port}", token=token,
                          url=urls[0])
    stop.set()
    thread.join(15)


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """One request with exactly the given headers (and Host); status, headers and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return SimpleNamespace(status=r.status, headers=r.headers, body=r.read())
    finally:
        conn.close()


def png(rgba: np.ndarray) -> bytes:
    out = BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, "PNG")
    return out.getvalue()


def painted(size=SIZE) -> np.ndarray:
    """A mask as an image editor leaves it: soft colours near the paint colours, a half-transparent rim."""
    w, h = size
    a = np.zeros((h, w, 4), dtype=np.uint8)
    a[100:700, 100:900] = (40, 170, 60, 255)  # haired scalp, in a colour of the user's choice
    a[200:400, 200:500] = (240, 20, 30, 255)  # bald, not quite #ff0000
    a[450:600, 200:500] = (250, 240, 40, 255)  # partial regrowth
    a[450:600, 600:800] = (120, 135, 128, 255)  # excluded, near grey
    a[90:100, 100:900] = (40, 170, 60, 100)  # a soft rim: not scalp
    return a


def save_headers(p, **changes) -> dict:
    headers = {"Origin": p.origin, "Sec-Fetch-Site": "same-origin", "X-Scalpsite-Token": p.token,
               "Content-Type": "image/png"}
    headers.update(changes)
    return {k: v for k, v in headers.items() if v is not None}


def snapshot(root: Path) -> dict[str, str]:
    """Every file of the journal but the cache, by content."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and CACHE_DIR not in p.parts}


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


# ---------- the links and the page ----------

def test_session_pages_link_each_salt_view_to_its_painting_page(painter):
    page = request(painter.port, "GET", f"/sessions/{SECOND}.html").body.decode()
    links = re.findall(r'<a class="paint-link" href="([^"]+)">Paint mask</a>', page)
    assert links == [f"/__scalpsite/paint/{SECOND}/{a}" for a in ("overhead", "back", "left", "right")]
    caption = page.split('data-angle="overhead"', 1)[1].split("</figcaption>", 1)[0]
    assert "Paint mask" in caption
    assert "paint" not in page.split('data-angle="front"', 1)[1].split("</figcaption>", 1)[0]


def test_the_painting_page(painter):
    r = request(painter.port, "GET", API)
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    text = r.body.decode()
    assert 'data-width="1024" data-height="768"' in text
    for hook in ('data-tool="scalp"', 'data-tool="bald"', 'data-tool="partial"', 'data-tool="excluded"',
                 'data-tool="erase"', "data-brush-size", 'data-action="save"', 'data-action="undo"',
                 'data-action="redo"', 'data-action="restore"', 'data-action="start-previous"'):
        assert hook in text
    photo = request(painter.port, "GET", API + "/photo.jpg")
    assert photo.status == 200 and Image.open(BytesIO(photo.body)).size == SIZE
    for asset in ("paint.js", "paint-model.js", "paint.css"):
        assert request(painter.port, "GET", f"/__scalpsite/painter/{asset}").status == 200
    assert request(painter.port, "GET", "/__scalpsite/painter/../../serve.py").status == 404


def test_a_new_token_each_run(painter, tmp_path, monkeypatch):
    from scalpsite.painter.routes import Painter

    assert Painter(tmp_path, set(), print).token != Painter(tmp_path, set(), print).token
    assert len(painter.token) >= 40


# ---------- refusals of the save endpoint ----------

GOOD = png(painted())
REFUSALS = [
    ("no token", {"X-Scalpsite-Token": None}, API + "/save", GOOD, 403, "does not carry this preview's token"),
    ("wrong token", {"X-Scalpsite-Token": "x" * 43}, API + "/save", GOOD, 403, "does not carry this preview's token"),
    ("cross-site", {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, API + "/save", GOOD, 403,
     "refused: the request comes from https://evil.example (cross-site), not from this preview's painting page"),
    ("same-site", {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}, API + "/save", GOOD, 403,
     "refused: the request comes from http://127.0.0.1:1 (same-site)"),
    ("other origin", {"Origin": "https://evil.example", "Sec-Fetch-Site": None}, API + "/save", GOOD, 403,
     "refused: the request comes from https://evil.example"),
    ("no origin", {"Origin": None}, API + "/save", GOOD, 403, "refused: the request comes from no Origin"),
    ("text type", {"Content-Type": "text/plain"}, API + "/save", GOOD, 415, "must be sent as image/png, not text/plain"),
    ("not a png", {}, API + "/save", b"GIF89a" + bytes(100), 415, "the mask sent is not a PNG image"),
    ("broken png", {}, API + "/save", GOOD[:200], 422, "the mask sent cannot be decoded"),
    ("wrong size", {}, API + "/save", png(painted((768, 1024))), 422,
     "the mask sent is 768x1024 px but the photo (upright) is 1024x768 px"),
    ("too large", {"Content-Length": str(store.MAX_BYTES + 1)}, API + "/save", GOOD, 413,
     "over the limit of 32 MB"),
    ("no session", {}, "/__scalpsite/paint/2025-09-09/overhead/save", GOOD, 404,
     "there is no session folder sessions/2025-09-09"),
    ("dot dot", {}, "/__scalpsite/paint/../overhead/save", GOOD, 404, "there is no session folder sessions/.."),
    ("encoded slash", {}, "/__scalpsite/paint/..%2f..%2fetc/overhead/save", GOOD, 404,
     "accepts only save, measure and start"),
    ("not a salt view", {}, f"/__scalpsite/paint/{SECOND}/front/save", GOOD, 404,
     "'front' is not a SALT view of this journal (those are: back, left, overhead, right)"),
    ("not an angle", {}, f"/__scalpsite/paint/{SECOND}/session.yaml/save", GOOD, 404, "is not a SALT view"),
    ("other action", {}, API + "/delete", GOOD, 404, "accepts only save, measure and start"),
    ("a site page", {}, "/index.html", GOOD, 405, "405"),
]


@pytest.mark.parametrize("name, changes, path, body, status, message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_the_save_endpoint_refuses(painter, name, changes, path, body, status, message):
    before = snapshot(painter.root)
    r = request(painter.port, "POST", path, body, save_headers(painter, **changes))
    assert r.status == status
    assert message in r.body.decode()
    assert snapshot(painter.root) == before
    assert not list((painter.root / "sessions").rglob("*.part"))


def test_a_mask_cut_short_is_refused(painter):
    """A client that stops sending before the length it announced gets a reason, and nothing is written."""
    import socket

    before = snapshot(painter.root)
    head = "".join(f"{k}: {v}\r\n" for k, v in save_headers(painter, **{"Content-Length": "5000"}).items())
    with socket.create_connection(("127.0.0.1", painter.port), timeout=30) as conn:
        conn.sendall(f"POST {API}/save HTTP/1.1\r\nHost: 127.0.0.1:{painter.port}\r\n{head}\r\n".encode() + GOOD[:100])
        conn.shutdown(socket.SHUT_WR)
        response = b"".join(iter(lambda: conn.recv(65536), b""))
    assert response.startswith(b"HTTP/1.0 400") and b"the mask was not received whole" in response
    assert snapshot(painter.root) == before


def test_a_get_never_saves(painter):
    before = snapshot(painter.root)
    assert request(painter.port, "GET", API + "/save").status == 404
    assert snapshot(painter.root) == before


def test_a_mask_that_is_a_link_is_not_written_through(painter, tmp_path):
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(GOOD)
    link = painter.root / "sessions" / SECOND / "left.mask.png"
    link.symlink_to(outside)
    try:
        r = request(painter.port, "POST", f"/__scalpsite/paint/{SECOND}/left/save", png(painted()),
                    save_headers(painter))
        assert r.status == 409
        assert f"sessions/{SECOND}/left.mask.png is a link or not a file" in r.body.decode()
        assert outside.read_bytes() == GOOD and link.is_symlink()
    finally:
        link.unlink()


# ---------- what a save writes ----------

def saved_classes(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return masks.classify(np.asarray(im.convert("RGBA")))


def test_measure_is_the_builds_rule(painter):
    r = request(painter.port, "POST", API + "/measure", GOOD, save_headers(painter))
    assert r.status == 200
    result = json.loads(r.body)
    expected = masks.count(masks.classify(painted())).as_dict()
    assert {k: result[k] for k in expected} == expected
    assert result["summary"].startswith(f"Top region loss: {expected['loss_pct']} % (bald 60,000 px")
    assert not (painter.root / "sessions" / SECOND / "back.mask.png").exists()


def test_save_writes_exact_colours_keeps_versions_and_rebuilds(painter):
    path = painter.root / "sessions" / SECOND / "back.mask.png"
    api = f"/__scalpsite/paint/{SECOND}/back"
    r = request(painter.port, "POST", api + "/save", GOOD, save_headers(painter))
    assert r.status == 200, r.body
    result = json.loads(r.body)
    assert result["message"] == f"Saved sessions/{SECOND}/back.mask.png. The preview now rebuilds with it."
    with Image.open(path) as im:
        assert im.size == SIZE and im.mode == "P"  # indexed: read eight times faster than RGBA
        colours = {c for _, c in im.convert("RGBA").getcolors(16)}
    assert colours == {(0, 0, 0, 0), (0, 200, 0, 255), (255, 0, 0, 255), (255, 255, 0, 255), (128, 128, 128, 255)}
    assert (saved_classes(path) == masks.classify(painted())).all()
    assert result["loss_pct"] == masks.count(saved_classes(path)).as_dict()["loss_pct"]
    assert result["versions"] == []
    # the rebuild that follows measures it
    assert wait_for(lambda: json.loads(request(painter.port, "GET", "/data.json").body)["sessions"][1]["mask_loss"]
                    ["back"] == result["loss_pct"])

    first = path.read_bytes()
    bodies = []
    for i in range(6):  # six more saves: the last five masks replaced are kept
        a = painted()
        a[50:60, 10 * i:10 * i + 10] = (255, 0, 0, 255)
        bodies.append(a)
        r = request(painter.port, "POST", api + "/save", png(a), save_headers(painter))
        assert r.status == 200
    kept = json.loads(request(painter.port, "GET", api + "/versions").body)
    assert [v["id"] for v in kept] == [6, 5, 4, 3, 2]
    assert all(re.fullmatch(r"saved \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", v["label"]) for v in kept)
    history = painter.root / CACHE_DIR / "mask-history" / SECOND / "back.mask.png"
    assert sorted(p.name for p in history.iterdir()) == [f"00000{n}.mask.png" for n in (2, 3, 4, 5, 6)]
    assert (history / "000002.mask.png").read_bytes() != first  # the first save is gone, the second kept
    restored = request(painter.port, "GET", api + "/versions/6.png")
    assert restored.status == 200
    expected = masks.classify(bodies[4])  # version 6 is the mask the sixth save replaced
    assert (masks.classify(np.asarray(Image.open(BytesIO(restored.body)).convert("RGBA"))) == expected).all()
    assert request(painter.port, "GET", api + "/versions/1.png").status == 404
    assert not list((painter.root / "sessions").rglob("*.part"))


def test_save_waits_for_the_build_lock(painter):
    path = painter.root / "sessions" / SECOND / "right.mask.png"
    answers = []
    with build_lock(painter.root / CACHE_DIR, painter.root):
        worker = threading.Thread(target=lambda: answers.append(request(
            painter.port, "POST", f"/__scalpsite/paint/{SECOND}/right/save", GOOD, save_headers(painter))))
        worker.start()
        time.sleep(1.5)
        assert worker.is_alive() and not path.exists()
    worker.join(30)
    assert answers[0].status == 200 and path.is_file()


def test_the_current_mask_is_served_in_exact_colours(painter):
    r = request(painter.port, "GET", f"/__scalpsite/paint/{FIRST}/overhead/mask.png")
    assert r.status == 200
    got = masks.classify(np.asarray(Image.open(BytesIO(r.body)).convert("RGBA")))
    assert (got == saved_classes(painter.root / "sessions" / FIRST / "overhead.mask.png")).all()
    assert request(painter.port, "GET", f"/__scalpsite/paint/{SECOND}/left/mask.png").status == 404


def test_start_from_the_previous_session_is_mask_start(painter, tmp_path):
    r = request(painter.port, "POST", API + "/start", None, save_headers(painter, **{"Content-Type": None}))
    assert r.status == 200
    result = json.loads(r.body)
    assert result["message"] == (f"Started from sessions/{FIRST}/overhead.mask.png, turned, scaled and moved with "
                                 "the photos. Correct it, then save.")
    import base64

    started = masks.classify(np.asarray(Image.open(BytesIO(base64.b64decode(result["png"]))).convert("RGBA")))
    copy = example_journal(tmp_path / "j")
    _, done = start_masks(copy, SECOND)
    assert [d.status for d in done if d.angle == "overhead"] == ["written"]
    assert (started == saved_classes(copy / "sessions" / SECOND / "overhead.mask.png")).all()
    assert not (painter.root / "sessions" / SECOND / "overhead.mask.png").exists()  # nothing written

    none = json.loads(request(painter.port, "POST", f"/__scalpsite/paint/{FIRST}/overhead/start", None,
                              save_headers(painter, **{"Content-Type": None})).body)
    assert none == {"png": None, "message": "No earlier session has a mask of the overhead view to start from."}


# ---------- the library functions ----------

def test_the_photo_size_is_upright(tmp_path):
    """A phone photo stored sideways with EXIF orientation 6 takes a mask of its upright size."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (1000, 750), (150, 120, 110)).save(root / "sessions/2025-01-06/overhead.jpg", exif=exif)
    target = store.find_target(load(root), "2025-01-06", "overhead")
    assert target.size == (750, 1000) and target.region == "top" and not target.exists
    assert target.mask == "sessions/2025-01-06/overhead.mask.png"
    with pytest.raises(store.Refusal, match="is 1000x750 px but the photo"):
        store.posted_classes(png(painted((1000, 750))), target.size)


def test_a_photo_named_in_session_yaml_has_its_mask_beside_it(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE + "photos: {overhead: IMG_1234.jpg}\n"})
    Image.new("RGB", (1000, 750)).save(root / "sessions/2025-01-06/IMG_1234.jpg")
    target = store.find_target(load(root), "2025-01-06", "overhead")
    assert target.mask == "sessions/2025-01-06/IMG_1234.mask.png"


def test_an_existing_mask_in_capitals_is_the_one_replaced(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    Image.fromarray(painted((1000, 750)), "RGBA").save(root / "sessions/2025-01-06/OVERHEAD.MASK.PNG")
    target = store.find_target(load(root), "2025-01-06", "overhead")
    assert target.exists and target.mask == "sessions/2025-01-06/OVERHEAD.MASK.PNG"
    store.save(root, target, masks.classify(painted((1000, 750))))
    assert sorted(p.name for p in (root / "sessions/2025-01-06").glob("*.PNG")) == ["OVERHEAD.MASK.PNG"]
    history = root / CACHE_DIR / "mask-history/2025-01-06/overhead.mask.png"
    assert [p.name for p in history.iterdir()] == ["000001.mask.png"]


def test_a_failed_write_leaves_the_mask_and_no_part_file(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    mask = root / "sessions/2025-01-06/overhead.mask.png"
    mask.write_bytes(png(painted((1000, 750))))
    before = mask.read_bytes()
    target = store.find_target(load(root), "2025-01-06", "overhead")

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full)
    with pytest.raises(store.Refusal, match="could not write sessions/2025-01-06/overhead.mask.png "
                                            r"\(No space left on device\); the mask on disk is unchanged"):
        store.save(root, target, masks.classify(painted((1000, 750))))
    assert mask.read_bytes() == before
    assert not list(mask.parent.glob(".*.part"))


def test_a_mask_of_another_shape_is_refused_when_shown(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    Image.fromarray(painted((500, 500)), "RGBA").save(root / "sessions/2025-01-06/overhead.mask.png")
    target = store.find_target(load(root), "2025-01-06", "overhead")
    with pytest.raises(store.Refusal, match="mask is 500x500 px but the photo .upright. is 1000x750 px"):
        store.mask_classes(root, target.mask, target.size)
    Image.fromarray(painted((500, 375)), "RGBA").save(root / "sessions/2025-01-06/overhead.mask.png")
    assert store.mask_classes(root, target.mask, target.size).shape == (750, 1000)  # scaled like the build


# ---------- never outside the preview ----------

PAINTER_TRACES = [b"__scalpsite", b"paint-model", b"data-tool", b"Paint mask", b"data-brush-size", b"paint-link"]


def assert_no_painter(files: dict[str, bytes]) -> None:
    assert files
    for name, data in files.items():
        assert not name.startswith(("paint", "static/paint")), name
        for trace in PAINTER_TRACES:
            assert trace not in data, (name, trace)


def test_the_painter_is_in_no_built_site_or_bundle(tmp_path):
    from sharing import plain_files

    root = private_journal(tmp_path / "j")
    Image.fromarray(painted((1000, 750)), "RGBA").save(root / "sessions/2025-01-06/overhead.mask.png")
    build(root, root / "_site", pdf=False)
    site = plain_files(root / "_site")
    assert b'data-angle="overhead"' in site["sessions/2025-01-06.html"]  # the hook is there, the link is not
    assert_no_painter(site)
    build(root, root / "_locked", pdf=False, password=PASSWORD)
    assert_no_painter({p.relative_to(root / "_locked").as_posix(): p.read_bytes()
                       for p in (root / "_locked").rglob("*") if p.is_file()})
    assert_no_painter(decrypt_site(root / "_locked", PASSWORD)[1])
    bundle(root, root / "plain.html")
    bundle(root, root / "sealed.html", password=PASSWORD)
    for name, password in (("plain.html", None), ("sealed.html", PASSWORD)):
        text = (root / name).read_text(encoding="utf-8")
        assert_no_painter({name: text.encode()})
        assert_no_painter(decrypt_all(vault_params(text), bundle_payloads(text), password)[1])
