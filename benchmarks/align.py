#!/usr/bin/env python3
"""Benchmark of the photo alignment on real photos with known transforms.

Every scene is a real photo (scikit-image's bundled sample images; each one's licence in
SCENES) or one of the example journal's synthetic heads. Its middle is the baseline view;
a "later photo" is the view of a camera moved by a known random similarity within the
framing limits (turned up to 9°, scaled 0.88-1.12, shifted up to 7 % of the width each
way), with local changes a later session brings: a patch of new texture (from another
scene), other brightness and contrast, a grey border on one side, and JPEG recompression.
Pairs of different scenes check that another view is never published, and the example
journal's own sessions (hair redrawn every session, known framing) are one more case.

Each pair goes through what a build does: the grey image (`align.grey`), its features, and
the fit to the baseline's features. Reported per case: recovered (within 1°, 2 % scale and
1 % shift), published (confidence >= align.CONFIDENT), published and wrong (must be 0),
other scene published (must be 0), and the time per photo. `--calibrate` adds how the
measured errors compare with the predicted ones (the basis of align.ERROR_FACTOR) and how
often each band of confidence was right.

    pip install ".[bench]"        # scikit-image, for its sample photos
    python benchmarks/align.py [--pairs 8] [--seed 1] [--calibrate] [--results benchmarks/results-align.md]

A measurement, not a test: it exits 0 whatever the numbers are.
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "example-journal" / "sessions"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from scalpsite.photos import align  # noqa: E402

# scikit-image sample photos used (no photo of a person), with their licences as
# skimage.data documents them.
SCENES = {
    "chelsea": "CC0 (Stefan van der Walt)",
    "coffee": "CC0 (Rachel Michetti)",
    "rocket": "public domain (SpaceX)",
    "hubble_deep_field": "public domain (NASA)",
    "retina": "CC0 1.0 (Mikael Häggström, Wikimedia Commons)",
    "coins": "no known copyright restrictions (Brooklyn Museum)",
    "immunohistochemistry": "no known copyright restrictions (CMMI)",
    "brick": "CC0 (CC0Textures)",
    "grass": "CC0 (DeviantArt user linolafett)",
    "gravel": "CC0 (CC0Textures)",
    "cell": "CC0 (Paul Müller et al.)",
    "clock": "public domain (Stefan van der Walt)",
}
HEADS = ("overhead", "front", "back", "left", "right")
ZOOM = 1.35  # the baseline view is the middle of the scene: a moved camera rarely sees past its edge
TURN, SCALE, SHIFT = 9.0, (0.88, 1.12), 7.0  # the random framing changes (within the drift limits)
TOL_DEG, TOL_SCALE, TOL_SHIFT = align.ACCURACY_DEG, align.ACCURACY_SCALE, align.ACCURACY_SHIFT_PCT


@dataclass
class Pair:
    case: str
    scene: str
    base: Image.Image
    photo: Image.Image
    truth: tuple[float, float, float, float] | None  # dx %, dy %, degrees, scale; None: another scene


def load_scenes() -> dict[str, Image.Image]:
    """The real sample photos, and the example journal's baseline heads."""
    import skimage.data

    register_heif()
    scenes = {name: Image.fromarray(getattr(skimage.data, name)()).convert("RGB") for name in SCENES}
    for angle in HEADS:
        scenes[f"head-{angle}"] = photo_of(EXAMPLE / "2025-01-06", angle)
    return scenes


