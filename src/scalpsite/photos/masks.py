"""Painted SALT masks: `<photo stem>.mask.png` beside a photo, counted pixel by pixel.

The colours, as rwSALT paints them (a browser tool that measures SALT from the four SALT
views; Mendeley Data msdkt5x9rn): transparent (alpha < 128) is not scalp; red #ff0000 is
bald; yellow #ffff00 is partial regrowth (counts half); grey #808080 is excluded (another
condition, a scar); any other opaque colour is haired scalp. A pixel takes the class of a
paint colour within TOLERANCE of it (RGB distance), so the soft edges of a brush count as
the nearer side; otherwise it is haired scalp.

Region loss = 100 x (bald + 0.5 x partial) / (opaque - excluded), on a grid of about
COUNT_PIXELS pixels of the mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

TOLERANCE = 80  # RGB distance from a paint colour that still counts as that colour
ALPHA_OPAQUE = 128  # alpha below this is "not scalp"
ASPECT_TOLERANCE = 0.01  # a mask of another size is scaled when its aspect ratio is within 1 %
# Masks are counted on a grid of about this many pixels (every k-th pixel of every k-th row):
# a 12 MP mask on every third. Painted areas are many pixels wide, so the loss stays within
# 0.5 points of the count of every pixel (tests/test_masks.py), at a tenth of the cost.
COUNT_PIXELS = 1_500_000


def count_step(size: tuple[int, int]) -> int:
    """k: a mask of `size` (w, h) is counted on every k-th pixel of every k-th row."""
    return max(1, round((size[0] * size[1] / COUNT_PIXELS) ** 0.5))


class Paint(IntEnum):
    """What a mask pixel says."""

    NONE = 0  # not scalp
    HAIR = 1  # haired scalp
    BALD = 2
    PARTIAL = 3
    EXCLUDED = 4


COLOURS = {Paint.BALD: (255, 0, 0), Paint.PARTIAL: (255, 255, 0), Paint.EXCLUDED: (128, 128, 128)}


@dataclass(frozen=True)
class Counts:
    """Pixels of each class in a mask; `scalp` is every opaque pixel."""

    scalp: int
    bald: int
    partial: int
    excluded: int

    @property
    def loss_pct(self) -> float | None:
        """100 x (bald + 0.5 partial) / (scalp - excluded); None when no scalp is painted."""
        counted = self.scalp - self.excluded
        if counted <= 0:
            return None
        return 100 * (self.bald + 0.5 * self.partial) / counted

    def as_dict(self) -> dict:
        """For the cache and data.json: the pixel counts and the loss, rounded."""
        loss = self.loss_pct
        return {"scalp_px": self.scalp, "bald_px": self.bald, "partial_px": self.partial,
                "excluded_px": self.excluded, "loss_pct": None if loss is None else round(loss, 1)}


def classify(rgba):
    """The Paint class of every pixel of an (h, w, 4) uint8 RGBA NumPy array, as uint8.

    Only pixels inside a paint colour's box (each channel within TOLERANCE) can be within
    its distance: the exact distance is computed for those alone, which keeps a 12 MP mask
    to a fraction of a second.
    """
    import numpy as np

    flat = rgba.reshape(-1, 4)
    out = np.full(len(flat), Paint.HAIR, dtype=np.uint8)
    best = np.full(len(flat), TOLERANCE * TOLERANCE + 1, dtype=np.int32)
    for paint, colour in COLOURS.items():
        inside = np.ones(len(flat), dtype=bool)
        for channel, value in enumerate(colour):
            inside &= flat[:, channel] >= max(0, value - TOLERANCE)
            inside &= flat[:, channel] <= min(255, value + TOLERANCE)
        where = np.flatnonzero(inside)
        d = ((flat[where, :3].astype(np.int32) - np.array(colour, dtype=np.int32)) ** 2).sum(axis=1)
        closer = d < best[where]
        out[where[closer]] = paint
        best[where[closer]] = d[closer]
    out[flat[:, 3] < ALPHA_OPAQUE] = Paint.NONE
    return out.reshape(rgba.shape[:2])


def palette_classes(im):
    """The Paint class of each of an indexed ("P") Pillow image's 256 palette entries, as uint8;
    None for an image of another mode. Pillow's own conversion gives each entry's RGBA (its
    transparency included), so an indexed mask is classified by the same rule as an RGBA one,
    at the cost of 256 pixels instead of millions."""
    import numpy as np
    from PIL import Image

    if im.mode != "P":
        return None
    entries = Image.frombytes("P", (256, 1), bytes(range(256)))
    mode = im.palette.mode if im.palette is not None and im.palette.mode in ("RGB", "RGBA") else "RGB"
    entries.putpalette(im.getpalette(mode) or [], rawmode=mode)
    if "transparency" in im.info:
        entries.info["transparency"] = im.info["transparency"]
    return classify(np.asarray(entries.convert("RGBA")))[0]


def classes_in_strips(im, step: int = 1, rows: int = 512):
    """The Paint class of every `step`-th pixel of every `step`-th row of a Pillow image: an indexed
    mask through its palette, any other read as RGBA a strip of `rows` rows at a time (a 12 MP
    mask is never held as one large RGBA array)."""
    import numpy as np

    lut = palette_classes(im)
    if lut is not None:
        return lut[np.asarray(im)[::step, ::step]]
    rgba = im if im.mode == "RGBA" else im.convert("RGBA")
    w, h = rgba.size
    rows = step * max(1, rows // step)  # whole steps per strip: the grid runs on across strips
    return np.concatenate([classify(np.asarray(rgba.crop((0, y, w, min(y + rows, h))))[::step, ::step])
                           for y in range(0, h, rows)])


def count(classes) -> Counts:
    """Pixel counts of a classified mask."""
    import numpy as np

    n = np.bincount(classes.ravel(), minlength=len(Paint))
    return Counts(int(n[1:].sum()), int(n[Paint.BALD]), int(n[Paint.PARTIAL]), int(n[Paint.EXCLUDED]))


def size_problem(mask: tuple[int, int], photo: tuple[int, int]) -> str | None:
    """Why a mask of size `mask` cannot be laid on a photo of size `photo` (w, h), or None."""
    if mask == photo:
        return None
    if abs((mask[0] / mask[1]) / (photo[0] / photo[1]) - 1) <= ASPECT_TOLERANCE:
        return None  # the same picture at another size: it is scaled
    return (f"mask is {mask[0]}x{mask[1]} px but the photo (upright) is {photo[0]}x{photo[1]} px, "
            "and their shapes differ")


# ---------- the overlay drawn on the photos ----------

# RGBA drawn over the photo: a light tint inside each painted area, so that the skin and
# any fine regrowth stay visible, and a solid edge around it.
TINT = {Paint.NONE: (0, 0, 0, 0), Paint.HAIR: (0, 0, 0, 0), Paint.BALD: (229, 57, 53, 70),
        Paint.PARTIAL: (253, 216, 53, 80), Paint.EXCLUDED: (120, 120, 120, 40)}
EDGE = {Paint.BALD: (229, 57, 53, 235), Paint.PARTIAL: (253, 216, 53, 235), Paint.EXCLUDED: (90, 90, 90, 235)}
OUTLINE = (30, 136, 229, 230)  # the edge of the painted scalp
HATCH = 8  # px between the hatching lines of excluded areas


# The overlay is an indexed image: the five classes' tints, then the edges and the outline.
EDGE_INDEX = {paint: len(Paint) + i for i, paint in enumerate(EDGE)}
OUTLINE_INDEX = len(Paint) + len(EDGE)
OVERLAY_PALETTE = [*(TINT[p] for p in Paint), *EDGE.values(), OUTLINE]


def overlay(classes, size: tuple[int, int]):
    """A translucent indexed ("P", palette with alpha) Pillow image of `size` (w, h): bald areas
    tinted and edged red, partial regrowth yellow, excluded hatched grey, the outline of the
    painted scalp blue. Indexed, a 2 MP overlay is drawn and written in a few hundredths of a
    second (RGBA took a quarter of a second)."""
    import numpy as np
    from PIL import Image

    small = np.asarray(Image.fromarray(classes).resize(size, Image.Resampling.NEAREST))
    index = small.copy()
    hatch = np.add.outer(np.arange(size[1], dtype=np.uint16), np.arange(size[0], dtype=np.uint16)) % HATCH < 2
    index[(small == Paint.EXCLUDED) & hatch] = EDGE_INDEX[Paint.EXCLUDED]
    for paint, at in EDGE_INDEX.items():
        area = small == paint
        index[area & ~_eroded(area, 2)] = at  # two pixels: visible when the overlay is scaled down
    scalp = small != Paint.NONE
    index[scalp & ~_eroded(scalp, 2)] = OUTLINE_INDEX
    image = Image.fromarray(index, "P")
    image.putpalette([channel for colour in OVERLAY_PALETTE for channel in colour], rawmode="RGBA")
    return image


def _eroded(a, radius: int = 1):
    """`a` (bool) shrunk by `radius` px (4-neighbourhood, repeated); pixels beyond the edge count as False."""
    import cv2
    import numpy as np

    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    return cv2.erode(a.view(np.uint8), cross, iterations=radius, borderType=cv2.BORDER_CONSTANT,
                     borderValue=0).astype(bool)
