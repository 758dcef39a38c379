"""Framing of a photo against the baseline photo of its angle: the similarity transform
(shift, rotation, scale) that maps the photo onto the baseline, and how far to trust it.

Found with OpenCV from local features: ORB keypoints and binary descriptors (E. Rublee,
V. Rabaud, K. Konolige, G. Bradski, "ORB: an efficient alternative to SIFT or SURF", ICCV
2011) on a grey image of WORK px, matched with Lowe's ratio test (D. G. Lowe, "Distinctive
image features from scale-invariant keypoints", IJCV 60(2):91-110, 2004), and a similarity
fitted to them by RANSAC (M. A. Fischler, R. C. Bolles, CACM 24(6):381-395, 1981;
`cv2.estimateAffinePartial2D`), then by least squares on the matches that agree with it.
Features do not care what changed elsewhere in the picture (the hair, the light, a border):
the transform rests on what the two photos have in common.

How far to trust it (`confidence`, 0-1) is measured, not guessed (see `trust`): it is the
probability that the transform is within ACCURACY of the truth, given how closely the
agreeing features fit it and how widely they spread over the photo, and 0 when so many
features could agree by chance (the a-contrario test of L. Moisan, B. Stival, "A
probabilistic criterion to detect rigid point matches between two images", IJCV
57(3):201-218, 2004) or when the photo covers too little of the baseline's view.

Coordinates are normalised by the photo's width, from the photo's centre, x to the right
and y down. The transform maps a point p of the photo onto the baseline:
q = scale · R(rotation) · p + (dx, dy), where R turns clockwise on the screen for a
positive angle. So:

- rotation_deg > 0: the photo must be turned clockwise to match the baseline (the head
  in it appears turned counter-clockwise);
- scale > 1: the photo must be enlarged (it was taken from further away);
- dx_pct > 0 / dy_pct > 0: then its content must move right / down, by that percentage
  of the baseline photo's width (both shifts use the width as the unit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from scalpsite.photos.alignment import (
    CONFIDENT,
    IDENTITY,
    MIN_CONTRAST,
    MIN_COVERAGE,
    Alignment,
)

__all__ = ["CONFIDENT", "IDENTITY", "Alignment", "Features", "Fit", "estimate", "features", "fit", "grey",
           "grey_image", "has_structure", "load_features", "save_features", "warp_image"]

cv2.setNumThreads(1)  # one process per core already; the same answer whatever the machine

WORK = 640  # px on the long side of the grey image the features are found on
FEATURES = 1000  # ORB keypoints per photo at most
LOWE = 0.8  # a match counts when its descriptor is this much closer than the next best
INLIER_PX = 3.0  # px (at WORK) within which a matched feature agrees with a transform
MIN_MATCHES = 8  # fewer matches: nothing to fit
# What an alignment must achieve to be of use: the accuracy the comparisons need.
ACCURACY_DEG, ACCURACY_SCALE, ACCURACY_SHIFT_PCT = 1.0, 0.02, 1.0
# The least-squares errors understate the real ones (feature positions are not independent
# and not exactly where the structure is): measured on real photos with known transforms by
# benchmarks/align.py, the errors stay within this many times the predicted ones.
ERROR_FACTOR = 3.0
# A transform that only a small share of the matches agree with is not trusted: most of what
# the photos seem to share disagrees with it. On real photos the right transforms had 0.40 of
# their matches or more; on photos whose texture was redrawn, the wrong ones 0.30 or less.
MIN_SHARE = 0.35
MEANINGFUL = -2.0  # log10 of the expected number of chance consensuses that large: 1 in 100 at most
SCALES = (0.25, 4.0)  # a transform scaling beyond these is a degenerate fit, not a framing
SPREAD = 0.25  # a consensus within this share of the photo's diagonal is refitted without it


def grey_image(image, long_side: int = WORK):
    """The grey Pillow image (mode L) features are found on: the mean of whole blocks of
    pixels, so that the long side is about `long_side` px (never more); cheap next to a resampling."""
    factor = max(1, math.ceil(max(image.size) / long_side))
    return (image.reduce(factor) if factor > 1 else image).convert("L")


def grey(image, long_side: int = WORK) -> np.ndarray:
    """A Pillow image as a uint8 grey array whose long side is about `long_side` px."""
    return np.asarray(grey_image(image, long_side), dtype=np.uint8)


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


def compose(first: Alignment, then_inverse_of: Alignment) -> Alignment:
    """Photo A -> photo B, from A -> baseline (`first`) and B -> baseline (for `mask start`)."""
    m = np.linalg.inv(photo_to_base(then_inverse_of)) @ photo_to_base(first)
    return _from_matrix(m, min(first.confidence, then_inverse_of.confidence))


# ---------- features ----------

@dataclass(frozen=True)
class Features:
    """The ORB features of one grey image: where they are (px, pixel centres) and what they look like."""

    size: tuple[int, int]  # w, h of the grey image
    points: np.ndarray  # (n, 2) float32
    descriptors: np.ndarray  # (n, 32) uint8
    contrast: float  # standard deviation of the grey levels

    @property
    def blank(self) -> bool:
        """A photo with no contrast: nothing to align on."""
        return self.contrast < MIN_CONTRAST


def features(image: np.ndarray) -> Features:
    """The features of a uint8 grey array (as `grey` makes it)."""
    a = np.ascontiguousarray(image, dtype=np.uint8)
    orb = cv2.ORB.create(nfeatures=FEATURES, fastThreshold=5)
    keypoints, descriptors = orb.detectAndCompute(a, None)
    points = np.array([k.pt for k in keypoints], dtype=np.float32).reshape(-1, 2)
    if descriptors is None:
        descriptors = np.zeros((0, 32), dtype=np.uint8)
    return Features((a.shape[1], a.shape[0]), points, descriptors, float(np.std(a)))


def save_features(f: Features, path: Path) -> None:
    """Write features as a plain .npz (no pickled objects: the cache is read back safely)."""
    with open(path, "wb") as out:
        np.savez(out, size=np.array(f.size), points=f.points, descriptors=f.descriptors,
                 contrast=np.array(f.contrast))


def load_features(path: Path) -> Features:
    """Features written by `save_features`."""
    with np.load(path, allow_pickle=False) as z:
        w, h = (int(v) for v in z["size"])
        return Features((w, h), z["points"].astype(np.float32), z["descriptors"].astype(np.uint8),
                        float(z["contrast"]))


# ---------- estimation ----------

@dataclass(frozen=True)
class Fit:
    """A transform found from matched features, and what its trust is measured from."""

    alignment: Alignment
    matches: int
    inliers: int
    log_nfa: float  # log10 of the expected number of consensuses this large among random matches
    errors: tuple[float, float, float]  # standard errors: degrees, scale (relative), shift (% of width)
    coverage: float  # share of the baseline's view the aligned photo covers


def estimate(ref: Features | np.ndarray, photo: Features | np.ndarray) -> Alignment | None:
    """The transform that maps the grey `photo` onto the grey baseline `ref`, with its
    confidence; None when they have too few features in common to fit one."""
    found = fit(ref, photo)
    return None if found is None else found.alignment


def fit(ref: Features | np.ndarray, photo: Features | np.ndarray) -> Fit | None:
    """`estimate` with the measures its confidence comes from."""
    ref = ref if isinstance(ref, Features) else features(ref)
    photo = photo if isinstance(photo, Features) else features(photo)
    src, dst = _matches(ref, photo)
    if len(src) < MIN_MATCHES:
        return None
    best: Fit | None = None
    keep = np.ones(len(src), dtype=bool)
    for _ in range(2):  # a tight cluster (a caption, a logo fixed in the frame) is set aside once
        found = _consensus(src, dst, keep, ref, photo)
        if found is None:
            break
        model, inliers = found
        candidate = _measure(model, src, dst, inliers, ref, photo)
        if best is None or candidate.alignment.confidence > best.alignment.confidence:
            best = candidate
        if _spread(src[inliers], photo.size) >= SPREAD:
            break
        keep &= ~inliers
    return best


def _matches(ref: Features, photo: Features) -> tuple[np.ndarray, np.ndarray]:
    """Photo and baseline positions of the features matched between them (Lowe's ratio test)."""
    if len(ref.points) < 2 or len(photo.points) < 2:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32)
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(photo.descriptors, ref.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < LOWE * p[1].distance]
    src = photo.points[[m.queryIdx for m in good]].reshape(-1, 2)
    dst = ref.points[[m.trainIdx for m in good]].reshape(-1, 2)
    return src, dst


