"""The mask painter in a real browser (Debian's chromium driven by Playwright): paint with each
tool at known places, undo, save, restore, start from the previous session, pen and touch, and
axe-core on the page."""

from __future__ import annotations

import math
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import CHROMIUM, IN_CI
from PIL import Image
from test_paint import FIRST, SECOND, example_journal, wait_for

from scalpsite.photos import masks
from scalpsite.serve import serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not IN_CI,
                       reason="Debian's chromium is not installed (apt-get install chromium); "
                              "CI installs it and runs these tests"),
]
W, H = 1024, 768
WAIT = 30_000  # ms


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    base = tmp_path_factory.mktemp("paintb")
    (base / "tmp").mkdir()
    root = example_journal(base / "j")
    ready, stop, urls = threading.Event(), threading.Event(), []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(base / "tmp"))
        thread = threading.Thread(target=serve, daemon=True, kwargs={
            "root": root, "port": 0, "ready": ready, "stop": stop, "on_ready": urls.append})
        thread.start()
        assert ready.wait(60)
    yield SimpleNamespace(root=root, url=urls[0])
    stop.set()
    thread.join(15)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True)
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" and "favicon" not in m.location.get(
        "url", "") else None)
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    yield tab
    context.close()


def open_painter(page, url: str, folder: str, angle: str) -> None:
    """From the session page, follow the photo's "Paint mask" link; wait until the mask is loaded."""
    page.goto(f"{url}sessions/{folder}.html")
    page.locator(f'figure[data-angle="{angle}"] a.paint-link', has_text="Paint mask").click()
    page.locator("#painter[data-ready=yes]").wait_for(timeout=WAIT)


def to_client(page, x: float, y: float) -> tuple[float, float]:
    box = page.locator("[data-board]").bounding_box()
    return box["x"] + x / W * box["width"], box["y"] + y / H * box["height"]


def set_brush(page, diameter: int) -> None:
    page.locator("[data-brush-size]").evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }", diameter)


def drag(page, tool: str, diameter: int, points: list[tuple[int, int]]) -> None:
    """One stroke of the brush through the points (mask pixels)."""
    page.click(f"[data-tool={tool}]")
    page.click("[data-mode=brush]")
    set_brush(page, diameter)
    page.mouse.move(*to_client(page, *points[0]))
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*to_client(page, *p), steps=12)
    page.mouse.up()


def fill(page, tool: str, x: int, y: int) -> None:
    page.click(f"[data-tool={tool}]")
    page.click("[data-mode=fill]")
    page.mouse.click(*to_client(page, x, y))


def canvas_rgba(page, x: int, y: int) -> tuple[int, ...]:
    return tuple(page.evaluate(
        "([x, y]) => Array.from(document.querySelector('[data-mask]').getContext('2d').getImageData(x, y, 1, 1).data)",
        [x, y]))


