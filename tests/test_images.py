"""images: upright, sRGB, metadata-free renditions; bad photos become findings; caching."""

import io
import os
from pathlib import Path

import pytest
from iccprofiles import display_p3
from PIL import Image, ImageCms

from scalpsite.photos import images

# Orientation -> the transpose that, applied to an upright image, gives the stored pixels.
STORED = {
    1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270,
}


def upright_marker() -> Image.Image:
    """A 400x200 image, red in the top-left quarter, blue elsewhere: its orientation is visible."""
    im = Image.new("RGB", (400, 200), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 200, 100))
    return im


def save_oriented(path: Path, orientation: int, gps: bool = False) -> Path:
    im = upright_marker()
    stored = im.transpose(STORED[orientation]) if STORED[orientation] is not None else im
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x0110] = "Private Phone"
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.0), 3: "E", 4: (4.0, 53.0, 2.0)}
    stored.save(path, "JPEG", exif=exif.tobytes(), quality=95, comment=b"private comment")
    return path


def render(tmp_path, name: str):
    cache = tmp_path / "cache"
    result = images.process(tmp_path, [name], cache)
    return result, cache


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(tmp_path, orientation):
    save_oriented(tmp_path / "p.jpg", orientation)
    result, cache = render(tmp_path, "p.jpg")
    key = result.renditions["p.jpg"]["key"]
    with Image.open(cache / f"{key}-web.jpg") as out:
        assert out.size == (400, 200)
        r, g, b = out.convert("RGB").getpixel((50, 25))
        assert r > 200 and b < 60, "top-left should be red when upright"
        r, g, b = out.convert("RGB").getpixel((350, 175))
        assert b > 200 and r < 60


def test_published_photo_has_no_metadata(tmp_path):
    save_oriented(tmp_path / "p.jpg", 6, gps=True)
    result, cache = render(tmp_path, "p.jpg")
    for name in images.RENDITIONS:
        path = cache / f"{result.renditions['p.jpg']['key']}-{name}.jpg"
        raw = path.read_bytes()
        with Image.open(path) as out:
            assert not out.getexif() and "exif" not in out.info and "comment" not in out.info
            assert "icc_profile" not in out.info
        assert b"Exif" not in raw and b"private comment" not in raw and b"Private Phone" not in raw


