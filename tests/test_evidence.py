"""Issue 16 end to end: masks, aligned photos, ghosts and grey cards through build, check and
`mask start` on a small journal made from the example's synthetic photos."""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import COMPLETE, EXAMPLE, imported_by, write_journal
from PIL import Image, ImageDraw

from scalpsite.cli import main
from scalpsite.photos import ghost, masks

CONFIG = """\
title: Evidence journal
treatments: [{drug: dupilumab, start: 2025-01-10, schedule: dupilumab}]
photos: {angles: [overhead, back]}
density: {zones: [frontal, crown]}
"""
CARD = (40, 40, 120, 120)  # the grey card in the photos, x y w h
LATER = "2025-03-03"


def framed(image: Image.Image, rot: float, scale: float = 1.0) -> Image.Image:
    """The photo turned by `rot` degrees (counter-clockwise on screen) and scaled, about its centre."""
    w, h = image.size
    c, s = math.cos(math.radians(rot)) / scale, math.sin(math.radians(rot)) / scale
    m = (c, -s, w / 2 - c * w / 2 + s * h / 2, s, c, h / 2 - s * w / 2 - c * h / 2)
    return image.transform(image.size, Image.Transform.AFFINE, m, resample=Image.Resampling.BICUBIC)


def with_card(image: Image.Image, rgb) -> Image.Image:
    image = image.copy()
    x, y, w, h = CARD
    ImageDraw.Draw(image).rectangle((x, y, x + w - 1, y + h - 1), fill=rgb)
    return image


