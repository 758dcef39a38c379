"""One photo decoded for the outputs: Pillow opens HEIC and AVIF too, the decode is at reduced
scale, upright, 8 bits and sRGB, and keeps no metadata."""

from __future__ import annotations

import io
import warnings

from scalpsite.photos.photometa import exif_facts, upright_size


def register_heif() -> None:
    """Let Pillow open HEIC/HEIF (and AVIF) photos."""
    try:
        import pillow_heif
    except ImportError:  # pragma: no cover - a declared dependency
        return
    pillow_heif.register_heif_opener()
    if hasattr(pillow_heif, "register_avif_opener"):
        pillow_heif.register_avif_opener()


def _to_srgb(im):
    """Convert pixels to sRGB using the embedded ICC profile, if any; return RGB."""
    from PIL import ImageCms

    icc = im.info.get("icc_profile")
    if im.mode not in ("RGB", "L"):
        im = im.convert("RGBA").convert("RGB") if "A" in im.mode or im.mode == "P" else im.convert("RGB")
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            im = ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: keep the pixels as they are
    return im if im.mode == "RGB" else im.convert("RGB")


def _eight_bit(im):
    """16-bit and 32-bit grey images (scans, exports) scaled to 8 bits; others as they are.

    Pillow's own conversion clips such values at 255, which would turn most of a 16-bit
    photo white; here the full range is kept.
    """
    if im.mode not in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        return im
    import numpy as np
    from PIL import Image

    values = np.asarray(im.convert("F") if im.mode == "F" else im.convert("I"), dtype=np.float64)
    top = values.max() if values.size else 0
    # The range of the format, not of the picture: two photos keep their relative brightness.
    scale = 1 if top <= 255 and not im.mode.startswith("I;16") else 255 / 65535 if top <= 65535 else 255 / top
    grey = Image.fromarray(np.clip(values * scale, 0, 255).astype(np.uint8), "L")
    grey.info = dict(im.info)
    exif = im.getexif()
    if exif:
        grey.info["exif"] = exif.tobytes()
    return grey


def decode(path: str, long_side: int, facts: dict | None = None):
    """Open a photo, decode at reduced scale, turn it upright and into sRGB (no metadata kept).

    `facts`, when given, receives the EXIF date and camera and the original size.
    """
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            w, h = im.size
            if facts is not None:
                facts.update(exif_facts(im), width=w, height=h, upright=upright_size(im))
            scale = min(1.0, long_side / max(w, h))
            im.draft("RGB", (max(1, round(w * scale)), max(1, round(h * scale))))
            small = _eight_bit(im)
            small.thumbnail((long_side, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
            upright = ImageOps.exif_transpose(small)
            upright.info["icc_profile"] = im.info.get("icc_profile")
    clean = _to_srgb(upright)
    clean.info = {}
    return clean
