"""The numerical parts of image registration on small grey images (NumPy only).

Two published methods, used together by `align.estimate`:

- Log-polar phase correlation (Reddy & Chatterji, IEEE Trans. Image Processing
  5(8):1266-1271, 1996): rotation and scale become shifts of the log-polar magnitude
  spectrum, found by phase correlation whatever their size; then the shift by a plain
  phase correlation. It finds large changes of framing in one step.
- Robust inverse-compositional Gauss-Newton refinement (Baker & Matthews, "Lucas-Kanade
  20 years on: a unifying framework", IJCV 56(3):221-255, 2004), on a pyramid of blurred
  images, with Tukey biweights (iteratively reweighted least squares) so that what
  changed between the photos, the hair above all, does not pull the result. It is
  precise where the content differs.

Coordinates are pixels; a 3x3 matrix G takes a baseline pixel (x, y, 1) to the photo pixel
that lands there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

ANGLE_BINS = 360  # half a degree per bin over the half turn a magnitude spectrum holds
RADIUS_BINS = 128
R_MIN, R_MAX = 2.0, 0.75  # log-polar radii: from 2 px to 75 % of the Nyquist radius
# The pyramid, coarse to fine: (reduction factor, blur radius, Gauss-Newton steps at most).
# The finest level starts close to its answer, so it gets few of its costly steps.
LEVELS = ((8, 1, 6), (4, 1, 5), (2, 1, 3))
POLAR_REDUCTION = 2
TUKEY = 4.685  # biweight tuning constant (95 % efficiency for normal residuals)


# ---------- sampling and filtering ----------

def bilinear(a: np.ndarray, x: np.ndarray, y: np.ndarray, fill: float | None = None) -> np.ndarray:
    """Sample `a` at float pixel positions; outside is `fill`, or the nearest edge when None."""
    h, w = a.shape
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    x, y = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
    x0, y0 = np.minimum(x.astype(np.intp), w - 2), np.minimum(y.astype(np.intp), h - 2)
    fx, fy = x - x0, y - y0
    top = a[y0, x0] * (1 - fx) + a[y0, x0 + 1] * fx
    bottom = a[y0 + 1, x0] * (1 - fx) + a[y0 + 1, x0 + 1] * fx
    out = top * (1 - fy) + bottom * fy
    return out if fill is None else np.where(inside, out, fill)


def sample(a: np.ndarray, g: np.ndarray, shape: tuple[int, int], fill: float | None = None) -> np.ndarray:
    """`a` seen through the matrix g (baseline px -> photo px) on a baseline grid of `shape`."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    return bilinear(a, g[0, 0] * xs + g[0, 1] * ys + g[0, 2], g[1, 0] * xs + g[1, 1] * ys + g[1, 2], fill)


def resize(a: np.ndarray, width: int) -> np.ndarray:
    """Bilinear resize to `width` columns, keeping the aspect ratio."""
    h, w = a.shape
    if w == width:
        return a
    k = w / width
    g = np.array([[k, 0, 0.5 * k - 0.5], [0, k, 0.5 * k - 0.5], [0, 0, 1]])
    return sample(a, g, (max(1, round(h / k)), width))


def blur(a: np.ndarray, radius: int) -> np.ndarray:
    """Three passes of a box filter (close to a Gaussian of sigma ~ radius) over the last two
    axes (an image, or a stack of them), edges repeated."""
    for _ in range(3 if radius >= 1 else 0):
        for axis in (a.ndim - 2, a.ndim - 1):
            pad = [(radius + 1, radius) if ax == axis else (0, 0) for ax in range(a.ndim)]
            c = np.cumsum(np.pad(a, pad, mode="edge"), axis=axis, dtype=np.float64)
            n = c.shape[axis] - 2 * radius - 1
            a = (np.take(c, np.arange(2 * radius + 1, c.shape[axis]), axis=axis)
                 - np.take(c, np.arange(n), axis=axis)) / (2 * radius + 1)
    return a