def make(root, later_rot: float = 3.0, later_card=(128, 128, 128), masks=("2025-01-06",)):
    """Two sessions of overhead and back photos; the later one turned; cards in the overhead ones."""
    write_journal(root, {"2025-01-06": COMPLETE + "photo_meta: {overhead: {grey_card: [40, 40, 120, 120]}}\n",
                         LATER: COMPLETE + "photo_meta: {overhead: {grey_card: [40, 40, 120, 120]}}\n"},
                  config=CONFIG)
    for folder, rot, card in (("2025-01-06", 0.0, (128, 128, 128)), (LATER, later_rot, later_card)):
        for angle in ("overhead", "back"):
            photo = Image.open(EXAMPLE / f"sessions/2025-01-06/{angle}.jpg").convert("RGB")
            photo = framed(photo, rot)
            if angle == "overhead":
                photo = with_card(photo, card)
            photo.save(root / f"sessions/{folder}/{angle}.jpg", quality=90)
    for folder in masks:
        for angle in ("overhead", "back"):
            shutil.copy(EXAMPLE / f"sessions/2025-01-06/{angle}.mask.png", root / f"sessions/{folder}/{angle}.mask.png")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    root = make(tmp_path_factory.mktemp("evidence") / "j")
    result = CliRunner().invoke(main, ["build", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    return root, result.output


def test_build_publishes_aligned_photos_overlays_and_ghosts(built):
    """Issue 16 items 1-3: aligned rendition, mask overlays and a ghost per angle in OUT."""
    root, _ = built
    out = root / "_site"
    data = json.loads((out / "data.json").read_text())
    later = data["sessions"][1]
    assert later["photos_aligned"] == {"overhead": f"photos/{LATER}/overhead.aligned.jpg",
                                       "back": f"photos/{LATER}/back.aligned.jpg"}
    assert later["alignment"]["back"]["rotation_deg"] == pytest.approx(3.0, abs=0.5)  # turned back clockwise
    for rel in later["photos_aligned"].values():
        with Image.open(out / rel) as im:
            assert im.size == (1000, 750) and not im.getexif()  # the baseline's print size, no metadata
    assert (out / "photos/2025-01-06/overhead.mask.png").is_file()
    assert (out / "photos/2025-01-06/back.mask.png").is_file()
    with Image.open(out / "photos/2025-01-06/overhead.mask.png") as im:  # the overlay: indexed, its own colours
        assert im.mode == "P" and im.size == (1024, 768)
        colours = {c for _, c in im.convert("RGBA").getcolors(64)}
    assert colours <= set(masks.OVERLAY_PALETTE) and masks.OUTLINE in colours and len(colours) >= 3
    for angle in ("overhead", "back"):
        with Image.open(out / f"ghosts/{angle}.png") as im:  # indexed, as the overlay: white lines, dark rim
            assert im.mode == "P" and im.size == (1024, 768)
            assert {c for _, c in im.convert("RGBA").getcolors(8)} <= set(ghost.PALETTE)
            alpha = np.asarray(im.convert("RGBA"))[..., 3]
            assert 0.01 < (alpha > 0).mean() < 0.3  # outlines on a transparent background
    page = (out / "next-photos.html").read_text()
    assert "ghosts/overhead.png" in page and "Ghost image" in page and "bathroom" not in page


def test_measured_salt_in_data_json(built):
    """Issue 16 item 1: photo_salt_regions where masks are painted; photo_salt needs all four views."""
    root, _ = built
    first = json.loads((root / "_site/data.json").read_text())["sessions"][0]
    regions = first["photo_salt_regions"]
    assert regions["top"] == pytest.approx(69.6, abs=0.5) and regions["back"] == pytest.approx(49.4, abs=0.5)
    assert regions["left"] is None and first["photo_salt"] is None


def test_grey_card_white_balances_the_renditions(built):
    """Issue 16 item 4: the card in the rendition comes out neutral grey."""
    root, _ = built
    with Image.open(root / "_site/photos/2025-01-06/overhead.jpg") as im:
        k = im.width / 1024
        x, y, w, h = (round(v * k) for v in CARD)
        card = np.asarray(im.convert("RGB"))[y + h // 3:y + 2 * h // 3, x + w // 3:x + 2 * w // 3].reshape(-1, 3)
    r, g, b = card.mean(axis=0)
    assert max(r, g, b) - min(r, g, b) < 3


def test_noop_rebuild_does_no_photo_work(built, runner, monkeypatch):
    """Issue 16 performance: a rebuild with nothing changed redoes no evidence either, even
    after a `check` and an `export` (they keep what the build cached, and use its alignments)."""
    from scalpsite.photos import evidencejobs

    root, _ = built
    assert runner.invoke(main, ["check", str(root), "--as-of", "2025-03-10"]).exit_code == 0
    assert runner.invoke(main, ["export", str(root)]).exit_code == 0
    for name in ("mask_job", "align_group_job", "aligned_job", "ghost_job"):
        monkeypatch.setattr(evidencejobs, name, lambda *a, n=name: pytest.fail(f"{n} ran again"))
    result = runner.invoke(main, ["build", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert "0 photos processed, 4 from cache" in result.output


def test_check_reports_framing_drift_and_a_changed_card(runner, tmp_path):
    """Issue 16 items 2 and 4: a photo turned 14° and a card under other light are reported."""
    root = make(tmp_path / "j", later_rot=14.0, later_card=(160, 128, 100))
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-03-10", "--format", "json"])
    found = {(f["code"], f["path"]): f for f in json.loads(result.output)["findings"]}
    drift = found[("framing-drift", f"sessions/{LATER}/back.jpg")]
    assert drift["message"].startswith("back photo framed unlike the baseline (2025-01-06): turned 14° "
                                       "counter-clockwise (limit 10°)")
    card = found[("grey-card-drift", f"sessions/{LATER}/overhead.jpg")]
    assert card["level"] == "warning" and "the light has changed" in card["message"]
    assert result.exit_code == 0  # warnings only


def test_card_box_outside_the_photo_is_reported(runner, tmp_path):
    root = make(tmp_path / "j")
    yaml = root / f"sessions/{LATER}/session.yaml"
    yaml.write_text(yaml.read_text().replace("[40, 40, 120, 120]", "[5000, 40, 120, 120]"))
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-03-10"])
    assert ("session.yaml:6: photo_meta.overhead.grey_card: the grey_card box lies outside the photo "
            "[grey-card-outside]") in result.output


def test_mask_start_begins_from_the_previous_masks(runner, tmp_path):
    """Issue 16 item 1: `mask start` copies the previous masks moved with the photos, never over one."""
    root = make(tmp_path / "j", later_rot=8.0)
    result = runner.invoke(main, ["mask", "start", str(root / "sessions" / LATER)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    import re

    moved = re.fullmatch(rf"back: sessions/{LATER}/back.mask.png from sessions/2025-01-06/back.mask.png, moved "
                         r"with the photos: turned ([\d.]+)° counter-clockwise, scaled ×([\d.]+), moved ([\d.]+) % "
                         r"of the width", lines[0])
    assert moved and float(moved[1]) == pytest.approx(8.0, abs=0.5) and float(moved[2]) == pytest.approx(1, abs=0.02)
    assert lines[-1].startswith("Now correct the new masks in your editor")
    def bald(path):  # the red paint of a mask
        rgba = np.asarray(Image.open(path).convert("RGBA")).astype(int)
        return (rgba[..., 3] > 127) & (rgba[..., 0] > 200) & (rgba[..., 1] < 60)

    base, new = bald(root / "sessions/2025-01-06/back.mask.png"), bald(root / f"sessions/{LATER}/back.mask.png")
    truth = np.asarray(framed(Image.fromarray(base.astype(np.uint8) * 255), 8.0)) > 127
    iou = lambda a, b: (a & b).sum() / (a | b).sum()
    assert iou(new, truth) > 0.95 and iou(new, truth) > iou(base, truth) + 0.1
    again = runner.invoke(main, ["mask", "start", LATER, "-j", str(root)])
    assert again.output.splitlines()[0] == f"back: sessions/{LATER}/back.mask.png already exists; left as it is"


def test_mask_start_without_earlier_masks_and_for_an_unknown_session(runner, tmp_path):
    root = make(tmp_path / "j", masks=())
    result = runner.invoke(main, ["mask", "start", LATER, "-j", str(root)])
    assert result.output == "back: no earlier mask to start from\noverhead: no earlier mask to start from\n"
    wrong = runner.invoke(main, ["mask", "start", "2025-03-30", "-j", str(root)])
    assert wrong.exit_code == 1 and "Traceback" not in wrong.output
    assert wrong.output == (f"Error: {root / 'sessions'}: no session folder '2025-03-30' in sessions/ "
                            "(did you mean '2025-03-03'?)\n")


def test_noop_rebuild_loads_neither_numpy_nor_pillow(built):
    """Issue 16 performance: the no-op rebuild stays as it was (no image library is even loaded)."""
    root, _ = built
    command, images = ["build", "-q", "--no-pdf", str(root)], ("numpy", "PIL", "scalpsite.photos.align")
    imported_by(command, images)  # settle after the other tests
    assert imported_by(command, images) == []


def _huge_png_header(path, width=40000, height=30000):
    """A PNG whose header claims width x height (the pixels are never there)."""
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data)))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


def test_mask_start_checks_every_input_before_writing(runner, tmp_path):
    """Issue 22 item 13: a 40000x30000 PNG header is a clear message for its angle, never an
    internal error after another mask was written; the good angle is still written."""
    root = make(tmp_path / "j", later_rot=4.0)
    _huge_png_header(root / "sessions/2025-01-06/overhead.mask.png")
    result = runner.invoke(main, ["mask", "start", LATER, "-j", str(root)])
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert (f"overhead: cannot start from sessions/2025-01-06/overhead.mask.png: sessions/{LATER}/overhead.mask.png "
            "(it has too many pixels to process safely)") in result.output
    assert result.output.startswith(f"back: sessions/{LATER}/back.mask.png from sessions/2025-01-06/back.mask.png")
    assert not (root / f"sessions/{LATER}/overhead.mask.png").exists()
    assert not list((root / f"sessions/{LATER}").glob(".*part"))  # written aside, then renamed
    assert result.exit_code == 1


def test_mask_start_repairs_an_empty_mask_and_keeps_real_ones(runner, tmp_path):
    """Issue 22 item 13: a 0-byte mask (left by a full disk) is replaced; a mask with content never is."""
    root = make(tmp_path / "j", later_rot=4.0)
    (root / f"sessions/{LATER}/back.mask.png").write_bytes(b"")
    (root / f"sessions/{LATER}/overhead.mask.png").write_bytes(b"not empty: the user's")
    result = runner.invoke(main, ["mask", "start", LATER, "-j", str(root)])
    assert result.output.splitlines()[0].endswith("(it replaces an empty file left by an interrupted write)")
    with Image.open(root / f"sessions/{LATER}/back.mask.png") as im:
        assert im.size == (1024, 768)
    assert (root / f"sessions/{LATER}/overhead.mask.png").read_bytes() == b"not empty: the user's"
    assert f"overhead: sessions/{LATER}/overhead.mask.png already exists; left as it is" in result.output


def test_mask_start_on_a_full_disk_leaves_no_empty_mask(runner, tmp_path, monkeypatch):
    """Issue 22 item 13: a write that fails leaves nothing behind, and says so."""
    import errno as errno_

    root = make(tmp_path / "j", later_rot=4.0)
    real = Path.write_bytes

    def full(self, data):
        if self.name.endswith(".part"):
            real(self, data[:0])
            raise OSError(errno_.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    result = runner.invoke(main, ["mask", "start", LATER, "-j", str(root)])
    assert (f"back: cannot write sessions/{LATER}/back.mask.png (No space left on device while writing it; "
            "nothing was left there)") in result.output
    assert not list((root / f"sessions/{LATER}").glob("*.mask.png")) and not list((root / f"sessions/{LATER}").glob(".*"))


ANGLES = ("overhead", "back", "left", "right")


def four_views(root: Path) -> Path:
    """Two sessions of four views from the example's photos, the later one turned 3°, masks on
    the baseline: more than two of every kind of photo work, so that each goes to the pool."""
    config = CONFIG.replace("angles: [overhead, back]", f"angles: [{', '.join(ANGLES)}]")
    write_journal(root, {"2025-01-06": COMPLETE, LATER: COMPLETE}, config=config)
    for folder, rot in (("2025-01-06", 0.0), (LATER, 3.0)):
        for angle in ANGLES:
            framed(Image.open(EXAMPLE / f"sessions/2025-01-06/{angle}.jpg").convert("RGB"), rot).save(
                root / f"sessions/{folder}/{angle}.jpg", quality=90)
    for angle in ANGLES:
        shutil.copy(EXAMPLE / f"sessions/2025-01-06/{angle}.mask.png", root / f"sessions/2025-01-06/{angle}.mask.png")
    return root


def test_the_pool_of_worker_processes_gives_the_output_of_one_process(runner, tmp_path, monkeypatch):
    """Every kind of photo work (keys, renditions, masks, alignments, aligned photos, ghosts) runs
    in SCALPSITE_WORKERS processes, and gives the site and the dossier one process gives, byte for
    byte. (The rest of the suite works in one process: see conftest.py.)"""
    from concurrent.futures import ProcessPoolExecutor

    from scalpsite.photos import pool

    pools: list[tuple[int, set[str]]] = []

    class Recorded(ProcessPoolExecutor):
        def __init__(self, max_workers, **kwargs):
            super().__init__(max_workers, **kwargs)
            pools.append((max_workers, set()))

        def map(self, fn, *iterables, **kwargs):
            pools[-1][1].add(fn.__name__)
            return super().map(fn, *iterables, **kwargs)

    monkeypatch.setattr(pool, "ProcessPoolExecutor", Recorded)
    outputs = {}
    for workers in ("2", "1"):
        monkeypatch.setenv("SCALPSITE_WORKERS", workers)
        root = four_views(tmp_path / f"workers-{workers}")
        result = runner.invoke(main, ["build", str(root)])
        assert result.exit_code == 0, result.output
        outputs[workers] = {p.relative_to(root).as_posix(): p.read_bytes()
                            for p in sorted((root / "_site").rglob("*")) if p.is_file()}
    assert [n for n, _ in pools] == [2]  # one pool, in the first build only
    assert pools[0][1] == {"content_key", "render_one", "mask_job", "align_group_job", "aligned_job", "ghost_job"}
    one, two = outputs["1"], outputs["2"]
    assert one.keys() == two.keys() and "_site/dossier.pdf" in one and "_site/ghosts/right.png" in one
    assert len([k for k in one if k.endswith(".aligned.jpg")]) == len(ANGLES)
    assert [k for k in one if one[k] != two[k]] == []


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", "٣"])
def test_a_workers_setting_that_is_no_count_is_a_clear_error(runner, journal, monkeypatch, value):
    monkeypatch.setenv("SCALPSITE_WORKERS", value)
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"Error: SCALPSITE_WORKERS={value!r} is not a number of processes (e.g. SCALPSITE_WORKERS=1 to work "
            "in scalpsite's own process); unset it to use one per core") in result.output


def test_without_the_setting_one_worker_per_core_this_process_may_use(monkeypatch):
    from scalpsite.photos import pool

    monkeypatch.delenv("SCALPSITE_WORKERS")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert pool.Workers().count == 3
    monkeypatch.setenv("SCALPSITE_WORKERS", " 4 ")
    assert pool.Workers().count == 4
