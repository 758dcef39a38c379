"""Colour of a grey card in a photo: its CIELAB value, white balance from it, and the
CIEDE2000 colour difference between two cards.

sRGB to CIE XYZ (D65) by IEC 61966-2-1; XYZ to CIELAB by CIE 15:2004; CIEDE2000 as given
in G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula: implementation
notes, supplementary test data, and mathematical observations", Color Research and
Application 30(1):21-30, 2005 (tested against its 34 published pairs).
"""

from __future__ import annotations

import math

import numpy as np

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


def delta_e2000(lab1, lab2, kl: float = 1.0, kc: float = 1.0, kh: float = 1.0) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu, Dalal 2005, eq. 1-17)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = _hue(a1p, b1), _hue(a2p, b2)
    dl, dc = l2 - l1, c2p - c1p
    dh_angle = 0.0
    if c1p * c2p != 0:
        dh_angle = h2p - h1p
        if dh_angle > 180:
            dh_angle -= 360
        elif dh_angle < -180:
            dh_angle += 360
    dh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh_angle) / 2)
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    h_bar = _mean_hue(h1p, h2p, c1p * c2p)
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    rc = 2 * math.sqrt(c_bar_p ** 7 / (c_bar_p ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    sc = 1 + 0.045 * c_bar_p
    sh = 1 + 0.015 * c_bar_p * t
    rt = -math.sin(math.radians(2 * d_theta)) * rc
    return math.sqrt((dl / (kl * sl)) ** 2 + (dc / (kc * sc)) ** 2 + (dh / (kh * sh)) ** 2
                     + rt * (dc / (kc * sc)) * (dh / (kh * sh)))


def _hue(a: float, b: float) -> float:
    """Hue angle in degrees, 0-360; 0 for a neutral colour (eq. 4)."""
    if a == 0 and b == 0:
        return 0.0
    return math.degrees(math.atan2(b, a)) % 360


def _mean_hue(h1: float, h2: float, chroma_product: float) -> float:
    """Mean hue angle (eq. 14), taking the short way round the circle."""
    if chroma_product == 0:
        return h1 + h2
    if abs(h1 - h2) <= 180:
        return (h1 + h2) / 2
    return (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