def reduce(a: np.ndarray, factor: int) -> np.ndarray:
    """Mean of factor x factor blocks over the last two axes (the rows and columns left over
    are dropped)."""
    if factor == 1:
        return a
    h, w = a.shape[-2] // factor * factor, a.shape[-1] // factor * factor
    lead = a.shape[:-2]
    blocks = a[..., :h, :w].reshape(*lead, h // factor, factor, w // factor, factor)
    return blocks.mean(axis=(-3, -1))


def level_matrix(factor: int) -> np.ndarray:
    """Full-size pixel -> pixel of an image reduced by `factor` (block centres)."""
    k = 1 / factor
    return np.array([[k, 0, 0.5 * k - 0.5], [0, k, 0.5 * k - 0.5], [0, 0, 1]])


# ---------- log-polar phase correlation ----------

def _canvas(a: np.ndarray, n: int) -> np.ndarray:
    """`a` zero-mean and tapered to zero at its own edges (Hann window), centred on an n x n canvas.

    Tapering the image, not the canvas, leaves no hard edge whose spectral lines would stay
    put while the content turns.
    """
    h, w = a.shape
    if h > n or w > n:  # a photo of another aspect ratio: its middle
        top, left = max(0, (h - n) // 2), max(0, (w - n) // 2)
        a = a[top:top + n, left:left + n]
        h, w = a.shape
    out = np.zeros((n, n), dtype=np.float32)
    top, left = (n - h) // 2, (n - w) // 2
    out[top:top + h, left:left + w] = (a - a.mean()) * np.outer(np.hanning(h), np.hanning(w))
    return out


@lru_cache(maxsize=4)
def _emphasis(n: int) -> np.ndarray:
    """Reddy's high-pass emphasis for an n x n centred spectrum: (1 - X)(2 - X), X = cos·cos."""
    f = np.fft.fftshift(np.fft.fftfreq(n))
    c = np.outer(np.cos(np.pi * f), np.cos(np.pi * f))
    return ((1 - c) * (2 - c)).astype(np.float32)


@lru_cache(maxsize=4)
def _polar_grid(n: int) -> tuple[tuple[np.ndarray, ...], float]:
    """Where each (angle, log radius) cell samples an n x n spectrum: corner indices and weights."""
    r_max = n / 2 * R_MAX
    base = math.exp(math.log(r_max / R_MIN) / RADIUS_BINS)
    radius = R_MIN * base ** np.arange(RADIUS_BINS)
    theta = np.arange(ANGLE_BINS) * math.pi / ANGLE_BINS
    x = n / 2 + np.outer(np.cos(theta), radius)
    y = n / 2 + np.outer(np.sin(theta), radius)
    x0, y0 = np.floor(x).astype(np.intp), np.floor(y).astype(np.intp)
    fx, fy = (x - x0).astype(np.float32), (y - y0).astype(np.float32)
    i00 = y0 * n + x0
    weights = ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy)
    return (i00, i00 + 1, i00 + n, i00 + n + 1, *weights), base


def polar_spectrum(a: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    """FFT of the log-polar, emphasised log magnitude spectrum of `a`; and the radius log base."""
    spec = np.fft.fftshift(np.abs(np.fft.fft2(_canvas(a, n))))
    flat = (np.log1p(spec) * _emphasis(n)).ravel()
    (i00, i01, i10, i11, w00, w01, w10, w11), base = _polar_grid(n)
    return np.fft.fft2(flat[i00] * w00 + flat[i01] * w01 + flat[i10] * w10 + flat[i11] * w11), base


def plain_spectrum(a: np.ndarray, n: int) -> np.ndarray:
    """FFT of the windowed image on its n x n canvas (for the shift)."""
    return np.fft.fft2(_canvas(a, n))


def peak(fa: np.ndarray, fb: np.ndarray) -> tuple[float, float]:
    """Phase correlation of two arrays given by their FFTs: the (row, column) shift of the
    second onto the first, sub-pixel by a parabola through the peak and its neighbours."""
    cross = fa * np.conj(fb)
    corr = np.real(np.fft.ifft2(cross / np.maximum(np.abs(cross), 1e-12)))
    rows, cols = corr.shape
    row, col = np.unravel_index(int(np.argmax(corr)), corr.shape)

    def offset(minus: float, centre: float, plus: float) -> float:
        denom = minus - 2 * centre + plus
        return 0.0 if denom >= 0 else 0.5 * (minus - plus) / denom

    dr = offset(corr[(row - 1) % rows, col], corr[row, col], corr[(row + 1) % rows, col])
    dc = offset(corr[row, (col - 1) % cols], corr[row, col], corr[row, (col + 1) % cols])
    return (row + dr + rows / 2) % rows - rows / 2, (col + dc + cols / 2) % cols - cols / 2


# ---------- robust Gauss-Newton refinement ----------

@dataclass(frozen=True)
class Template:
    """One pyramid level of the baseline, with what every refinement against it reuses."""

    image: np.ndarray
    values: np.ndarray  # the pixels used, flat
    jacobian: np.ndarray  # (pixels used, 4): image gradient times the warp's derivatives
    products: np.ndarray  # (pixels used, 16): the outer products of its rows, for the Hessians
    centre: np.ndarray  # 3x3: centred coordinates -> pixels
    grid: tuple[np.ndarray, np.ndarray]  # x and y of the pixels used


def template(a: np.ndarray, sparse: bool = False) -> Template:
    """Gradients and the steepest-descent images of the similarity warp at identity.

    `sparse`: use every other pixel (a checkerboard): half the work on a large level, with
    the same reach and almost the same precision."""
    h, w = a.shape
    gy, gx = np.gradient(a)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    used = ((xs + ys) % 2 == 0) if sparse else np.ones(a.shape, dtype=bool)
    grid = (xs[used].astype(np.float32), ys[used].astype(np.float32))
    cx, cy = xs[used] - (w - 1) / 2, ys[used] - (h - 1) / 2
    gx, gy = gx[used], gy[used]
    jac = np.stack([gx * cx + gy * cy, gy * cx - gx * cy, gx, gy], axis=-1)
    products = (jac[:, :, None] * jac[:, None, :]).reshape(-1, 16)
    centre = np.array([[1, 0, (w - 1) / 2], [0, 1, (h - 1) / 2], [0, 0, 1]])
    f32 = np.float32  # the per-iteration arrays in single precision: half the memory traffic
    return Template(a, a[used].astype(f32), jac.astype(f32), products.astype(f32), centre, grid)


def sample_stack(stack: np.ndarray, g: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Each image of `stack` (n, h, w) at the points (xs, ys) moved by its own matrix of g
    (n, 3, 3); NaN outside."""
    n, h, w = stack.shape
    g = g.astype(stack.dtype)
    x = g[:, 0, 0, None] * xs + g[:, 0, 1, None] * ys + g[:, 0, 2, None]
    y = g[:, 1, 0, None] * xs + g[:, 1, 1, None] * ys + g[:, 1, 2, None]
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    x, y = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
    x0, y0 = np.minimum(x.astype(np.intp), w - 2), np.minimum(y.astype(np.intp), h - 2)
    fx, fy = x - x0, y - y0
    flat = stack.ravel()
    i00 = (np.arange(n) * h * w)[:, None] + y0 * w + x0
    top = flat[i00] * (1 - fx) + flat[i00 + 1] * fx
    bottom = flat[i00 + w] * (1 - fx) + flat[i00 + w + 1] * fx
    return np.where(inside, top * (1 - fy) + bottom * fy, np.nan)


def _undo_steps(dp: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """The inverses of the small similarity steps dp (n, 4) = (a, b, tx, ty) about the centre."""
    a, b, tx, ty = dp.T
    k = (1 + a) ** 2 + b ** 2
    ia, ib = (1 + a) / k, -b / k  # the inverse turn and scale
    ix, iy = -(ia * tx - ib * ty), -(ib * tx + ia * ty)
    cx, cy = centre[0, 2], centre[1, 2]
    out = np.zeros((len(dp), 3, 3))
    out[:, 0, 0], out[:, 0, 1], out[:, 0, 2] = ia, -ib, ix + cx - ia * cx + ib * cy
    out[:, 1, 0], out[:, 1, 1], out[:, 1, 2] = ib, ia, iy + cy - ib * cx - ia * cy
    out[:, 2, 2] = 1
    return out


def _row_median(a: np.ndarray) -> np.ndarray:
    """Median of each row, NaN ignored (0 for a row with no value), as a column."""
    count = (~np.isnan(a)).sum(axis=1)
    ordered = np.sort(a, axis=1)  # NaN sorts last
    lo = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[:, None], axis=1)
    hi = np.take_along_axis(ordered, (count // 2)[:, None], axis=1)
    return np.where(count[:, None] > 0, (lo + hi) / 2, 0.0)


def _scale(e: np.ndarray) -> np.ndarray:
    """Median absolute deviation of each row (NaN ignored; 0 for a row with no value), as a column."""
    return _row_median(np.abs(e - _row_median(e)))


def refine(t: Template, stack: np.ndarray, g: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Inverse-compositional Gauss-Newton with Tukey weights, for a stack of photos (n, h, w)
    at once: the improved matrices g (n, 3, 3), and which photos stayed enough in the frame.

    All photos of a view are refined together: the arrays are larger, the NumPy calls fewer.
    """
    flat_t = t.values
    ok = np.ones(len(stack), dtype=bool)
    mad = None
    stack = stack.astype(np.float32, copy=False)  # half the memory traffic, enough precision here
    for step in range(steps):
        seen = sample_stack(stack, g, *t.grid)
        valid = ~np.isnan(seen)
        ok &= valid.mean(axis=1) >= 0.25  # slid out of the frame: no alignment
        valid &= ok[:, None]
        count = np.maximum(valid.sum(axis=1), 1)[:, None]
        i, tv = np.where(valid, seen, 0.0), np.where(valid, flat_t, 0.0)
        mi, mt = i.sum(axis=1, keepdims=True) / count, tv.sum(axis=1, keepdims=True) / count
        si = np.sqrt((((i - mi) * valid) ** 2).sum(axis=1, keepdims=True) / count)
        st = np.sqrt((((tv - mt) * valid) ** 2).sum(axis=1, keepdims=True) / count)
        e = np.where(valid, (i - mi) * (st / (si + 1e-9)) + mt - tv, np.nan)  # same gain and offset
        if step in (0, 2):  # the residuals' scale, twice per level: medians are the costly part
            mad = _scale(e[:, ::3])  # every third residual: the same scale, a third of the cost
        assert mad is not None  # set at step 0
        u = e / (TUKEY * 1.4826 * mad + 1e-9)
        wgt = np.where(valid, np.maximum(1 - u * u, 0.0) ** 2, 0.0)  # Tukey's biweight: 0 beyond the cut
        hessian = (wgt @ t.products).reshape(-1, 4, 4) + 1e-9 * np.eye(4)
        dp = np.linalg.solve(hessian, (np.nan_to_num(wgt * e) @ t.jacobian)[..., None])[..., 0]
        dp[~ok] = 0
        g = g @ _undo_steps(dp, t.centre)
        if np.all(np.abs(dp[:, :2]) < 1e-3) and np.all(np.abs(dp[:, 2:]) < 0.05):
            break  # all under 0.06 degrees and 0.05 px
    return g, ok