def live_loss(page) -> float | None:
    """The loss the page shows once the server measured the last change."""
    for _ in range(WAIT // 100):
        if page.evaluate("!document.querySelector('[data-loss]').dataset.stale"):
            break
        page.wait_for_timeout(100)
    value = page.locator("[data-loss]").get_attribute("data-loss-pct")
    return float(value) if value else None


def saved(page, text: str = "Saved ") -> None:
    page.click("[data-action=save]")
    page.locator("[data-status]", has_text=text).wait_for(timeout=WAIT)


def file_classes(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return masks.classify(np.asarray(im.convert("RGBA")))


RED, YELLOW, GREY, GREEN, NONE = (255, 0, 0, 255), (255, 255, 0, 255), (128, 128, 128, 255), (0, 200, 0, 255), (0, 0, 0, 0)


def expected_loss() -> float:
    """The strokes below, by geometry: a filled scalp outline 820 x 570 px, bald 9,000 px
    (a 60 px stroke 200 px long, minus the 50 px rubbed out), partial and excluded strokes."""
    cap60, cap40 = math.pi * 30 ** 2, math.pi * 20 ** 2
    bald_stroke, erased = 200 * 60 + cap60, 50 * 60 + cap60
    scalp = 820 * 570 - erased
    bald, partial, excluded = bald_stroke - erased, 200 * 60 + cap60, 100 * 40 + cap40
    return 100 * (bald + 0.5 * partial) / (scalp - excluded)


def test_paint_with_each_tool_undo_save_and_restore(preview, page):
    open_painter(page, preview.url, SECOND, "overhead")
    mask = preview.root / "sessions" / SECOND / "overhead.mask.png"
    assert not mask.exists()
    outline = [(100, 100), (900, 100), (900, 650), (100, 650), (100, 100)]
    drag(page, "scalp", 20, outline)
    fill(page, "scalp", 500, 400)
    drag(page, "bald", 60, [(200, 300), (400, 300)])
    drag(page, "partial", 60, [(500, 300), (700, 300)])
    drag(page, "excluded", 40, [(200, 500), (300, 500)])
    drag(page, "erase", 60, [(200, 300), (250, 300)])

    drag(page, "bald", 40, [(700, 550), (800, 550)])  # a stroke to undo
    page.wait_for_timeout(100)
    assert canvas_rgba(page, 750, 550) == RED
    page.keyboard.press("Control+z")
    page.wait_for_timeout(100)
    assert canvas_rgba(page, 750, 550) == GREEN
    page.click("[data-action=redo]")
    page.wait_for_timeout(100)
    assert canvas_rgba(page, 750, 550) == RED
    page.click("[data-action=undo]")
    page.wait_for_timeout(100)
    assert canvas_rgba(page, 750, 550) == GREEN

    expected = expected_loss()
    assert abs(live_loss(page) - expected) < 0.5  # measured live, as the build measures
    saved(page)
    first = file_classes(mask)
    with Image.open(mask) as im:
        rgba = np.asarray(im.convert("RGBA"))
    for (x, y), colour in {(300, 300): RED, (225, 300): NONE, (600, 300): YELLOW, (250, 500): GREY,
                           (500, 200): GREEN, (750, 550): GREEN, (50, 50): NONE, (950, 700): NONE}.items():
        assert tuple(rgba[y, x]) == colour, (x, y)
    loss = masks.count(first).loss_pct
    assert abs(loss - expected) < 0.5
    assert abs(live_loss(page) - loss) < 0.05
    assert not (page.locator("[data-status]").get_attribute("class") or "").count("error")

    drag(page, "bald", 100, [(400, 450), (800, 450)])  # a second version
    saved(page)
    assert not (file_classes(mask) == first).all()
    page.locator("[data-versions]").select_option(label=page.locator("[data-versions] option").first.inner_text())
    page.click("[data-action=restore]")
    page.locator("[data-status]", has_text="Restored the version saved").wait_for(timeout=WAIT)
    saved(page)
    assert (file_classes(mask) == first).all()
    assert wait_for(lambda: abs(_built_loss(preview) - loss) < 0.05)  # the rebuild shows the new measure
    assert page.problems == []


def _built_loss(preview) -> float:
    import json
    import urllib.request

    with urllib.request.urlopen(preview.url + "data.json", timeout=5) as r:
        return json.load(r)["sessions"][1]["mask_loss"]["overhead"] or -1


def test_start_from_the_previous_session(preview, page):
    open_painter(page, preview.url, SECOND, "left")
    assert canvas_rgba(page, 512, 384) == NONE
    page.click("[data-action=start-previous]")
    page.locator("[data-status]", has_text=f"Started from sessions/{FIRST}/left.mask.png").wait_for(timeout=WAIT)
    painted = page.evaluate("""() => { const d = document.querySelector('[data-mask]').getContext('2d')
        .getImageData(0, 0, 1024, 768).data; let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n; }""")
    assert painted > 50_000
    page.click("[data-action=undo]")  # the start is one step that can be undone
    page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('[data-action=undo]').disabled")
    assert not (preview.root / "sessions" / SECOND / "left.mask.png").exists()
    assert page.problems == []


def pointer(page, kind: str, pointer_id: int, pointer_type: str, x: float, y: float) -> None:
    page.locator("[data-stage]").dispatch_event(kind, {
        "pointerId": pointer_id, "pointerType": pointer_type, "clientX": x, "clientY": y, "button": 0,
        "buttons": 0 if kind == "pointerup" else 1, "isPrimary": pointer_id == 1, "bubbles": True})


def test_pen_paints_and_two_fingers_zoom(preview, page):
    open_painter(page, preview.url, SECOND, "right")
    page.click("[data-tool=bald]")
    set_brush(page, 30)
    a, b = to_client(page, 300, 300), to_client(page, 600, 300)
    pointer(page, "pointerdown", 1, "pen", *a)
    pointer(page, "pointermove", 1, "pen", *b)
    pointer(page, "pointerup", 1, "pen", *b)
    page.wait_for_timeout(100)
    assert canvas_rgba(page, 450, 300) == RED

    before = page.locator("[data-board]").bounding_box()["width"]
    c, d = to_client(page, 400, 500), to_client(page, 600, 500)
    pointer(page, "pointerdown", 2, "touch", *c)
    pointer(page, "pointerdown", 3, "touch", *d)
    pointer(page, "pointermove", 2, "touch", c[0] - 100, c[1])
    pointer(page, "pointermove", 3, "touch", d[0] + 100, d[1])
    pointer(page, "pointerup", 2, "touch", c[0] - 100, c[1])
    pointer(page, "pointerup", 3, "touch", d[0] + 100, d[1])
    page.wait_for_timeout(100)
    assert page.locator("[data-board]").bounding_box()["width"] > before * 1.5  # zoomed in
    assert canvas_rgba(page, 500, 500) == NONE  # and nothing painted by the fingers
    page.click("[data-action=zoom-fit]")
    assert abs(page.locator("[data-board]").bounding_box()["width"] - before) < 1
    assert page.problems == []


def test_axe_finds_no_serious_violation(preview, page):
    from axe_playwright_python.sync_playwright import Axe

    open_painter(page, preview.url, FIRST, "overhead")
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], v["help"]) for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == []
