"""What a photo says about how it was taken: EXIF date and camera, size, and its light."""

from __future__ import annotations

import datetime as dt

EXIF_IFD, MODEL, DATETIME, DATETIME_ORIGINAL = 0x8769, 0x0110, 0x0132, 0x9003
ORIENTATION = 0x0112
STATS_SIZE = 96  # px on the long side: enough for a brightness and colour measure
LUMA = (0.299, 0.587, 0.114)  # ITU-R BT.601 luminance weights


def exif_facts(im) -> dict:
    """Capture date (ISO) and camera model from EXIF, when present."""
    try:
        exif = im.getexif()
        when = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
        model = exif.get(MODEL)
    except Exception:  # damaged EXIF must not stop the photo from being used
        return {"taken": None, "camera": None}
    return {"taken": _exif_date(when), "camera": str(model).strip("\x00 ").strip() or None if model else None}


def _exif_date(value) -> str | None:
    try:
        return dt.datetime.strptime(str(value).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S").date().isoformat()
    except (ValueError, TypeError):
        return None


def light(im) -> dict:
    """Brightness and colour balance of the lit surfaces (the brightest quarter of pixels).

    The brightest quarter is skin, scalp and background: unlike the mean of the whole
    photo it barely moves when hair grows back, but it follows the lamp and the window.
    brightness: median luminance of that quarter, 0-255; warmth: mean (R − B) / (R + G + B).
    Pixels are ranked by luminance, ties by (R, G, B), so the result does not depend on order.
    """
    import numpy as np

    small = im.convert("RGB")
    small.thumbnail((STATS_SIZE, STATS_SIZE))
    rgb = np.asarray(small, dtype=np.float64).reshape(-1, 3)
    lum = rgb @ LUMA
    ranked = np.lexsort((rgb[:, 2], rgb[:, 1], rgb[:, 0], lum))
    top = ranked[len(ranked) * 3 // 4:]
    r, g, b = rgb[top].T
    warmth = float(np.mean((r - b) / np.maximum(r + g + b, 1)))
    return {"brightness": round(float(lum[top[len(top) // 2]]), 1), "warmth": round(warmth, 4)}


def upright_size(im) -> list[int]:
    """(w, h) of a photo as shown: EXIF orientations 5-8 turn it a quarter."""
    try:
        turned = im.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
    except Exception:  # damaged EXIF: shown as stored
        turned = False
    return [im.height, im.width] if turned else [im.width, im.height]