def _consensus(src, dst, keep, ref: Features, photo: Features):
    """The similarity most matches agree with (RANSAC), refitted by least squares on them."""
    if keep.sum() < MIN_MATCHES:
        return None
    model, _ = cv2.estimateAffinePartial2D(src[keep], dst[keep], method=cv2.RANSAC,
                                          ransacReprojThreshold=INLIER_PX, maxIters=2000,
                                          confidence=0.999, refineIters=0)
    if model is None:
        return None
    inliers = keep & (_residuals(model, src, dst) <= INLIER_PX)
    for _ in range(2):  # least squares on the agreeing matches, which may then gain a few
        if inliers.sum() < 3:
            return None
        model = _least_squares(src[inliers], dst[inliers])
        inliers = keep & (_residuals(model, src, dst) <= INLIER_PX)
    plausible = SCALES[0] <= math.hypot(model[0, 0], model[1, 0]) <= SCALES[1]
    return (model, inliers) if inliers.sum() >= 3 and plausible else None


def _residuals(model: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    return np.linalg.norm(src @ model[:, :2].T + model[:, 2] - dst, axis=1)


def _least_squares(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The similarity (2x3) that maps src onto dst with the least squared error."""
    ms, md = src.mean(axis=0), dst.mean(axis=0)
    s, d = src - ms, dst - md
    norm = max(float((s * s).sum()), 1e-12)
    a = float((s * d).sum()) / norm
    b = float((s[:, 0] * d[:, 1] - s[:, 1] * d[:, 0]).sum()) / norm
    rot = np.array([[a, -b], [b, a]])
    return np.hstack([rot, (md - rot @ ms)[:, None]])


def _spread(points: np.ndarray, size: tuple[int, int]) -> float:
    """How far the points reach: the root-mean-square distance from their centre, per diagonal."""
    if len(points) < 2:
        return 0.0
    return float(np.sqrt(((points - points.mean(axis=0)) ** 2).sum(axis=1).mean()) / math.hypot(*size))


def _measure(model: np.ndarray, src, dst, inliers, ref: Features, photo: Features) -> Fit:
    """The Alignment of a fitted model, with its confidence (see `trust`)."""
    # OpenCV's points are pixel centres; Pillow's transforms address pixel corners.
    centre = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])
    to_base = centre @ np.vstack([model, [0, 0, 1]]) @ np.linalg.inv(centre)
    t = from_pixel_matrix(np.linalg.inv(to_base), photo.size, ref.size)
    errors = _standard_errors(model, src[inliers], dst[inliers], photo.size, ref.size)
    log_nfa = _log_nfa(len(src), int(inliers.sum()), ref.size)
    coverage = _coverage(t, photo.size, ref.size)
    confidence = trust(errors, log_nfa, coverage, float(inliers.sum()) / len(src))
    return Fit(Alignment(t.dx_pct, t.dy_pct, t.rotation_deg, t.scale, confidence), len(src), int(inliers.sum()),
               log_nfa, errors, coverage)


def _standard_errors(model, src, dst, photo_size, base_size) -> tuple[float, float, float]:
    """Standard errors of the rotation (degrees), the scale (relative) and the shift of the
    photo's centre (% of the baseline's width), from the least-squares fit on the inliers."""
    k = len(src)
    if k <= 2:
        return math.inf, math.inf, math.inf
    sigma = math.sqrt(float((_residuals(model, src, dst) ** 2).sum()) / (2 * k - 4))
    sigma = max(sigma, 0.25)  # no fit is better than a quarter pixel: features are found on whole pixels
    centred = src - src.mean(axis=0)
    reach = math.sqrt(float((centred ** 2).sum()))
    scale = math.hypot(model[0, 0], model[1, 0])
    relative = sigma / (scale * max(reach, 1e-9))  # of the rotation (radians) and of the scale
    middle = np.array([photo_size[0] / 2 - 0.5, photo_size[1] / 2 - 0.5]) - src.mean(axis=0)
    shift = sigma * math.sqrt(1 / k + float((middle ** 2).sum()) / max(reach, 1e-9) ** 2)  # per axis
    return math.degrees(relative), relative, 100 * shift / base_size[0]


def _log_nfa(matches: int, inliers: int, base_size: tuple[int, int]) -> float:
    """log10 of the expected number of `inliers`-strong consensuses among `matches` random
    matches (Moisan and Stival's a-contrario count for a transform fixed by two matches)."""
    if inliers < 3:
        return math.inf
    alpha = math.pi * INLIER_PX ** 2 / (base_size[0] * base_size[1])
    log_c = lambda n, k: (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) / math.log(10)  # noqa: E731
    return (math.log10(max(matches - 2, 1)) + log_c(matches, inliers) + log_c(inliers, 2)
            + (inliers - 2) * math.log10(alpha))


def _coverage(t: Alignment, photo_size: tuple[int, int], base_size: tuple[int, int]) -> float:
    """Share of the baseline's view that the aligned photo covers (on a coarse grid)."""
    w, h = base_size
    xs, ys = np.meshgrid(np.linspace(0.5, w - 0.5, 32), np.linspace(0.5, h - 0.5, 24))
    g = pixel_matrix(t, photo_size, base_size)
    x = g[0, 0] * xs + g[0, 1] * ys + g[0, 2]
    y = g[1, 0] * xs + g[1, 1] * ys + g[1, 2]
    return float(((x >= 0) & (x <= photo_size[0]) & (y >= 0) & (y <= photo_size[1])).mean())


def trust(errors: tuple[float, float, float], log_nfa: float, coverage: float, share: float) -> float:
    """The confidence of an alignment: the probability that it is within ACCURACY of the
    truth, from its standard errors (times ERROR_FACTOR, normal errors; the shift's error is
    two-dimensional); 0 when its consensus could be chance, rests on too small a `share` of
    the matches, or the photo covers too little of the baseline's view."""
    if log_nfa > MEANINGFUL or coverage < MIN_COVERAGE or share < MIN_SHARE:
        return 0.0
    deg, rel, shift = (ERROR_FACTOR * e for e in errors)
    p_turn = math.erf(ACCURACY_DEG / (math.sqrt(2) * deg)) if deg > 0 else 1.0
    p_scale = math.erf(ACCURACY_SCALE / (math.sqrt(2) * rel)) if rel > 0 else 1.0
    p_shift = 1 - math.exp(-ACCURACY_SHIFT_PCT ** 2 / (2 * shift ** 2)) if shift > 0 else 1.0
    return p_turn * p_scale * p_shift
