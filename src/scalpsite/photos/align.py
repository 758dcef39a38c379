"""Framing of a photo against the baseline photo of its angle: the similarity transform
(shift, rotation, scale) that maps the photo onto the baseline, and how far to trust it.

Estimated on small grey images that the photo stage decodes anyway (see registration.py
for the two published methods used). Coordinates are normalised by the photo's width,
from the photo's centre, x to the right and y down. The transform maps a point p of the
photo onto the baseline: q = scale · R(rotation) · p + (dx, dy), where R turns clockwise
on the screen for a positive angle. So:

- rotation_deg > 0: the photo must be turned clockwise to match the baseline (the head
  in it appears turned counter-clockwise);
- scale > 1: the photo must be enlarged (it was taken from further away);
- dx_pct > 0 / dy_pct > 0: then its content must move right / down, by that percentage
  of the baseline photo's width (both shifts use the width as the unit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scalpsite.photos import registration as reg
from scalpsite.photos.alignment import (
    CONFIDENT,
    IDENTITY,
    MIN_CONTRAST,
    MIN_COVERAGE,
    RETRY,
    Alignment,
)

WORK = 256  # px on the long side of the grey images aligned




def grey(image, long_side: int = WORK) -> np.ndarray:
    """A Pillow image as a float grey array whose long side is about `long_side` px."""
    return np.asarray(grey_image(image, long_side), dtype=np.float64)


def grey_image(image, long_side: int = WORK):
    """The grey Pillow image (mode L) that alignment works on: the mean of whole blocks of
    pixels, so that the long side is about `long_side` px (never more); cheap next to a resampling."""
    factor = max(1, math.ceil(max(image.size) / long_side))
    return (image.reduce(factor) if factor > 1 else image).convert("L")


def has_structure(image: np.ndarray) -> bool:
    """Whether a grey image has edges to align on (a blank or flat photo has none)."""
    return float(np.std(image)) >= MIN_CONTRAST


# ---------- the transform as matrices ----------

def photo_to_base(t: Alignment) -> np.ndarray:
    """3x3 matrix in width-normalised, centred coordinates: photo point -> baseline point."""
    theta = math.radians(t.rotation_deg)
    c, s = t.scale * math.cos(theta), t.scale * math.sin(theta)
    return np.array([[c, -s, t.dx_pct / 100], [s, c, t.dy_pct / 100], [0, 0, 1]])


def _normaliser(size: tuple[int, int]) -> np.ndarray:
    """Pixel (x, y, 1) of an image of `size` -> its width-normalised, centred coordinates."""
    w, h = size
    return np.array([[1 / w, 0, -0.5], [0, 1 / w, -h / (2 * w)], [0, 0, 1]])


def pixel_matrix(t: Alignment, photo_size: tuple[int, int], base_size: tuple[int, int]) -> np.ndarray:
    """3x3 matrix taking a baseline pixel (x, y, 1) to the photo pixel that lands there.

    Pixels are addressed by their top-left corner, as Pillow's `Image.transform` does.
    """
    return np.linalg.inv(_normaliser(photo_size)) @ np.linalg.inv(photo_to_base(t)) @ _normaliser(base_size)


def from_pixel_matrix(g: np.ndarray, photo_size: tuple[int, int], base_size: tuple[int, int],
                      confidence: float = 0.0) -> Alignment:
    """The Alignment whose `pixel_matrix` is g (the similarity part of it)."""
    m = _normaliser(base_size) @ np.linalg.inv(g) @ np.linalg.inv(_normaliser(photo_size))
    return _from_matrix(m, confidence)


def _from_matrix(m: np.ndarray, confidence: float) -> Alignment:
    scale = math.hypot(m[0, 0], m[1, 0])
    rotation = math.degrees(math.atan2(m[1, 0], m[0, 0]))
    return Alignment(100 * m[0, 2], 100 * m[1, 2], rotation, scale, confidence)


def warp_image(image, t: Alignment, base_size: tuple[int, int], resample=None, fill=0):
    """A Pillow image resampled into the baseline frame of `base_size` (w, h); outside is `fill`."""
    from PIL import Image

    g = pixel_matrix(t, image.size, base_size)
    method = Image.Resampling.BILINEAR if resample is None else resample
    return image.transform(base_size, Image.Transform.AFFINE, tuple(g[:2].ravel()), resample=method,
                           fillcolor=fill)


# Index (x, y) of a NumPy pixel -> continuous coordinates of its centre, and back.
_CENTRE = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])


def _to_index(g: np.ndarray) -> np.ndarray:
    return np.linalg.inv(_CENTRE) @ g @ _CENTRE


def _from_index(g: np.ndarray) -> np.ndarray:
    return _CENTRE @ g @ np.linalg.inv(_CENTRE)


def compose(first: Alignment, then_inverse_of: Alignment) -> Alignment:
    """Photo A -> photo B, from A -> baseline (`first`) and B -> baseline (for `mask start`)."""
    m = np.linalg.inv(photo_to_base(then_inverse_of)) @ photo_to_base(first)
    return _from_matrix(m, min(first.confidence, then_inverse_of.confidence))


# ---------- estimation ----------

@dataclass(frozen=True)
class Reference:
    """A baseline grey image with what every comparison with it reuses."""

    grey: np.ndarray
    small: np.ndarray  # reduced for the log-polar step
    n: int  # its FFT canvas size
    polar: np.ndarray
    log_base: float
    plain: np.ndarray
    levels: tuple[reg.Template, ...]


def reference(image: np.ndarray) -> Reference:
    """Prepare a baseline grey image for `estimate` (once per baseline photo)."""
    a = np.asarray(image, dtype=np.float64)
    small = reg.reduce(a, reg.POLAR_REDUCTION)
    n = -(-max(small.shape) // 16) * 16  # a size numpy's FFT handles fast
    polar, base = reg.polar_spectrum(small, n)
    levels = tuple(reg.template(reg.blur(reg.reduce(a, f), r), sparse=i == len(reg.LEVELS) - 1)
                   for i, (f, r, _) in enumerate(reg.LEVELS))
    return Reference(a, small, n, polar, base, reg.plain_spectrum(small, n), levels)


def estimate(ref: Reference | np.ndarray, photo: np.ndarray, quick: bool = False) -> Alignment:
    """The similarity transform that maps the grey `photo` onto the grey baseline `ref`."""
    return estimate_many(ref, [photo], quick)[0]


def estimate_many(ref: Reference | np.ndarray, photos: list[np.ndarray], quick: bool = False) -> list[Alignment]:
    """The transforms of several grey photos of one view onto its baseline, refined together.

    Each photo is first brought to the baseline's width. The refinement starts from the
    unchanged framing; its coarse levels reach turns of 45 degrees and scales of 0.85-1.15
    on their own. A photo that ends partly aligned (confidence between RETRY and CONFIDENT)
    starts again from the log-polar estimate, and the more confident result is kept; below
    RETRY it shows something else, and a second try would only cost time. `quick` (for
    `check`, which looks only for framing far off): the two coarse levels, one start.
    """
    ref = ref if isinstance(ref, Reference) else reference(ref)
    moved = [reg.resize(np.asarray(p, dtype=np.float64), ref.grey.shape[1]) for p in photos]
    out: list[Alignment | None] = [None] * len(moved)
    shapes: dict[tuple, list[int]] = {}
    for i, m in enumerate(moved):
        shapes.setdefault(m.shape, []).append(i)
    for indices in shapes.values():  # photos of one shape go through the pyramid as one stack
        for i, t in zip(indices, _estimate_stack(ref, np.stack([moved[i] for i in indices]), quick)):
            out[i] = t
    done = [t for t in out if t is not None]
    if len(done) != len(out):  # every photo is in one stack, and every stack gives one result each
        raise AssertionError("a photo was left unaligned")
    return done


def _estimate_stack(ref: Reference, stack: np.ndarray, quick: bool) -> list[Alignment]:
    levels = reg.LEVELS[:2] if quick else reg.LEVELS
    pyramid = [reg.blur(reg.reduce(stack, f), r) for f, r, _ in levels]
    size, base = (stack.shape[2], stack.shape[1]), (ref.grey.shape[1], ref.grey.shape[0])
    start = _to_index(pixel_matrix(IDENTITY, size, base))
    found = _refine(ref, pyramid, np.repeat(start[None], len(stack), axis=0))
    trust = confidence(ref, pyramid[1], found)
    results = []
    for k in range(len(stack)):
        g, c = found[k], float(trust[k])
        if RETRY <= c < CONFIDENT and not quick:  # partly there: perhaps a change too large to reach
            first = from_pixel_matrix(_from_index(g), size, base)
            again = _log_polar_start(ref, reg.reduce(stack[k], reg.POLAR_REDUCTION))
            if not _close(again, first):
                g2 = _refine(ref, [p[k:k + 1] for p in pyramid], _to_index(pixel_matrix(again, size, base))[None])
                if (c2 := float(confidence(ref, pyramid[1][k:k + 1], g2)[0])) > c:
                    g, c = g2[0], c2
        t = from_pixel_matrix(_from_index(g), size, base)
        results.append(Alignment(t.dx_pct, t.dy_pct, t.rotation_deg, t.scale, c))
    return results


def _close(a: Alignment, b: Alignment) -> bool:
    """Within the reach of the refinement from each other (2 degrees, 3 % scale, 3 % shift)."""
    return (abs(a.rotation_deg - b.rotation_deg) < 2 and abs(math.log(a.scale / b.scale)) < 0.03
            and math.hypot(a.dx_pct - b.dx_pct, a.dy_pct - b.dy_pct) < 3)


def _log_polar_start(ref: Reference, mov: np.ndarray) -> Alignment:
    """Rotation and scale from the log-polar spectra, then the shift by phase correlation.

    A magnitude spectrum repeats every half turn, so the angle is known up to 180 degrees;
    the one within a quarter turn either way is taken (a photo of one view is never upside
    down).
    """
    polar, _ = reg.polar_spectrum(mov, ref.n)
    d_angle, d_radius = reg.peak(ref.polar, polar)
    rotation = d_angle * 180 / reg.ANGLE_BINS
    scale = 1 / ref.log_base ** d_radius  # an enlarged image has a shrunk spectrum
    turned = Alignment(0, 0, rotation, scale, 0)
    size, base = (mov.shape[1], mov.shape[0]), (ref.small.shape[1], ref.small.shape[0])
    seen = reg.sample(mov, _to_index(pixel_matrix(turned, size, base)), ref.small.shape, float(mov.mean()))
    dr, dc = reg.peak(ref.plain, reg.plain_spectrum(seen, ref.n))
    w = ref.small.shape[1]
    return Alignment(100 * dc / w, 100 * dr / w, rotation, scale, 0)


def _refine(ref: Reference, pyramid: list[np.ndarray], g: np.ndarray) -> np.ndarray:
    """Refine the matrices g (n, 3, 3) level by level, coarse to fine (as many as `pyramid` has)."""
    for (factor, _, steps), template, stack in zip(reg.LEVELS, ref.levels, pyramid):
        s = reg.level_matrix(factor)
        g_level, _ = reg.refine(template, stack, s @ g @ np.linalg.inv(s), steps)
        g = np.linalg.inv(s) @ g_level @ s
    return g


def confidence(ref: Reference, level: np.ndarray, g: np.ndarray) -> np.ndarray:
    """How far to trust each alignment, 0-1: the correlation of the edges (gradient magnitude)
    of the baseline and of the aligned photo, at 1/4 scale, where they overlap.

    `level`: the photos at that scale (n, h, w), as the pyramid has them. Edges, because
    regrowing hair changes the tones inside the scalp while the outline of the head, the
    ears and the background keep theirs; measured on the example journal's synthetic photos,
    the same view months apart scores 0.69 or more, two different views 0.62 or less. A photo
    covering less than 60 % of the baseline's view scores 0.
    """
    s = reg.level_matrix(reg.LEVELS[1][0])
    template = ref.levels[1]  # a full level (every pixel), so its samples make an image
    seen = reg.sample_stack(level, s @ g @ np.linalg.inv(s), *template.grid).reshape(len(g), *template.image.shape)
    overlap = ~np.isnan(seen)
    a = np.broadcast_to(np.hypot(*np.gradient(template.image)), seen.shape)
    b = np.hypot(*np.gradient(np.where(overlap, seen, template.image), axis=(1, 2)))
    count = np.maximum(overlap.sum(axis=(1, 2)), 1)
    am = (a * overlap).sum(axis=(1, 2)) / count
    bm = (b * overlap).sum(axis=(1, 2)) / count
    da, db = (a - am[:, None, None]) * overlap, (b - bm[:, None, None]) * overlap
    denom = np.sqrt((da * da).sum(axis=(1, 2)) * (db * db).sum(axis=(1, 2)))
    ncc = np.where(denom > 0, (da * db).sum(axis=(1, 2)) / np.maximum(denom, 1e-12), 0.0)
    return np.where(overlap.mean(axis=(1, 2)) >= MIN_COVERAGE, np.maximum(ncc, 0.0), 0.0)
