"""Issue 16, item 1: painted SALT masks (<photo>.mask.png) counted pixel by pixel."""

from __future__ import annotations

import math
from io import BytesIO

import numpy as np
import pytest
from conftest import COMPLETE, write_journal
from PIL import Image, ImageDraw

from scalpsite.cli import main
from scalpsite.photos import masks

SCALP, RED, YELLOW, GREY = (0, 200, 0, 255), (255, 0, 0, 255), (255, 255, 0, 255), (128, 128, 128, 255)


def painted(size, shapes, scale: int = 1) -> np.ndarray:
    """An RGBA mask: transparent, then each (kind, box, colour) drawn in order; drawn at
    `scale` times the size and reduced with LANCZOS when scale > 1 (soft, anti-aliased edges)."""
    w, h = size
    im = Image.new("RGBA", (w * scale, h * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    for kind, box, colour in shapes:
        box = [v * scale for v in box]
        (draw.ellipse if kind == "ellipse" else draw.rectangle)(box, fill=colour)
    if scale > 1:
        im = im.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(im)


def loss(rgba: np.ndarray) -> float | None:
    return masks.count(masks.classify(rgba)).loss_pct


@pytest.mark.parametrize("shapes, expected", [
    # half of a 200 x 100 scalp bald
    ([("rect", (0, 0, 199, 99), SCALP), ("rect", (0, 0, 99, 99), RED)], 50.0),
    # a quarter bald, a quarter partial regrowth (counts half): 25 + 12.5
    ([("rect", (0, 0, 199, 99), SCALP), ("rect", (0, 0, 49, 99), RED), ("rect", (50, 0, 99, 99), YELLOW)], 37.5),
    # half excluded (a scar), a quarter bald: 25 of the 50 that count
    ([("rect", (0, 0, 199, 99), SCALP), ("rect", (100, 0, 199, 99), GREY), ("rect", (0, 0, 49, 99), RED)], 50.0),
    # scalp only on part of the image: the transparent rest does not count
    ([("rect", (50, 0, 149, 99), SCALP), ("rect", (50, 0, 74, 99), RED)], 25.0),
    # all bald, all haired
    ([("rect", (0, 0, 199, 99), RED)], 100.0),
    ([("rect", (0, 0, 199, 99), SCALP)], 0.0),
])
def test_region_loss_of_masks_of_known_fractions(shapes, expected):
    """Issue 16 item 1: loss = 100 (red + 0.5 yellow) / (opaque - grey), to 0.5 points."""
    assert loss(painted((200, 100), shapes)) == pytest.approx(expected, abs=0.5)


@pytest.mark.parametrize("quantize", [False, True])
def test_an_indexed_mask_is_classified_as_its_rgba_pixels(quantize):
    """An indexed PNG (the painter's own, or an editor's palette with soft edges and partly
    transparent entries) is classified through its palette: the same classes, pixel for pixel, as
    the same mask converted to RGBA."""
    shapes = [("rect", (0, 0, 299, 199), SCALP), ("ellipse", (40, 30, 160, 150), RED),
              ("rect", (180, 20, 260, 90), YELLOW), ("rect", (200, 120, 280, 180), GREY)]
    rgba = Image.fromarray(painted((300, 200), shapes, scale=4 if quantize else 1), "RGBA")
    indexed = rgba.quantize(colors=64, method=Image.Quantize.FASTOCTREE) if quantize else rgba.convert("P")
    with BytesIO() as f:
        indexed.save(f, "PNG")
        f.seek(0)
        read = Image.open(f)
        read.load()
    assert read.mode == "P"
    expected = masks.classify(np.asarray(read.convert("RGBA")))
    assert (masks.classes_in_strips(read) == expected).all()
    assert (masks.classes_in_strips(read, 3) == expected[::3, ::3]).all()
    assert (masks.classes_in_strips(read.convert("RGBA"), 3, rows=7) == expected[::3, ::3]).all()
    assert masks.palette_classes(read.convert("RGBA")) is None


@pytest.mark.parametrize("radius", [30, 45, 70])
def test_antialiased_brush_edges_count_sensibly(radius):
    """Issue 16 item 1: a soft-edged bald disc counts as its true area, to 0.5 points."""
    shapes = [("rect", (0, 0, 299, 299), SCALP), ("ellipse", (150 - radius, 150 - radius, 150 + radius,
                                                              150 + radius), RED)]
    rgba = painted((300, 300), shapes, scale=8)
    soft = ((rgba[..., :3] != (255, 0, 0)) & (rgba[..., :3] != (0, 200, 0))).any(axis=-1).sum()
    assert soft > 100, "the edge is really anti-aliased"
    assert loss(rgba) == pytest.approx(100 * math.pi * radius ** 2 / 300 ** 2, abs=0.5)


def test_soft_scalp_outline_and_excluded_area_count_sensibly():
    """Issue 16 item 1: anti-aliased outline (alpha < 128 is not scalp) and a soft grey scar."""
    shapes = [("ellipse", (20, 20, 279, 279), SCALP), ("ellipse", (100, 60, 200, 160), GREY),
              ("ellipse", (60, 170, 140, 250), RED)]
    area = lambda d: math.pi * d * d / 4
    expected = 100 * area(80) / (area(260) - area(100))
    assert loss(painted((300, 300), shapes, scale=8)) == pytest.approx(expected, abs=0.5)


@pytest.mark.parametrize("colour, paint", [
    ((240, 20, 30), masks.Paint.BALD), ((230, 240, 40), masks.Paint.PARTIAL),
    ((140, 120, 135), masks.Paint.EXCLUDED), ((0, 200, 0), masks.Paint.HAIR),
    ((255, 128, 100), masks.Paint.HAIR),  # halfway from red to skin: beyond the tolerance
])
def test_colours_near_a_paint_take_its_class(colour, paint):
    """Issue 16 item 1: within RGB distance 80 of red, yellow or grey, else haired scalp."""
    rgba = np.array([[[*colour, 255]]], dtype=np.uint8)
    assert masks.classify(rgba)[0, 0] == paint


def test_transparent_pixels_are_not_scalp_and_no_scalp_has_no_loss():
    rgba = np.array([[[255, 0, 0, 127], [255, 0, 0, 0]]], dtype=np.uint8)
    assert masks.count(masks.classify(rgba)) == masks.Counts(0, 0, 0, 0)
    assert masks.Counts(0, 0, 0, 0).loss_pct is None
    assert masks.Counts(10, 0, 0, 10).loss_pct is None  # all excluded


@pytest.mark.parametrize("mask, photo, problem", [
    ((4032, 3024), (4032, 3024), False),
    ((1008, 756), (4032, 3024), False),  # the same shape, smaller: scaled
    ((1000, 752), (4032, 3024), False),  # within 1 %
    ((1000, 800), (4032, 3024), True),
    ((3024, 4032), (4032, 3024), True),  # painted on the photo before turning it upright
])
def test_a_mask_of_another_size_is_scaled_only_when_its_shape_agrees(mask, photo, problem):
    """Issue 16 item 1: aspect ratio within 1 % is scaled, else an error."""
    found = masks.size_problem(mask, photo)
    assert (found is not None) is problem
    if problem:
        assert found == (f"mask is {mask[0]}x{mask[1]} px but the photo (upright) is {photo[0]}x{photo[1]} px, "
                         "and their shapes differ")


def test_overlay_draws_each_class_at_the_requested_size():
    rgba = painted((200, 100), [("rect", (0, 0, 199, 99), SCALP), ("rect", (0, 0, 99, 99), RED)])
    drawn = masks.overlay(masks.classify(rgba), (100, 50))
    assert drawn.mode == "P"  # indexed: drawn and written in a few hundredths of a second
    over = np.asarray(drawn.convert("RGBA"))
    assert over.shape == (50, 100, 4)
    assert tuple(over[25, 25]) == masks.TINT[masks.Paint.BALD]  # inside the bald half: a light tint
    assert tuple(over[25, 75]) == (0, 0, 0, 0)  # haired scalp: the photo shows through
    assert tuple(over[0, 75]) == masks.OUTLINE  # the edge of the painted scalp
    assert tuple(over[25, 49]) == tuple(over[25, 48]) == masks.EDGE[masks.Paint.BALD]  # a two-pixel edge
    assert tuple(over[25, 47]) == masks.TINT[masks.Paint.BALD]


def test_overlay_hatches_excluded_areas():
    rgba = painted((80, 40), [("rect", (0, 0, 79, 39), GREY)])
    over = np.asarray(masks.overlay(masks.classify(rgba), (80, 40)).convert("RGBA"))
    inside = over[5:35, 5:75]
    ys, xs = np.mgrid[5:35, 5:75]
    line = (xs + ys) % masks.HATCH < 2
    assert (inside[line] == masks.EDGE[masks.Paint.EXCLUDED]).all()
    assert (inside[~line] == masks.TINT[masks.Paint.EXCLUDED]).all()


# ---------- in a journal ----------

def _journal(tmp_path, mask_size):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    mask = Image.new("RGBA", mask_size, SCALP)
    ImageDraw.Draw(mask).rectangle((0, 0, mask_size[0] // 2, mask_size[1]), fill=RED)
    mask.save(root / "sessions/2025-01-06/overhead.mask.png")
    return root


def test_mask_of_the_wrong_shape_is_an_error_finding(runner, tmp_path):
    """Issue 16 item 1: a mask whose shape differs from the upright photo is an error."""
    root = _journal(tmp_path, (400, 400))
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-20"])
    assert result.exit_code == 1
    assert ("sessions/2025-01-06/overhead.mask.png: mask is 400x400 px but the photo (upright) is 1000x750 px, "
            "and their shapes differ [mask-size]") in result.output
    assert "fix: export the mask at the size of the photo, as a PNG" in result.output


def test_mask_of_the_photos_shape_is_measured(runner, tmp_path):
    """Issue 16 item 1: a mask at half the photo's size is scaled and counted (export = build)."""
    root = _journal(tmp_path, (500, 375))
    result = runner.invoke(main, ["export", str(root)])
    assert result.exit_code == 0, result.output
    import json

    session = json.loads(result.output)["sessions"][0]
    assert session["photo_salt_regions"] == {"top": pytest.approx(50.2, abs=0.5), "back": None, "left": None,
                                             "right": None}
    assert session["photo_salt"] is None  # only one of the four SALT views is painted


def test_mask_linked_from_outside_the_session_is_refused(runner, tmp_path):
    """Issue 16: a mask is read only inside the journal, like photos."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    outside = tmp_path / "elsewhere.png"
    Image.new("RGBA", (1000, 750), RED).save(outside)
    (root / "sessions/2025-01-06/overhead.mask.png").symlink_to(outside)
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-20", "--format", "json"])
    import json

    found = [f for f in json.loads(result.output)["findings"] if f["code"] == "mask-outside"]
    assert result.exit_code == 1
    assert found == [{"level": "error", "code": "mask-outside", "path": "sessions/2025-01-06/overhead.mask.png",
                      "line": None, "message": "mask is a link to a file outside the session folder",
                      "hint": "copy the mask into the session folder"}]


def test_mask_without_its_photo_is_a_warning(runner, tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    Image.new("RGBA", (1000, 750), RED).save(root / "sessions/2025-01-06/overhaed.mask.png")
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-20"])
    assert "sessions/2025-01-06/overhaed.mask.png: no photo of this name beside the mask [mask-without-photo]" \
        in result.output
    assert "overhaed" not in result.output.split("[mask-without-photo]")[1]  # never taken for a photo


def test_mask_painted_in_a_dull_colour_is_reported(runner, tmp_path):
    """A haired scalp painted near grey counts as excluded: the check says so."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    Image.new("RGBA", (1000, 750), (100, 150, 100, 255)).save(root / "sessions/2025-01-06/overhead.mask.png")
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-20"])
    assert ("overhead.mask.png: 100% of the painted scalp counts as excluded (grey) [mask-mostly-excluded]"
            in result.output)


# ---------- counted on a grid (issue 25 item 6) ----------

@pytest.mark.parametrize("seed", range(6))
def test_counting_on_a_grid_stays_within_half_a_point(seed):
    """A 12 MP mask is counted on every third pixel: within 0.5 points of every pixel counted,
    for scalps with several soft-edged bald, partial and excluded patches."""
    rng = np.random.default_rng(seed)
    w, h = 4032, 3024
    shapes = [("ellipse", (w * 0.12, h * 0.08, w * 0.88, h * 0.92), SCALP)]
    for colour in (RED, RED, RED, YELLOW, GREY):
        x, y, r = w * rng.uniform(0.25, 0.75), h * rng.uniform(0.25, 0.75), w * rng.uniform(0.02, 0.12)
        shapes.append(("ellipse", (x - r, y - r * rng.uniform(0.5, 1.5), x + r, y + r), colour))
    rgba = painted((w // 2, h // 2), [(k, [v / 2 for v in box], c) for k, box, c in shapes], scale=2)
    rgba = np.asarray(Image.fromarray(rgba).resize((w, h), Image.Resampling.BILINEAR))  # soft edges at 12 MP
    step = masks.count_step((w, h))
    assert step == 3
    full, grid = loss(rgba), loss(rgba[::step, ::step])
    assert grid == pytest.approx(full, abs=0.5)


def test_two_broken_masks_of_equal_bytes_each_name_their_own_file(runner, tmp_path):
    """Issue 22 item 18: masks of equal content share one cached result; each finding names its own file."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    for angle in ("overhead", "back"):
        (root / f"sessions/2025-01-06/{angle}.mask.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-20", "--format", "json"])
    import json

    found = {f["path"]: f["message"] for f in json.loads(result.output)["findings"] if f["code"] == "mask-unreadable"}
    assert set(found) == {"sessions/2025-01-06/overhead.mask.png", "sessions/2025-01-06/back.mask.png"}
    for path, message in found.items():
        assert "mask.png" not in message and str(root) not in message  # the path is the finding's, not the message's