def view_size(scene: Image.Image) -> tuple[int, int]:
    """A 4:3 view of the scene's middle, 1/ZOOM of its width."""
    sw, sh = scene.size
    w = int(sw / ZOOM)
    h = min(int(sh / ZOOM), w * 3 // 4)
    return min(w, h * 4 // 3), h


def framed(scene: Image.Image, t: tuple[float, float, float, float], size: tuple[int, int]) -> Image.Image:
    """What a camera sees whose photo maps onto the baseline view by q = s R p + (dx, dy)
    (docs/photos.md's convention), written out with Pillow, independently of scalpsite."""
    dx, dy, rot, scale = t
    w, h = size
    c, s = scale * math.cos(math.radians(rot)), scale * math.sin(math.radians(rot))
    to_norm = np.array([[1 / w, 0, -0.5], [0, 1 / w, -h / (2 * w)], [0, 0, 1]])
    onto_base = np.array([[c, -s, dx / 100], [s, c, dy / 100], [0, 0, 1]])
    sw, sh = scene.size
    to_scene = np.array([[w, 0, sw / 2], [0, w, sh / 2], [0, 0, 1]])
    m = to_scene @ onto_base @ to_norm
    return scene.transform(size, Image.Transform.AFFINE, tuple(m[:2].ravel()), resample=Image.Resampling.BICUBIC,
                           fillcolor=(128, 128, 128))


def later(image: Image.Image, rng: np.random.Generator, texture: Image.Image) -> Image.Image:
    """A later session's changes: light, a patch of new texture, a grey border, recompression."""
    gain, gamma = rng.uniform(0.75, 1.25), rng.uniform(0.8, 1.25)
    image = image.point([min(255, int(255 * (v / 255) ** gamma * gain)) for v in range(256)] * 3)
    w, h = image.size
    pw, ph = int(w * rng.uniform(0.25, 0.4)), int(h * rng.uniform(0.25, 0.4))
    ox, oy = int(rng.integers(0, max(1, texture.width - pw))), int(rng.integers(0, max(1, texture.height - ph)))
    patch = texture.crop((ox, oy, ox + pw, oy + ph))
    blob = Image.new("L", (pw, ph), 0)
    ImageDraw.Draw(blob).ellipse((0, 0, pw - 1, ph - 1), fill=255)
    image.paste(patch, (int(rng.integers(0, w - pw)), int(rng.integers(0, h - ph))), blob.filter(ImageFilter.GaussianBlur(3)))
    side = int(rng.integers(0, 4))
    band = int(rng.uniform(0.03, 0.08) * (w if side < 2 else h))
    box = [(0, 0, band, h), (w - band, 0, w, h), (0, 0, w, band), (0, h - band, w, h)][side]
    ImageDraw.Draw(image).rectangle(box, fill=(128, 128, 128))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=int(rng.integers(70, 92)))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def random_framing(rng: np.random.Generator) -> tuple[float, float, float, float]:
    return (float(rng.uniform(-SHIFT, SHIFT)), float(rng.uniform(-SHIFT, SHIFT)), float(rng.uniform(-TURN, TURN)),
            float(rng.uniform(*SCALE)))


def make_pairs(per_scene: int, seed: int) -> list[Pair]:
    """Same-scene pairs (known framing), other-scene pairs, and the example journal's sessions."""
    scenes = load_scenes()
    names = list(scenes)
    rng = np.random.default_rng(seed)
    pairs = []
    for i, name in enumerate(names):
        size = view_size(scenes[name])
        base = framed(scenes[name], (0, 0, 0, 1), size)
        case = "synthetic heads (same photo)" if name.startswith("head-") else "real photos"
        for k in range(per_scene):
            t = random_framing(rng)
            texture = scenes[names[(i + 1 + k) % len(names)]]
            pairs.append(Pair(case, name, base, later(framed(scenes[name], t, size), rng, texture), t))
        for k in range(3):  # photos of three other scenes, with a texture of a fourth
            other = names[(i + 3 + 5 * k) % len(names)]
            texture = scenes[names[(i + 4 + 5 * k) % len(names)]]
            photo = later(framed(scenes[other], random_framing(rng), view_size(scenes[other])), rng, texture)
            pairs.append(Pair("another scene", f"{name} / {other}", base, photo, None))
    return pairs + example_sessions()


def example_sessions() -> list[Pair]:
    """Every later photo of the example journal against its baseline, with the framing it was made with."""
    import make_example_journal as example

    register_heif()
    pairs = []
    folders = sorted(p.name for p in EXAMPLE.iterdir() if p.is_dir())
    for angle in HEADS:
        base = photo_of(EXAMPLE / folders[0], angle)
        for folder in folders[1:]:
            photo = photo_of(EXAMPLE / folder, angle)
            if photo is not None:
                pairs.append(Pair("synthetic heads (across sessions)", f"{folder} {angle}", base, photo,
                                  example.framing(folder, angle)))
    return pairs


def photo_of(folder: Path, angle: str) -> Image.Image | None:
    """The example journal's photo of an angle in a session folder (not its mask), upright."""
    found = [p for p in folder.glob(f"{angle}.*") if not p.name.endswith(".mask.png")]
    return ImageOps.exif_transpose(Image.open(found[0])).convert("RGB") if found else None


def register_heif() -> None:
    from scalpsite.photos.decode import register_heif as register

    register()


@dataclass
class Outcome:
    pair: Pair
    fit: align.Fit | None
    seconds: float  # the photo's features and its fit

    @property
    def errors(self) -> tuple[float, float, float] | None:
        if self.fit is None or self.pair.truth is None:
            return None
        dx, dy, rot, scale = self.pair.truth
        t = self.fit.alignment
        return abs(t.rotation_deg - rot), abs(t.scale / scale - 1), math.hypot(t.dx_pct - dx, t.dy_pct - dy)

    @property
    def recovered(self) -> bool:
        e = self.errors
        return e is not None and e[0] <= TOL_DEG and e[1] <= TOL_SCALE and e[2] <= TOL_SHIFT

    @property
    def published(self) -> bool:
        return self.fit is not None and self.fit.alignment.confident


def run(pairs: list[Pair]) -> list[Outcome]:
    """Align every pair as a build does; the baseline's features are made once per baseline."""
    refs: dict[int, align.Features] = {}
    out = []
    for p in pairs:
        ref = refs.setdefault(id(p.base), align.features(align.grey(p.base)))
        started = time.perf_counter()
        found = align.fit(ref, align.features(align.grey(p.photo)))
        out.append(Outcome(p, found, time.perf_counter() - started))
    return out


def table(outcomes: list[Outcome]) -> str:
    cases = list(dict.fromkeys(o.pair.case for o in outcomes))
    rows = ["| case | pairs | recovered (1°, 2 % scale, 1 % shift) | published | published and wrong | "
            "ms per photo (median) |", "|---|---|---|---|---|---|"]
    for case in cases:
        mine = [o for o in outcomes if o.pair.case == case]
        ms = statistics.median(o.seconds for o in mine) * 1000
        pub = sum(o.published for o in mine)
        if case == "another scene":
            rows.append(f"| {case} | {len(mine)} | – | {pub} (must be 0) | {pub} | {ms:.1f} |")
            continue
        rec = sum(o.recovered for o in mine)
        wrong = sum(o.published and not o.recovered for o in mine)
        rows.append(f"| {case} | {len(mine)} | {rec} ({100 * rec / len(mine):.0f} %) | "
                    f"{pub} ({100 * pub / len(mine):.0f} %) | {wrong} | {ms:.1f} |")
    same = [o for o in outcomes if o.pair.case in ("real photos", "synthetic heads (same photo)")]
    rec, pub = sum(o.recovered for o in same), sum(o.published for o in same)
    wrong = sum(o.published and not o.recovered for o in same)
    rows.append(f"| **same scene, all (targets: ≥ 95 % recovered, ≥ 90 % published, 0 wrong)** | {len(same)} | "
                f"{rec} ({100 * rec / len(same):.1f} %) | {pub} ({100 * pub / len(same):.1f} %) | {wrong} | "
                f"{statistics.median(o.seconds for o in same) * 1000:.1f} |")
    return "\n".join(rows)


def calibration(outcomes: list[Outcome]) -> str:
    """Measured errors against the predicted standard errors, and how often each confidence band was right."""
    ratios: list[list[float]] = [[], [], []]
    for o in outcomes:
        if o.recovered and o.fit is not None and o.errors is not None:
            for i, (e, s) in enumerate(zip(o.errors, o.fit.errors)):
                ratios[i].append(e / s if s > 0 else 0.0)
    lines = ["| component | recovered pairs | measured / predicted error: median | 95th percentile | largest |",
             "|---|---|---|---|---|"]
    for name, r in zip(("rotation", "scale", "shift"), ratios):
        if r:
            r.sort()
            lines.append(f"| {name} | {len(r)} | {statistics.median(r):.2f} | {r[int(0.95 * (len(r) - 1))]:.2f} | "
                         f"{r[-1]:.2f} |")
    lines += ["", "| confidence | pairs (same scene) | recovered | other scene |", "|---|---|---|---|"]
    for lo, hi in ((0, 0.01), (0.01, 0.3), (0.3, 0.6), (0.6, 0.9), (0.9, 0.99), (0.99, 1.01)):
        band = [o for o in outcomes if o.fit is not None and lo <= o.fit.alignment.confidence < hi]
        same = [o for o in band if o.pair.truth is not None]
        other = len(band) - len(same)
        lines.append(f"| {lo:.2f}-{min(hi, 1):.2f} | {len(same)} | {sum(o.recovered for o in same)} | {other} |")
    none = [o for o in outcomes if o.fit is None]
    lines.append(f"| no fit (too few matches) | {sum(o.pair.truth is not None for o in none)} | 0 | "
                 f"{sum(o.pair.truth is None for o in none)} |")
    return "\n".join(lines)


def failures(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        if (o.pair.truth is not None and not o.recovered) or (o.published and not o.recovered):
            e = o.errors
            f = o.fit
            what = "no fit" if f is None else (f"errors {e[0]:.2f}° {100 * e[1]:.2f} % {e[2]:.2f} %, confidence "
                                               f"{f.alignment.confidence:.2f}, {f.inliers}/{f.matches} matches agree"
                                               if e else f"confidence {f.alignment.confidence:.2f}")
            lines.append(f"- {o.pair.case}, {o.pair.scene}: {what}")
    return "\n".join(lines) or "none"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=8, help="framings per scene (default 8)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calibrate", action="store_true", help="also compare measured and predicted errors")
    ap.add_argument("--results", type=Path, default=None, help="write the report (Markdown) here too")
    args = ap.parse_args(argv)
    try:
        pairs = make_pairs(args.pairs, args.seed)
    except ImportError as exc:
        print(f"needs scikit-image for its sample photos ({exc}): pip install '.[bench]'", file=sys.stderr)
        return 0
    outcomes = run(pairs)
    text = f"## Alignment on photos with known transforms\n\n{table(outcomes)}\n"
    if args.calibrate:
        text += f"\n### Calibration\n\n{calibration(outcomes)}\n\n### Not recovered, or published wrong\n\n{failures(outcomes)}\n"
    text += ("\nScenes: " + "; ".join(f"{k}: {v}" for k, v in SCENES.items())
             + f"; the example journal's synthetic heads. Command: `python benchmarks/align.py --pairs {args.pairs} "
             f"--seed {args.seed}{' --calibrate' if args.calibrate else ''}`\n")
    print(text)
    if args.results:
        args.results.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