def test_heic_renders(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    upright_marker().save(tmp_path / "front.heic", format="HEIF", quality=90)
    result, cache = render(tmp_path, "front.heic")
    assert result.renditions["front.heic"]["width"] == 400
    assert not result.findings


def test_display_p3_is_converted_to_srgb(tmp_path):
    p3 = display_p3()
    im = Image.new("RGB", (64, 64), (200, 100, 50))
    im.save(tmp_path / "p3.jpg", "JPEG", icc_profile=p3, quality=98)
    src = ImageCms.ImageCmsProfile(io.BytesIO(p3))
    expected = ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB")).getpixel((32, 32))
    assert max(abs(a - b) for a, b in zip(expected, (200, 100, 50))) >= 10, "P3 differs from sRGB"
    result, cache = render(tmp_path, "p3.jpg")
    with Image.open(cache / f"{result.renditions['p3.jpg']['key']}-web.jpg") as out:
        got = out.getpixel((32, 32))
        assert "icc_profile" not in out.info
    assert max(abs(a - b) for a, b in zip(got, expected)) <= 4


@pytest.mark.parametrize("content, fragment", [
    (b"", "not a readable image"),
    (b"this is a text file, not a photo", "not a readable image"),
    ("truncated", "cannot decode"),
])
def test_bad_photos_become_findings(tmp_path, content, fragment):
    if content == "truncated":
        upright_marker().save(tmp_path / "full.jpg", "JPEG")
        content = (tmp_path / "full.jpg").read_bytes()[:600]
    (tmp_path / "bad.jpg").write_bytes(content)
    result, _ = render(tmp_path, "bad.jpg")
    [finding] = result.findings
    assert finding.code == "photo-unreadable" and finding.path == "bad.jpg"
    assert fragment in finding.message
    assert "bad.jpg" not in result.renditions


def test_decompression_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    upright_marker().save(tmp_path / "bomb.png")
    result, _ = render(tmp_path, "bomb.png")
    [finding] = result.findings
    assert "too many pixels" in finding.message


def test_second_run_reencodes_nothing_and_removed_photos_are_forgotten(tmp_path):
    save_oriented(tmp_path / "a.jpg", 1)
    save_oriented(tmp_path / "b.jpg", 3)
    first = images.process(tmp_path, ["a.jpg", "b.jpg"], tmp_path / "cache")
    assert (first.rendered, first.cached) == (2, 0)
    second = images.process(tmp_path, ["a.jpg", "b.jpg"], tmp_path / "cache")
    assert (second.rendered, second.cached) == (0, 2)
    third = images.process(tmp_path, ["a.jpg"], tmp_path / "cache")
    assert (third.rendered, list(third.renditions)) == (0, ["a.jpg"])
    save_oriented(tmp_path / "a.jpg", 6)  # content changed: rendered again
    fourth = images.process(tmp_path, ["a.jpg"], tmp_path / "cache")
    assert fourth.rendered == 1


def test_reduced_scale_decode_keeps_requested_size(tmp_path):
    Image.new("RGB", (4032, 3024), (90, 60, 40)).save(tmp_path / "big.jpg", "JPEG")
    result, cache = render(tmp_path, "big.jpg")
    meta = result.renditions["big.jpg"]
    assert (meta["width"], meta["height"]) == (1280, 960)
    with Image.open(cache / f"{meta['key']}-thumb.jpg") as thumb:
        assert max(thumb.size) == 360


@pytest.mark.parametrize("name, fmt", [("a.png", "PNG"), ("a.webp", "WEBP"), ("a.avif", "AVIF")])
def test_other_formats_render(tmp_path, name, fmt):
    from PIL import features

    if fmt == "AVIF" and not features.check("avif"):
        pytest.skip("this Pillow has no AVIF support")
    upright_marker().save(tmp_path / name, fmt)
    result, _ = render(tmp_path, name)
    assert not result.findings and result.renditions[name]["width"] == 400


def test_build_with_bad_photos_goes_on_shows_placeholders_and_exits_1(tmp_path):
    from click.testing import CliRunner
    from conftest import COMPLETE, write_journal

    from scalpsite.cli import main

    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE}, photos=True)
    session = root / "sessions/2025-03-03"
    (session / "front.jpg").write_bytes(b"")
    (session / "back.jpg").write_text("not a photo")
    (session / "left.jpg").write_bytes((session / "right.jpg").read_bytes()[:600])
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "3 errors" in result.output
    page = (root / "_site/sessions/2025-03-03.html").read_text()
    assert page.count("no photo</span>") == 3
    assert all(f"sessions/2025-03-03/{a}.jpg" in page for a in ("front", "back", "left"))  # named in findings
    assert (root / "_site/photos/2025-03-03/right.jpg").is_file() and (root / "_site/dossier.pdf").is_file()
    assert not (root / "_site/photos/2025-03-03/front.jpg").exists()


def test_touched_photo_is_hashed_again_but_not_rendered_again(tmp_path):
    save_oriented(tmp_path / "a.jpg", 1)
    images.process(tmp_path, ["a.jpg"], tmp_path / "cache")
    os.utime(tmp_path / "a.jpg", ns=(1, 1))  # as a git checkout or a copy does
    again = images.process(tmp_path, ["a.jpg"], tmp_path / "cache")
    assert (again.rendered, again.cached) == (0, 1)


def test_half_written_renditions_of_a_killed_build_are_removed(tmp_path):
    save_oriented(tmp_path / "a.jpg", 1)
    cache = tmp_path / "cache"
    cache.mkdir()
    old, fresh = cache / ".k-web.jpg.123.part", cache / ".k-thumb.jpg.456.part"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written by another build")
    os.utime(old, (1, 1))
    images.process(tmp_path, ["a.jpg"], cache)
    assert not old.exists() and fresh.exists()
