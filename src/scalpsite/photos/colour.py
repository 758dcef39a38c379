"""Colour of a grey card in a photo: its CIELAB value, white balance from it, and the
CIEDE2000 colour difference between two cards.

sRGB to CIE XYZ (D65) by IEC 61966-2-1; XYZ to CIELAB by CIE 15:2004; CIEDE2000 as given
in G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula: implementation
notes, supplementary test data, and mathematical observations", Color Research and
Application 30(1):21-30, 2005 (tested against its 34 published pairs).
"""

from __future__ import annotations

import numpy as np

from scalpsite.photos.ciede2000 import delta_e2000  # noqa: F401 - one place for the colour measures

# IEC 61966-2-1 (sRGB): linear RGB -> XYZ, and the D65 white (Y = 1).
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805],
                        [0.2126, 0.7152, 0.0722],
                        [0.0193, 0.1192, 0.9505]])
D65 = SRGB_TO_XYZ.sum(axis=1)
MAX_GAIN = 2.0  # white-balance gains are kept within 1/2 and 2: a card in deep shade is not "grey"


def to_linear(v: np.ndarray) -> np.ndarray:
    """sRGB-encoded values 0-1 -> linear light 0-1."""
    v = np.asarray(v, dtype=np.float64)
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def to_srgb(v: np.ndarray) -> np.ndarray:
    """Linear light 0-1 -> sRGB-encoded values 0-1."""
    v = np.clip(np.asarray(v, dtype=np.float64), 0, 1)
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)


def lab(linear_rgb) -> tuple[float, float, float]:
    """CIELAB (D65) of a linear-light sRGB colour."""
    xyz = SRGB_TO_XYZ @ np.asarray(linear_rgb, dtype=np.float64) / D65
    e, k = 216 / 24389, 24389 / 27
    f = np.where(xyz > e, np.cbrt(xyz), (k * xyz + 16) / 116)
    return (float(116 * f[1] - 16), float(500 * (f[0] - f[1])), float(200 * (f[1] - f[2])))


def card_linear(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """Mean linear RGB of the card region (x, y, w, h) of an sRGB uint8 image; None when empty.

    The middle of the box is used (a margin of a sixth on each side), so that a box drawn a
    little too large does not take in the background around the card.
    """
    x, y, w, h = box
    mx, my = w // 6, h // 6
    part = rgb[max(0, y + my):y + h - my, max(0, x + mx):x + w - mx]
    if part.size == 0:
        return None
    return to_linear(part.reshape(-1, 3) / 255.0).mean(axis=0)


def balance_table(card: np.ndarray) -> list[int]:
    """A Pillow `point` table (768 entries) that makes the card neutral grey.

    Each channel is scaled in linear light so that the card's three channels equal its
    luminance; so exposure is kept and only the colour cast goes.
    """
    luminance = float(SRGB_TO_XYZ[1] @ card)
    gains = np.clip(luminance / np.maximum(card, 1e-6), 1 / MAX_GAIN, MAX_GAIN)
    levels = to_linear(np.arange(256) / 255.0)
    table = [np.rint(to_srgb(levels * g) * 255).astype(int) for g in gains]
    return [int(v) for channel in table for v in channel]
