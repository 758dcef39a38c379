#!/usr/bin/env python3
"""Benchmark of scalpsite's photo stage against the hardware floor (issues 4 and 5).

Generates synthetic journals of phone-size photos (4032x3024 JPEG q90, 2.6-3.4 MB, EXIF
orientation 6 on three angles, GPS and a 160x120 EXIF preview on all, as an iPhone writes
them; deterministic, cached in the work folder), then
measures, each command in a fresh subprocess (interpreter start-up counts), the median
of several runs of: cold build, no-op rebuild, rebuild after adding one session,
`scalpsite check` cold and warm, peak RSS of the whole process tree, and a "floor": a
minimal script that only decodes each photo at reduced scale and writes the same
renditions on all cores. Prints a Markdown table and writes it to benchmarks/results.md.

    python benchmarks/bench.py --sessions 26,130 --runs 3

This is a measurement, not a test: it exits 0 whatever the numbers are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
MARKER = ".scalpsite-bench"  # a work folder holds this file; nothing else is ever deleted
GEN_VERSION = 2  # bump when the generated content changes
W, H = 4032, 3024  # 12 MP phone photo, as stored (landscape sensor)
ANGLES = ["overhead", "front", "back", "left", "right"]
PORTRAIT = {"front", "left", "right"}  # stored rotated, EXIF orientation 6
QUALITY = 90
THUMB = (160, 120)  # the EXIF (IFD1) thumbnail an iPhone JPEG carries
FIRST = dt.date(2020, 1, 6)
TIMEOUT = 3600  # s per command

# targets (issue 5, issue 4; issue 30: the ratio at 26 sessions, the no-op and check warm at 0.5 s)
T_RATIO = 1.5
T_RATIO_GOAL = 1.3
T_NOOP = 0.5
T_ADD_PCT = 10.0
T_CHECK_COLD = 5.0
T_CHECK_WARM = 0.5
T_PREVIEW = 0.3  # s from saving a session.yaml to the preview's updated output, at the largest size
T_MASK = 0.1  # s of wall time a painted mask adds to a cold build
T_SSIM = 0.99  # renditions against Pillow's LANCZOS ones
SIGAL_SIZES = ((1280, 960), (360, 270))
T_RSS_MB = 400.0
T_PDF_MB = 10.0  # PDF of a two-year journal (26 sessions)
T_BEFORE = 1.15  # issue 16: the cold build within 15 % of the code before the photo evidence
T_NOOP_SAME = 0.15  # s: a no-op rebuild "unchanged" (the spread of one on this machine)

CONFIG = """\
# synthetic journal made by benchmarks/bench.py (seed {seed})
title: Benchmark journal (synthetic)
patient: {{name: Bench Patient (synthetic), birth_date: 1990-03-02}}
conditions: [alopecia_areata, atopic_dermatitis]
treatments:
  - drug: dupilumab
    start: 2020-01-13
    dose: 600 mg loading, then 300 mg every 2 weeks
    indication: atopic dermatitis (on-label); alopecia areata (off-label)
    schedule: dupilumab
  - drug: intralesional triamcinolone
    start: 2018-03-01
    end: 2019-02-01
    notes: partial regrowth, relapsed
photos: {{angles: [overhead, front, back, left, right]}}
density:
  unit: FU/cm²
  zones: [frontal, midscalp, crown, occipital, temporal_left, temporal_right]
"""
ZONES = ["frontal", "midscalp", "crown", "occipital", "temporal_left", "temporal_right"]


# --------------------------------------------------------------------------- generation

def session_plan(seed: int, count: int) -> list[dict]:
    """Dates (every 4 to 6 weeks from 2020-01-06) and measurements of `count` sessions."""
    import random

    rnd = random.Random(seed)
    day, plans = FIRST, []
    for i in range(count):
        progress = min(1.0, i / 40)  # regrowth over the first ~4 years, then plateau
        salt = {r: max(0, round(base * (1 - 0.8 * progress) + rnd.uniform(-4, 4)))
                for r, base in (("top", 70), ("back", 50), ("left", 45), ("right", 42))}
        density = {z: round(base * (1 + 0.6 * progress) + rnd.uniform(-3, 3))
                   for z, base in zip(ZONES, (69, 55, 36, 64, 51, 51))}
        itch = max(0, min(10, round(8 * (1 - 0.7 * progress) + rnd.uniform(-1.5, 1.5))))
        easi = round(max(0.0, 24 * (1 - 0.85 * progress) + rnd.uniform(-2, 2)), 1)
        poem = [max(0, min(4, round(3 * (1 - 0.7 * progress) + rnd.uniform(-1, 1)))) for _ in range(7)]
        plans.append({"index": i, "date": day, "salt": salt, "density": density, "itch": itch,
                      "easi": easi, "poem": poem, "dlqi": max(0, round(12 * (1 - 0.7 * progress) + rnd.uniform(-2, 2))),
                      "vellus": max(5, round(60 - 40 * progress + rnd.uniform(-3, 3))),
                      "conj": rnd.random() < 0.1, "note": rnd.random() < 0.3})
        day += dt.timedelta(weeks=rnd.choice([4, 5, 6]))
    return plans


def session_yaml(p: dict) -> str:
    side = ("\n- {name: conjunctivitis, severity: mild, notes: \"both eyes, eye drops\"}"
            if p["conj"] else " none")
    lines = [
        f"date: {p['date'].isoformat()}",
        "salt: {" + ", ".join(f"{k}: {v}" for k, v in p["salt"].items()) + "}",
        "density: {" + ", ".join(f"{k}: {v}" for k, v in p["density"].items()) + "}",
        f"hair_quality: {{vellus_pct: {p['vellus']}}}",
        f"ad: {{itch: {p['itch']}, easi: {p['easi']}, poem: {p['poem']}}}",
        f"dlqi: {p['dlqi']}",
        "injection_site: none",
        f"side_effects:{side}",
        "medications: [dupilumab 300 mg q2w, emollient twice daily]",
        "lighting: bathroom window daylight, 10:00",
    ]
    if p["note"]:
        lines.append(f"notes: \"Session {p['index'] + 1}: *some* regrowth at the crown; "
                     "photos taken at the usual place.\"")
    return "\n".join(lines) + "\n"


def folder_name(p: dict) -> str:
    return p["date"].isoformat()


def _make_base(args) -> str:
    """One base texture (an angle's 'scene'): blurred noise at three scales, saved as .npy."""
    import numpy as np
    from PIL import Image, ImageFilter

    seed, idx, path = args
    rng = np.random.default_rng([seed, idx])
    lo = Image.fromarray(rng.integers(0, 256, (H // 48, W // 48, 3), dtype=np.uint8)).resize(
        (W, H), Image.Resampling.BICUBIC)
    mid = Image.fromarray(rng.integers(0, 256, (H // 6, W // 6, 3), dtype=np.uint8)).resize(
        (W, H), Image.Resampling.BICUBIC)
    grain = Image.fromarray(rng.normal(128, 30, (H, W)).clip(0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(1.2))
    yy = np.linspace(-1, 1, H, dtype=np.float32)[:, None]
    xx = np.linspace(-1, 1, W, dtype=np.float32)[None, :]
    vignette = (40 - 45 * (xx * xx + yy * yy)).astype(np.int16)  # light falloff, brighter centre
    a = (np.asarray(lo, dtype=np.int16) * 6 // 10 + 40
         + (np.asarray(mid, dtype=np.int16) - 128) * 3 // 10
         + (np.asarray(grain, dtype=np.int16)[..., None] - 128)
         + vignette[..., None])
    np.save(path, a.clip(0, 255).astype(np.uint8))
    return path


def exif_with_thumbnail(exif, thumb: bytes) -> bytes:
    """EXIF bytes with an IFD1 JPEG thumbnail, as phone cameras write them (Pillow writes IFD0 only)."""
    import struct

    raw = exif.tobytes()
    tiff = bytearray(raw[6:])  # after b"Exif\0\0"
    end = "<" if tiff[:2] == b"II" else ">"
    ifd0 = struct.unpack(end + "I", tiff[4:8])[0]
    count = struct.unpack(end + "H", tiff[ifd0:ifd0 + 2])[0]
    next_ptr = ifd0 + 2 + 12 * count  # IFD0's "next IFD" offset, 0 as Pillow writes it
    if len(tiff) % 2:
        tiff += b"\0"
    ifd1 = len(tiff)
    struct.pack_into(end + "I", tiff, next_ptr, ifd1)
    tiff += struct.pack(end + "H", 3)
    tiff += struct.pack(end + "HHIHH", 0x0103, 3, 1, 6, 0)  # Compression: JPEG
    tiff += struct.pack(end + "HHII", 0x0201, 4, 1, ifd1 + 2 + 3 * 12 + 4)  # JPEGInterchangeFormat
    tiff += struct.pack(end + "HHII", 0x0202, 4, 1, len(thumb))  # JPEGInterchangeFormatLength
    tiff += struct.pack(end + "I", 0) + thumb
    return raw[:6] + bytes(tiff)


def _make_photo(args) -> int:
    """A distinct photo from a base texture: shifted, mirrored, tinted, with its own patches."""
    import numpy as np
    from PIL import Image, ImageDraw

    seed, base_path, session, angle, when, dest = args
    rng = np.random.default_rng([seed, session, ANGLES.index(angle), 7])
    base = np.load(base_path, mmap_mode="r")
    a = np.roll(base, (int(rng.integers(0, 200)), int(rng.integers(0, 300))), axis=(0, 1))
    im = Image.fromarray(a)
    if rng.random() < 0.5:
        im = im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    gains = rng.uniform(0.97, 1.03, 3)
    im = im.point([min(255, int(v * g)) for g in gains for v in range(256)])
    draw = ImageDraw.Draw(im)
    for _ in range(int(rng.integers(4, 9))):  # darker "hair" patches, unique per photo
        x, y = int(rng.integers(0, W)), int(rng.integers(0, H))
        rx, ry = int(rng.integers(80, 500)), int(rng.integers(80, 500))
        shade = tuple(int(c) for c in rng.integers(30, 90, 3))
        draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=shade)
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 13"
    exif[0x0112] = 6 if angle in PORTRAIT else 1
    exif[0x0132] = when
    exif.get_ifd(0x8769)[0x9003] = when  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)  # GPS IFD: a home address, the privacy risk the build must strip
    gps[1], gps[2] = "N", (52.0, 22.0, float(rng.integers(0, 5999)) / 100)
    gps[3], gps[4] = "E", (4.0, 53.0, float(rng.integers(0, 5999)) / 100)
    small = im.reduce(24).resize(THUMB, Image.Resampling.BILINEAR)  # stored orientation, as cameras do
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=75)
    tmp = dest + ".part"
    im.save(tmp, "JPEG", quality=QUALITY, exif=exif_with_thumbnail(exif, buf.getvalue()))
    os.replace(tmp, dest)
    return os.path.getsize(dest)


def generate_pool(work: Path, seed: int, count: int, log) -> Path:
    """Session folders 0..count-1 with photos, made once and reused (manifest.json)."""
    pool = work / "pool"
    manifest_path = pool / "manifest.json"
    spec = {"version": GEN_VERSION, "seed": seed, "size": [W, H], "quality": QUALITY}
    try:
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("spec") != spec:
            raise ValueError
    except (OSError, ValueError):
        shutil.rmtree(pool, ignore_errors=True)
        manifest = {"spec": spec, "done": []}
    plans = session_plan(seed, count)
    for p in plans:  # cheap: always rewritten, so the YAML follows this script
        d = pool / "sessions" / folder_name(p)
        if folder_name(p) in manifest["done"]:
            (d / "session.yaml").write_text(session_yaml(p))
    todo = [p for p in plans if folder_name(p) not in manifest["done"]]
    if not todo:
        return pool
    log(f"generating {len(todo)} session(s) of {len(ANGLES)} photos {W}x{H} q{QUALITY} in {pool} ...")
    started = time.monotonic()
    bases = pool / "bases"
    bases.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as ex:
        missing = [(seed, i, str(bases / f"{a}.npy")) for i, a in enumerate(ANGLES)
                   if not (bases / f"{a}.npy").is_file()]
        list(ex.map(_make_base, missing))
        jobs = []
        for p in todo:
            d = pool / "sessions" / folder_name(p)
            d.mkdir(parents=True, exist_ok=True)
            (d / "session.yaml").write_text(session_yaml(p))
            when = f"{p['date']:%Y:%m:%d} 10:{p['index'] % 60:02d}:00"
            jobs += [(seed, str(bases / f"{a}.npy"), p["index"], a, when, str(d / f"{a}.jpg")) for a in ANGLES]
        sizes = list(ex.map(_make_photo, jobs, chunksize=4))
    manifest["done"] = sorted(set(manifest["done"]) | {folder_name(p) for p in todo})
    manifest_path.write_text(json.dumps(manifest, indent=1))
    log(f"  {len(sizes)} photos, {min(sizes) / 1e6:.1f}-{max(sizes) / 1e6:.1f} MB "
        f"(mean {statistics.mean(sizes) / 1e6:.2f} MB), {time.monotonic() - started:.0f} s")
    return pool


MASK_EVERY = 5  # sessions with painted masks (issue 16): every 5th, the four SALT views
MASK_ANGLES = ["overhead", "back", "left", "right"]


def _make_mask(args) -> str:
    """A painted SALT mask of the photo's upright size: scalp green, a few bald patches red, saved
    as the painter saves it (`painter.store.exact_png`: an indexed PNG of the format's colours)."""
    import numpy as np
    from PIL import Image, ImageDraw

    from scalpsite.painter.store import classes_of, exact_png

    seed, session, angle, dest = args
    rng = np.random.default_rng([seed, session, ANGLES.index(angle), 11])
    size = (H, W) if angle in PORTRAIT else (W, H)  # stored turned: the mask shows it upright
    im = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    w, h = size
    draw.ellipse((w * 0.15, h * 0.1, w * 0.85, h * 0.9), fill=(0, 200, 0, 255))
    for _ in range(int(rng.integers(2, 5))):
        x, y, r = w * rng.uniform(0.3, 0.7), h * rng.uniform(0.3, 0.7), w * rng.uniform(0.04, 0.12)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 0, 0, 255))
    tmp = dest + ".part"
    Path(tmp).write_bytes(exact_png(classes_of(im)))
    os.replace(tmp, dest)
    return dest


def make_masks(pool: Path, seed: int, count: int, log) -> Path:
    """Masks for every MASK_EVERY-th pool session, made once (their own manifest)."""
    folder = pool / "painted-masks"  # as the painter saves them (indexed PNG since round three)
    plans = [p for p in session_plan(seed, count) if p["index"] % MASK_EVERY == 0]
    todo = [(seed, p["index"], a, str(folder / folder_name(p) / f"{a}.mask.png"))
            for p in plans for a in MASK_ANGLES if not (folder / folder_name(p) / f"{a}.mask.png").is_file()]
    if todo:
        log(f"painting {len(todo)} synthetic masks in {folder} ...")
        for p in plans:
            (folder / folder_name(p)).mkdir(parents=True, exist_ok=True)
        with ProcessPoolExecutor(max_workers=os.cpu_count()) as ex:
            list(ex.map(_make_mask, todo))
    return folder


def journal_with_masks(work: Path, journal: Path, masks: Path) -> tuple[Path, int]:
    """journal-N-masks: journal-N's sessions (hard links) plus the masks of its sessions."""
    dest = work / f"{journal.name}-masks"
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "sessions").mkdir(parents=True)
    shutil.copy(journal / "scalpsite.yaml", dest / "scalpsite.yaml")
    count = 0
    for session in sorted((journal / "sessions").iterdir()):
        _link_tree(session, dest / "sessions" / session.name)
        for mask in sorted((masks / session.name).glob("*.mask.png")) if (masks / session.name).is_dir() else ():
            os.link(mask, dest / "sessions" / session.name / mask.name)
            count += 1
    return dest, count


def export_before(work: Path, ref: str, log) -> Path | None:
    """The code of `ref` (src and themes), exported once into the work folder."""
    repo = HERE.parent
    try:
        sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", ref], capture_output=True, text=True,
                             check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        log(f"cannot resolve {ref!r} with git: no before/after comparison")
        return None
    dest = work / f"before-{sha}"
    if not (dest / "src" / "scalpsite").is_dir():
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(repo), "archive", sha, "src", "themes"], capture_output=True,
                                 check=True, timeout=60).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True, timeout=60)
        log(f"code before: {ref} ({sha}) exported to {dest}")
    return dest


def default_before() -> str:
    """Where this branch left main: the code the change is measured against."""
    try:
        return subprocess.run(["git", "-C", str(HERE.parent), "merge-base", "HEAD", "main"], capture_output=True,
                              text=True, check=True, timeout=10).stdout.strip()[:12] or "HEAD"
    except (OSError, subprocess.SubprocessError):
        return "HEAD"


def make_journal(work: Path, pool: Path, seed: int, n: int) -> tuple[Path, Path, str]:
    """journal-N: config and the first N pool sessions (hard links); the N+1th kept aside."""
    plans = session_plan(seed, n + 1)
    journal = work / f"journal-{n}"
    shutil.rmtree(journal, ignore_errors=True)
    (journal / "sessions").mkdir(parents=True)
    (journal / "scalpsite.yaml").write_text(CONFIG.format(seed=seed))
    for p in plans[:n]:
        _link_tree(pool / "sessions" / folder_name(p), journal / "sessions" / folder_name(p))
    extra = work / f"extra-{n}"
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    _link_tree(pool / "sessions" / folder_name(plans[n]), extra / folder_name(plans[n]))
    as_of = (plans[n - 1]["date"] + dt.timedelta(days=7)).isoformat()  # for check: nothing overdue
    return journal, extra / folder_name(plans[n]), as_of


def _link_tree(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True)
    for f in src.iterdir():
        try:
            os.link(f, dst / f.name)
        except OSError:
            shutil.copy2(f, dst / f.name)


def warm_page_cache(journal: Path) -> None:
    for f in sorted(journal.rglob("*.jpg")):
        with open(f, "rb") as fh:
            while fh.read(1 << 22):
                pass


# --------------------------------------------------------------------------- the floor

def _floor_one(args) -> None:
    """Decode at reduced scale (draft to the target size in the image's aspect), thumbnail,
    exif_transpose, then write the three renditions. Same resampling and JPEG options as
    scalpsite, nothing else (no EXIF facts, light statistics, colour management, hashing,
    cache index, site)."""
    from PIL import Image, ImageOps

    from scalpsite.photos.images import RENDITIONS

    src, prefix = args
    big = max(size for size, _ in RENDITIONS.values())
    with Image.open(src) as im:
        w, h = im.size
        scale = min(1.0, big / max(w, h))
        im.draft("RGB", (max(1, round(w * scale)), max(1, round(h * scale))))
        im.thumbnail((big, big), Image.Resampling.LANCZOS, reducing_gap=3.0)
        upright = ImageOps.exif_transpose(im)
    upright.info = {}
    for name, (size, quality) in RENDITIONS.items():
        r = upright.copy()
        r.thumbnail((size, size), Image.Resampling.LANCZOS)
        r.save(f"{prefix}-{name}.jpg", "JPEG", quality=quality, optimize=True)


def _check_floor_one(src: str) -> tuple[int, int]:
    """What `check` cannot avoid when it decodes: open, the smallest DCT-scaled decode
    (draft to 128 px), thumbnail, exif_transpose. No hashing, statistics or writes."""
    from PIL import Image, ImageOps

    with Image.open(src) as im:
        w, h = im.size
        scale = min(1.0, 128 / max(w, h))
        im.draft("RGB", (max(1, round(w * scale)), max(1, round(h * scale))))
        im.thumbnail((128, 128), Image.Resampling.LANCZOS, reducing_gap=3.0)
        return ImageOps.exif_transpose(im).size


def _check_thumb_one(src: str) -> tuple[int, int]:
    """Header only: decode the EXIF thumbnail (IFD1) when the photo has one, else as above."""
    import io

    from PIL import ExifTags, Image, ImageOps

    with Image.open(src) as im:
        ifd1 = im.getexif().get_ifd(ExifTags.IFD.IFD1)
        raw = im.info.get("exif", b"")
        if 0x0201 in ifd1 and 0x0202 in ifd1:
            start = 6 + ifd1[0x0201]
            with Image.open(io.BytesIO(raw[start:start + ifd1[0x0202]])) as thumb:
                thumb.load()
                thumb.getexif()[0x0112] = im.getexif().get(0x0112, 1)
                return ImageOps.exif_transpose(thumb).size
    return _check_floor_one(src)


def floor_main(journal: str, out: str) -> None:
    photos = sorted(Path(journal).glob("sessions/*/*.jpg"))
    if out in ("-", "thumb"):  # the check floors: small decodes, or EXIF thumbnails only
        with ProcessPoolExecutor(max_workers=os.cpu_count()) as ex:
            list(ex.map(_check_floor_one if out == "-" else _check_thumb_one, map(str, photos), chunksize=4))
        print(f"check floor ({out}): {len(photos)} photos")
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    jobs = [(str(p), str(Path(out) / f"{i:05d}")) for i, p in enumerate(photos)]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as ex:
        list(ex.map(_floor_one, jobs, chunksize=2))
    print(f"floor: {len(jobs)} photos")


# --------------------------------------------------------------------------- comparisons

SIGAL_CONF = """\
# made by scalpsite's benchmarks/bench.py: the same photos, renditions at the sizes scalpsite makes
source = {source!r}
destination = {destination!r}
img_size = {img}
thumb_size = {thumb}
make_thumbs = True
keep_orig = False
use_orig = False
autorotate_images = True
copy_exif_data = False
zip_gallery = False
jpg_options = {{"quality": 82, "optimize": True, "progressive": False}}
"""


def sigal_cmd(journal: Path, work: Path) -> list[str] | None:
    """`sigal build` of the journal's session folders into a fresh folder (None without Sigal)."""
    exe = Path(sys.executable).parent / "sigal"
    if not exe.exists():
        return None
    conf = work / "sigal.conf.py"
    conf.write_text(SIGAL_CONF.format(source=str(journal / "sessions"), destination=str(work / "sigal-out"),
                                      img=SIGAL_SIZES[0], thumb=SIGAL_SIZES[1]))
    return [str(exe), "build", "-q", "-c", str(conf), "-n", str(os.cpu_count())]


def rendition_ssim(journal: Path, sample: int = 12) -> dict[str, float] | None:
    """The lowest SSIM (grey levels) of scalpsite's cached renditions of `sample` photos against
    renditions made as before (Pillow's LANCZOS from the reduced decode, the floor's way, saved
    as JPEG at the same quality)."""
    try:
        from skimage.metrics import structural_similarity
    except ImportError:
        return None
    import numpy as np
    from PIL import Image, ImageOps

    from scalpsite.photos import images

    cache = journal / ".scalpsite-cache" / "renditions"
    sources = json.loads((cache / "index.json").read_text())["sources"]
    photos = sorted(journal.glob("sessions/*/*.jpg"))
    worst: dict[str, float] = {}
    for src in photos[:: max(1, len(photos) // sample)][:sample]:
        key = images.card_key(sources[str(src)]["key"], None)
        with Image.open(src) as im:
            w, h = im.size
            big = max(size for size, _ in images.RENDITIONS.values())
            scale = min(1.0, big / max(w, h))
            im.draft("RGB", (round(w * scale), round(h * scale)))
            im.thumbnail((big, big), Image.Resampling.LANCZOS, reducing_gap=3.0)
            upright = ImageOps.exif_transpose(im)
        for name, (size, quality) in images.RENDITIONS.items():
            ref = upright.copy()
            ref.thumbnail((size, size), Image.Resampling.LANCZOS)
            buf = io.BytesIO()  # today's renditions are JPEGs of that quality: compared as such
            ref.save(buf, "JPEG", quality=quality, optimize=True)
            ref = Image.open(io.BytesIO(buf.getvalue()))
            with Image.open(images.rendition_path(cache, key, name)) as got:
                a, b = np.asarray(ref.convert("L")), np.asarray(got.convert("L"))
            worst[name] = min(worst.get(name, 1.0), float(structural_similarity(a, b, data_range=255)))
    return worst


def preview_latency(journal: Path, edits: int, log) -> tuple[list[float], list[float]]:
    """Seconds from saving a session.yaml to the running preview serving the changed data.json
    (`scalpsite serve --no-reload`), once per edit, and the CPU seconds the preview and its chart
    worker used meanwhile (with psutil); the file is restored afterwards.

    The build number is asked as an open page asks it (/__scalpsite/version?since=N: the server
    answers when a build ends; a server without that answers at once, and is asked again every
    5 ms); when it changes, data.json is fetched, and the time is taken when it shows the change.
    data.json itself is not asked again and again: at 130 sessions it is 0.9 MB, and serving it
    100 times a second took CPU from the build being measured."""
    import urllib.request

    target = sorted((journal / "sessions").glob("*/session.yaml"))[-1]
    original = target.read_text()
    proc = subprocess.Popen(scalpsite_cmd() + ["serve", str(journal), "--no-reload", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    times: list[float] = []
    cpus: list[float] = []
    try:
        url = next((line.split(" at ", 1)[1].split()[0] for line in proc.stdout if line.startswith("Serving ")), None)
        if url is None:
            log("  the preview did not start")
            return [], []
        fetch = lambda: urllib.request.urlopen(url + "data.json", timeout=30).read()  # noqa: E731
        version = lambda since="": urllib.request.urlopen(  # noqa: E731
            url + "__scalpsite/version" + (f"?since={since}" if since else ""), timeout=60).read().decode()
        server = psutil.Process(proc.pid) if psutil else None
        cpu = lambda: preview_cpu(server) if server else 0.0  # noqa: E731
        for i in range(edits):
            before, seen = fetch(), version()
            time.sleep(1.0)  # the watcher settles
            started, used = time.perf_counter(), cpu()
            changed = re.sub(r"itch: (\d+)", lambda m: f"itch: {(int(m[1]) + 1) % 11}", original, count=1)
            target.write_text(changed if i % 2 == 0 else original)  # each save changes the data
            while time.perf_counter() - started < 60:
                if (now := version(seen)) != seen:
                    seen = now
                    if fetch() != before:
                        break
                else:
                    time.sleep(0.005)
            times.append(time.perf_counter() - started)
            if server:
                cpus.append(cpu() - used)
            log(f"  preview: saved to updated data.json {times[-1]:.2f} s"
                + (f" ({cpus[-1]:.2f} s CPU)" if server else ""))
    finally:
        target.write_text(original)
        os.killpg(proc.pid, 2)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
    return times, cpus


def preview_cpu(server) -> float:
    """CPU seconds of the preview process and of its children (its chart worker): those running,
    and those it has waited for."""
    t = server.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in server.children(recursive=True):
        try:
            c = child.cpu_times()
        except psutil.Error:  # ended meanwhile
            continue
        total += c.user + c.system
    return total


def preview_main(work: Path, seed: int, sizes: list[int], saves: int, log) -> int:
    """`--preview-only`: the preview's latency alone at each size, the journal built once (untimed) first."""
    pool = generate_pool(work, seed, max(sizes) + 1, log)
    for n in sizes:
        journal, extra, _ = make_journal(work, pool, seed, n)
        warm_page_cache(journal)
        subprocess.run(scalpsite_cmd() + ["build", str(journal), "--no-pdf"], capture_output=True, timeout=TIMEOUT)
        load = os.getloadavg()
        times, cpus = preview_latency(journal, saves, log)
        after = os.getloadavg()
        if times:
            cpu = f", CPU {statistics.median(cpus):.2f} s ({min(cpus):.2f}-{max(cpus):.2f})" if cpus else ""
            log(f"{n} sessions, preview: median of {len(times)} saves {statistics.median(times):.3f} s "
                f"({min(times):.3f}-{max(times):.3f}){cpu}; load average {load[0]:.1f} before, "
                f"{after[0]:.1f} after; code {code_state()}")
    return 0


# --------------------------------------------------------------------------- measuring

try:
    import psutil
except ImportError:  # pragma: no cover - optional
    psutil = None


def run_measured(cmd: list[str], log_dir: Path, label: str, env: dict | None = None) -> dict:
    """Run a command in a fresh process; wall time, exit code, peak memory of its process tree.

    With psutil: the tree's RSS (parent plus all descendants, summed) sampled every ~10 ms,
    and its PSS (shared pages split between processes) sampled every ~200 ms. Always: the
    largest single process's max RSS from wait4() (what getrusage(RUSAGE_CHILDREN) gives), and
    the CPU time (user + system) of the process and the workers it waited for.
    """
    out = open(log_dir / f"{label}.out", "w")
    err = open(log_dir / f"{label}.err", "w")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True, env=env)
    peak_rss = peak_pss = 0
    tracked: dict = {}
    root = None
    if psutil is not None:
        try:
            root = psutil.Process(proc.pid)
            tracked[proc.pid] = root
        except psutil.Error:
            root = None
    last_scan = last_pss = 0.0
    status = ru = None
    try:
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now - started > TIMEOUT:
                os.killpg(proc.pid, 9)
                continue
            if root is not None:
                if now - last_scan > 0.1:
                    last_scan = now
                    try:
                        for c in root.children(recursive=True):
                            tracked.setdefault(c.pid, c)
                    except psutil.Error:
                        pass
                rss = pss = 0
                want_pss = now - last_pss > 0.2
                for p_ in list(tracked.values()):
                    try:
                        rss += p_.memory_info().rss
                        if want_pss:
                            pss += p_.memory_full_info().pss
                    except psutil.Error:
                        pass
                peak_rss = max(peak_rss, rss)
                if want_pss:
                    last_pss = now
                    peak_pss = max(peak_pss, pss)
            time.sleep(0.01)
    finally:
        out.close()
        err.close()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"label": label, "cmd": cmd, "seconds": wall, "rc": proc.returncode,
            "cpu": ru.ru_utime + ru.ru_stime,  # the process and its waited-for workers
            "tree_rss_mb": peak_rss / 2**20 if psutil else None,
            "tree_pss_mb": peak_pss / 2**20 if psutil else None,
            "max_single_rss_mb": ru.ru_maxrss / 1024,  # KB on Linux
            "stdout": (log_dir / f"{label}.out").read_text()[-2000:],
            "stderr": (log_dir / f"{label}.err").read_text()[-2000:]}


def scalpsite_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "scalpsite"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "scalpsite"]


BUILT = re.compile(r"Built (\d+) sessions?, (\d+) photos? processed, (\d+) from cache")


def processed(r: dict) -> str:
    m = BUILT.search(r["stdout"])
    return f"{m.group(2)} processed, {m.group(3)} cached" if m else "?"


def bench_size(work: Path, pool: Path, seed: int, n: int, runs: int, log, before: Path | None = None,
               masks: Path | None = None) -> dict:
    journal, extra, as_of = make_journal(work, pool, seed, n)
    cache, site = journal / ".scalpsite-cache", journal / "_site"
    floor_out = work / f"floor-out-{n}"
    logs = work / "logs" / f"s{n}"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    cli = scalpsite_cmd()
    build = cli + ["build", str(journal), "--no-pdf"]
    check = cli + ["check", str(journal), "--format", "json", "--as-of", as_of]
    floor = [sys.executable, str(Path(__file__).resolve()), "--floor", str(journal), str(floor_out)]
    warm_page_cache(journal)
    warm_page_cache(extra)
    res: dict = {k: [] for k in ("floor", "cold", "noop", "add", "check_floor", "check_thumb", "check_cold", "check_warm",
                                 "pdf_cold", "pdf_noop", "cold_before", "noop_before", "cold_masks", "noop_masks",
                                 "sigal")}
    sigal = sigal_cmd(journal, work)
    old = [sys.executable, "-m", "scalpsite", "build", str(journal), "--no-pdf"]
    old_env = {**os.environ, "PYTHONPATH": str(before / "src")} if before else None
    masked, res["masks"] = journal_with_masks(work, journal, masks) if masks else (None, 0)

    def step(key, cmd, label, env=None):
        r = run_measured(cmd, logs, label, env)
        res[key].append(r)
        ok = "" if r["rc"] == 0 else f"  EXIT {r['rc']}: {r['stderr'].strip()[-300:]}"
        extra_info = f" [{processed(r)}]" if "build" in cmd and "sigal" not in cmd[0] else ""
        rss = f"{r['tree_rss_mb']:.0f} MB tree RSS" if r["tree_rss_mb"] is not None else \
            f"{r['max_single_rss_mb']:.0f} MB max single RSS"
        log(f"  {n:>4} sessions  {label:<16} {r['seconds']:7.2f} s  {r['cpu']:7.2f} s CPU  {rss}{extra_info}{ok}")
        return r

    def run_floor(i):
        shutil.rmtree(floor_out, ignore_errors=True)
        step("floor", floor, f"floor-{i}")
        shutil.rmtree(floor_out, ignore_errors=True)
        if sigal is not None:  # Sigal on the same photos, in the same turn (issue 30: a comparison)
            shutil.rmtree(work / "sigal-out", ignore_errors=True)
            step("sigal", sigal, f"sigal-{i}")
            shutil.rmtree(work / "sigal-out", ignore_errors=True)

    def run_before(i):  # the same builds with the code before this change (issue 16: within 15 %)
        if before is None:
            return
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        step("cold_before", old, f"cold-before-{i}", old_env)
        step("noop_before", old, f"noop-before-{i}", old_env)
        # the cache now holds the other code's work: build again (not timed), so that the steps
        # after this one (adding a session) start from this code's cache, as a user's would
        subprocess.run(build, capture_output=True, timeout=TIMEOUT)

    for i in range(runs):
        if i % 2 == 0:  # floor, code before and cold build alternate in order, so a drift in load hits all
            run_floor(i)
            run_before(i)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        step("cold", build, f"cold-{i}")
        if i == 0:
            res["ssim"] = rendition_ssim(journal)
        if i % 2 == 1:
            run_floor(i)
        step("noop", build, f"noop-{i}")
        if i % 2 == 1:
            run_before(i)
        if masked is not None:  # the same journal with painted masks: their cost, once per mask
            shutil.rmtree(masked / ".scalpsite-cache", ignore_errors=True)
            shutil.rmtree(masked / "_site", ignore_errors=True)
            step("cold_masks", cli + ["build", str(masked), "--no-pdf"], f"cold-masks-{i}")
            step("noop_masks", cli + ["build", str(masked), "--no-pdf"], f"noop-masks-{i}")
        added = journal / "sessions" / extra.name
        shutil.copytree(extra, added)  # real copies: new files, as a user adding a session
        try:
            step("add", build, f"add-{i}")
        finally:
            shutil.rmtree(added, ignore_errors=True)
        step("check_floor", floor[:-1] + ["-"], f"check-floor-{i}")
        step("check_thumb", floor[:-1] + ["thumb"], f"check-thumb-{i}")
        shutil.rmtree(cache, ignore_errors=True)
        step("check_cold", check, f"check-cold-{i}")
        step("check_warm", check, f"check-warm-{i}")
    times, cpus = preview_latency(journal, 2 * runs + 1, log)  # built: the preview starts warm
    res["preview"] = {"times": times, "cpu": cpus}
    # once with the PDF
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    step("pdf_cold", cli + ["build", str(journal)], "pdf-cold")
    step("pdf_noop", cli + ["build", str(journal)], "pdf-noop")
    return res


# --------------------------------------------------------------------------- reporting

def med(rs: list[dict], field: str = "seconds") -> float | None:
    vals = [r[field] for r in rs if r.get(field) is not None and r["rc"] == 0]
    return statistics.median(vals) if vals else None


def fmt_s(rs: list[dict], field: str = "seconds") -> str:
    ok = [r[field] for r in rs if r["rc"] == 0]
    if not ok:
        return "failed" if rs else "–"
    m = statistics.median(ok)
    spread = f" ({min(ok):.2f}–{max(ok):.2f})" if len(ok) > 1 else ""
    failed = f", {len(rs) - len(ok)} failed" if len(ok) < len(rs) else ""
    return f"{m:.2f} s{spread}{failed}"


def peak_mem(rs: list[dict]) -> tuple[float | None, str]:
    """Largest tree RSS (psutil) or, without psutil, largest single-process max RSS."""
    if psutil is not None:
        vals = [r["tree_rss_mb"] for r in rs if r["tree_rss_mb"]]
        return (max(vals) if vals else None), "tree RSS"
    vals = [r["max_single_rss_mb"] for r in rs]
    return (max(vals) if vals else None), "largest single process"


def verdict(values: list[bool | None]) -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return "–"
    return "yes" if all(vals) else "**no**"


def make_table(results: dict[int, dict], sizes: list[int]) -> tuple[str, dict]:
    big = max(sizes)
    rows = []
    cols = lambda f: [f(results[n]) for n in sizes]  # noqa: E731
    head = "| metric | " + " | ".join(f"{n} sessions" for n in sizes) + " | target | met? |"
    rows.append(head)
    rows.append("|" + "---|" * (len(sizes) + 3))

    def row(name, cells, target, met):
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {target} | {met} |")

    ratio = {n: (med(results[n]["cold"]) / med(results[n]["floor"])
                 if med(results[n]["cold"]) and med(results[n]["floor"]) else None) for n in sizes}
    add_pct = {n: (100 * med(results[n]["add"]) / med(results[n]["cold"])
                   if med(results[n]["add"]) and med(results[n]["cold"]) else None) for n in sizes}
    mine = lambda k: (all(w not in k for w in ("floor", "thumb", "pdf", "before", "masks", "sigal")))  # noqa: E731
    mem = {n: peak_mem([r for k, rs in results[n].items() if mine(k) and isinstance(rs, list) for r in rs])
           for n in sizes}
    pdf_mem = {n: peak_mem(results[n].get("pdf_cold", []) + results[n].get("pdf_noop", [])) for n in sizes}
    floor_mem = {n: peak_mem(results[n]["floor"]) for n in sizes}
    row("floor: reduced-scale decode + 3 renditions, all cores", cols(lambda r: fmt_s(r["floor"])),
        "reference", "")
    row("cold build `--no-pdf`", cols(lambda r: fmt_s(r["cold"])), "", "")
    small = min(sizes)
    row("cold build / floor (wall time)", [f"{ratio[n]:.2f}x" if ratio[n] else "–" for n in sizes],
        f"≤ {T_RATIO}x at {small} (goal {T_RATIO_GOAL}x)",
        verdict([ratio[small] <= T_RATIO if ratio[small] else None]))
    if any(results[n].get("sigal") for n in sizes):
        row("Sigal 2.6 at 1280/360 px, same photos, all cores", cols(lambda r: fmt_s(r.get("sigal", []))),
            "comparison", "")
        row("… Sigal / floor (wall time)", [f"{_ratio(results, n, 'sigal', 'floor'):.2f}x"
                                           if _ratio(results, n, "sigal", "floor") else "–" for n in sizes],
            "comparison", "")
        row("… scalpsite cold build / Sigal (wall time)", [f"{_ratio(results, n, 'cold', 'sigal'):.2f}x"
                                                          if _ratio(results, n, "cold", "sigal") else "–"
                                                          for n in sizes], "comparison", "")
    if any(results[n].get("ssim") for n in sizes):
        ssim = {n: results[n].get("ssim") or {} for n in sizes}
        row("renditions: lowest SSIM against Pillow LANCZOS (web, print, thumb; 12 photos)",
            [", ".join(f"{v:.4f}" for v in ssim[n].values()) or "–" for n in sizes], f"≥ {T_SSIM}",
            verdict([min(ssim[n].values()) >= T_SSIM if ssim[n] else None for n in sizes]))
    row("floor, CPU time (all processes)", cols(lambda r: fmt_s(r["floor"], "cpu")), "reference", "")
    row("cold build, CPU time (all processes)", cols(lambda r: fmt_s(r["cold"], "cpu")), "", "")
    cpu_ratio = {n: (med(results[n]["cold"], "cpu") / med(results[n]["floor"], "cpu")
                     if med(results[n]["cold"], "cpu") and med(results[n]["floor"], "cpu") else None) for n in sizes}
    row("cold build / floor (CPU time; less sensitive to other load)",
        [f"{cpu_ratio[n]:.2f}x" if cpu_ratio[n] else "–" for n in sizes], f"≤ {T_RATIO}x at {big}",
        verdict([cpu_ratio[big] <= T_RATIO if cpu_ratio[big] else None]))
    noop = {n: med(results[n]["noop"]) for n in sizes}
    row("no-op rebuild `--no-pdf`", cols(lambda r: fmt_s(r["noop"])), f"≤ {T_NOOP} s at {big}",
        verdict([noop[big] <= T_NOOP if noop[big] else None]))
    row("rebuild after adding one session", cols(lambda r: fmt_s(r["add"])), "", "")
    row("… as % of cold build", [f"{add_pct[n]:.1f} %" if add_pct[n] else "–" for n in sizes],
        f"< {T_ADD_PCT:.0f} %", ", ".join(f"{n}: {verdict([add_pct[n] < T_ADD_PCT if add_pct[n] else None])}"
                                          for n in sizes))
    cc = {n: med(results[n]["check_cold"]) for n in sizes}
    cw = {n: med(results[n]["check_warm"]) for n in sizes}
    row("check floor: 1/8-scale decode of every photo, all cores", cols(lambda r: fmt_s(r["check_floor"])),
        "reference", "")
    row("check floor with EXIF thumbnails: decode only the 160x120 IFD1 thumbnail", cols(lambda r: fmt_s(r["check_thumb"])),
        "reference", "")
    row("`check` cold (no cache)", cols(lambda r: fmt_s(r["check_cold"])), f"< {T_CHECK_COLD:.0f} s at {big}",
        verdict([cc[big] < T_CHECK_COLD if cc[big] else None]))
    row("`check` warm", cols(lambda r: fmt_s(r["check_warm"])), f"< {T_CHECK_WARM} s at {big}",
        verdict([cw[big] < T_CHECK_WARM if cw[big] else None]))
    pv = {n: (results[n].get("preview") or {}).get("times") or [] for n in sizes}
    row("preview: save a session.yaml → updated data.json (`serve --no-reload`)",
        [f"{statistics.median(pv[n]):.2f} s ({min(pv[n]):.2f}–{max(pv[n]):.2f})" + _cpu_note(results[n]) if pv[n]
         else "–" for n in sizes],
        f"≤ {T_PREVIEW} s at {big}", verdict([statistics.median(pv[big]) <= T_PREVIEW if pv[big] else None]))
    kind = mem[sizes[0]][1]
    row(f"peak memory, `build --no-pdf` and `check` ({kind})",
        [f"{mem[n][0]:.0f} MB" if mem[n][0] else "–" for n in sizes],
        f"< {T_RSS_MB:.0f} MB, flat",
        verdict([mem[n][0] < T_RSS_MB if mem[n][0] else None for n in sizes]
                + ([mem[big][0] <= 1.15 * mem[sizes[0]][0] + 20] if len(sizes) > 1 and all(
                    mem[n][0] for n in sizes) else [])))
    if psutil is not None:
        pss = {n: max([r["tree_pss_mb"] or 0 for k, rs in results[n].items()
                       if "floor" not in k and "thumb" not in k and "pdf" not in k and "sigal" not in k and isinstance(rs, list) for r in rs] or [0])
               for n in sizes}
        row("… same, tree PSS (shared pages counted once)", [f"{pss[n]:.0f} MB" for n in sizes], "info", "")
        single = {n: max([r["max_single_rss_mb"] for k, rs in results[n].items()
                          if "floor" not in k and "thumb" not in k and "pdf" not in k and "sigal" not in k and isinstance(rs, list) for r in rs] or [0])
                  for n in sizes}
        row("… largest single process max RSS", [f"{single[n]:.0f} MB" for n in sizes], "info", "")
    row(f"floor peak memory ({kind})", [f"{floor_mem[n][0]:.0f} MB" if floor_mem[n][0] else "–" for n in sizes],
        "reference", "")
    row("cold build with PDF (1 run)", cols(lambda r: fmt_s(r.get("pdf_cold", []))), "info", "")
    row(f"peak memory, build with PDF ({kind})",
        [f"{pdf_mem[n][0]:.0f} MB" if pdf_mem[n][0] else "–" for n in sizes], f"< {T_RSS_MB:.0f} MB",
        verdict([pdf_mem[n][0] < T_RSS_MB if pdf_mem[n][0] else None for n in sizes]))
    row("no-op rebuild with PDF (1 run)", cols(lambda r: fmt_s(r.get("pdf_noop", []))), "info", "")
    row("PDF size", [pdf_size(results[n]) for n in sizes], f"< {T_PDF_MB:.0f} MB at 26 sessions",
        verdict([results[n].get("pdf_mb", 99) < T_PDF_MB for n in sizes if n <= 26] or [None]))
    if any(results[n].get("cold_before") for n in sizes):
        _before_rows(results, sizes, big, row, cols)
    if any(results[n].get("cold_masks") for n in sizes):
        _mask_rows(results, sizes, row, cols)
    summary = {"ratio": ratio, "cpu_ratio": cpu_ratio, "add_pct": add_pct, "noop": noop, "check_cold": cc, "check_warm": cw,
               "mem": {n: mem[n][0] for n in sizes}}
    return "\n".join(rows), summary


def _cpu_note(res: dict) -> str:
    cpu = (res.get("preview") or {}).get("cpu") or []
    return f"; {statistics.median(cpu):.2f} s CPU" if cpu else ""


def _ratio(results: dict, n: int, new: str, old: str, field: str = "seconds") -> float | None:
    """median(new) / median(old), both measured in the same run."""
    a, b = med(results[n].get(new, []), field), med(results[n].get(old, []), field)
    return a / b if a and b else None


def _before_rows(results: dict, sizes: list[int], big: int, row, cols) -> None:
    """Issue 16: the cold build within 15 % of the code before, the no-op rebuild unchanged."""
    wall = {n: _ratio(results, n, "cold", "cold_before") for n in sizes}
    cpu = {n: _ratio(results, n, "cold", "cold_before", "cpu") for n in sizes}
    row("cold build `--no-pdf`, code before this change", cols(lambda r: fmt_s(r["cold_before"])), "reference", "")
    row("cold build now / before (wall time)", [f"{wall[n]:.2f}x" if wall[n] else "–" for n in sizes],
        f"≤ {T_BEFORE}x at {big}", verdict([wall[big] <= T_BEFORE if wall[big] else None]))
    row("cold build now / before (CPU time)", [f"{cpu[n]:.2f}x" if cpu[n] else "–" for n in sizes],
        f"≤ {T_BEFORE}x at {big}", verdict([cpu[big] <= T_BEFORE if cpu[big] else None]))
    row("no-op rebuild `--no-pdf`, code before this change", cols(lambda r: fmt_s(r["noop_before"])), "reference", "")
    for field, name, target in (("seconds", "wall time", "info"), ("cpu", "CPU time; less sensitive to other load",
                                                                  f"not slower (by {T_NOOP_SAME} s at most)")):
        diff = {n: (med(results[n]["noop"], field) - med(results[n]["noop_before"], field)
                    if med(results[n]["noop"], field) and med(results[n]["noop_before"], field) else None)
                for n in sizes}
        met = "" if target == "info" else verdict([diff[n] <= T_NOOP_SAME if diff[n] is not None else None
                                                   for n in sizes])  # faster is never a miss
        row(f"no-op rebuild now − before ({name})", [f"{diff[n]:+.2f} s" if diff[n] is not None else "–"
                                                     for n in sizes], target, met)


def _mask_rows(results: dict, sizes: list[int], row, cols) -> None:
    """What painted masks cost: counted, drawn and aligned once, then cached."""
    row("cold build `--no-pdf` with painted masks", [f"{fmt_s(results[n]['cold_masks'])} "
                                                     f"({results[n]['masks']} masks)" for n in sizes], "info", "")
    per = {n: ((med(results[n]["cold_masks"]) - med(results[n]["cold"])) / results[n]["masks"]
               if results[n]["masks"] and med(results[n]["cold_masks"]) and med(results[n]["cold"]) else None)
           for n in sizes}
    row("… extra wall time per mask", [f"{per[n]:.3f} s" if per[n] is not None else "–" for n in sizes],
        f"≤ {T_MASK} s", verdict([per[n] <= T_MASK if per[n] is not None else None for n in sizes]))
    cpu = {n: ((med(results[n]["cold_masks"], "cpu") - med(results[n]["cold"], "cpu")) / results[n]["masks"]
               if results[n]["masks"] and med(results[n]["cold_masks"], "cpu") and med(results[n]["cold"], "cpu")
               else None) for n in sizes}
    row("… extra CPU time per mask (all processes; steadier on a shared machine)",
        [f"{cpu[n]:.3f} s" if cpu[n] is not None else "–" for n in sizes], f"≤ {T_MASK} s",
        verdict([cpu[n] <= T_MASK if cpu[n] is not None else None for n in sizes]))
    row("no-op rebuild `--no-pdf` with painted masks", cols(lambda r: fmt_s(r["noop_masks"])), f"< {T_NOOP} s",
        verdict([med(results[n]["noop_masks"]) < T_NOOP if med(results[n]["noop_masks"]) else None for n in sizes]))
    peak = {n: peak_mem(results[n]["cold_masks"] + results[n]["noop_masks"]) for n in sizes}
    row(f"peak memory, build with painted masks ({peak[sizes[0]][1]})",
        [f"{peak[n][0]:.0f} MB" if peak[n][0] else "–" for n in sizes], f"< {T_RSS_MB:.0f} MB",
        verdict([peak[n][0] < T_RSS_MB if peak[n][0] else None for n in sizes]))


def pdf_size(r: dict) -> str:
    return f"{r['pdf_mb']:.1f} MB" if r.get("pdf_mb") else "–"


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ""
    try:
        load = ", load average at start {:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}){mem}, {platform.system()} {platform.release()}{load}"


def code_state() -> str:
    """The commit measured, and whether the source differed from it (others edit concurrently)."""
    repo = HERE.parent
    try:
        head = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%h %ad", "--date=iso"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "src", "themes"],
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"commit {head}" + (f", with uncommitted changes in {', '.join(changed)}" if changed else "")


def versions() -> str:
    try:
        from importlib.metadata import version
        libs = ", ".join(f"{p} {version(p)}" for p in ("scalpsite", "pillow", "pillow_heif", "typst", "psutil")
                         if _has(p))
    except Exception:  # noqa: BLE001
        libs = "?"
    return f"Python {platform.python_version()}; {libs}"


def _has(p: str) -> bool:
    from importlib.metadata import PackageNotFoundError, version
    try:
        version(p)
        return True
    except PackageNotFoundError:
        return False


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", default="26,130", help="journal sizes, comma-separated (default 26,130)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/scalpsite-bench"),
                    help="where journals, caches and outputs go (default /tmp/scalpsite-bench)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (generated photos are reused)")
    ap.add_argument("--seed", type=int, default=20200106, help=argparse.SUPPRESS)
    ap.add_argument("--floor", nargs=2, metavar=("JOURNAL", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--results", type=Path, default=RESULTS, help="Markdown output (default benchmarks/results.md)")
    ap.add_argument("--before", default=None, metavar="REF",
                    help="git ref of the code to compare cold and no-op builds with (default: the merge-base "
                         "with main); 'none' to skip")
    ap.add_argument("--no-masks", action="store_true", help="skip the builds of the journals with painted masks")
    ap.add_argument("--preview-only", type=int, default=0, metavar="SAVES",
                    help="measure only the preview: SAVES saves of a session.yaml at each size (after one "
                         "untimed build), their median wall and CPU time; nothing is written to --results")
    args = ap.parse_args(argv)
    if args.floor:
        floor_main(*args.floor)
        return 0
    sizes = sorted({int(s) for s in args.sessions.split(",") if s.strip()})
    work = args.workdir
    if work.exists() and any(work.iterdir()) and not (work / MARKER).exists():
        print(f"{work} is not empty and was not made by this script; choose another --workdir", file=sys.stderr)
        return 0
    work.mkdir(parents=True, exist_ok=True)
    (work / MARKER).write_text("made by scalpsite benchmarks/bench.py; safe to delete\n")

    def log(msg: str) -> None:
        print(msg, flush=True)

    started = dt.datetime.now()
    mach = machine()
    code_before = code_state()
    log(f"scalpsite benchmark {started:%Y-%m-%d %H:%M}; {mach}")
    if psutil is None:
        log("psutil not installed: peak memory is the largest single process's max RSS "
            "(getrusage RUSAGE_CHILDREN), not the sum over the process tree")
    if args.preview_only:
        return preview_main(work, args.seed, sorted({int(s) for s in args.sessions.split(",") if s.strip()}),
                            args.preview_only, log)
    results: dict[int, dict] = {}
    ref, before = args.before or default_before(), None
    try:
        pool = generate_pool(work, args.seed, max(sizes) + 1, log)
        masks = None if args.no_masks else make_masks(pool, args.seed, max(sizes), log)
        before = None if ref == "none" else export_before(work, ref, log)
        for n in sizes:
            log(f"measuring {n} sessions ({n * len(ANGLES)} photos), {args.runs} run(s) ...")
            results[n] = bench_size(work, pool, args.seed, n, args.runs, log, before, masks)
            pdf = work / f"journal-{n}" / "_site" / "dossier.pdf"
            results[n]["pdf_mb"] = pdf.stat().st_size / 1e6 if pdf.exists() else None
    except Exception:  # noqa: BLE001 - a measurement: report what we have
        traceback.print_exc()
    sizes = [n for n in sizes if n in results]
    if not sizes:
        return 0
    try:
        table, _ = make_table(results, sizes)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        return 0
    cmd = "python benchmarks/bench.py " + " ".join(
        a for a in (f"--sessions {','.join(map(str, sizes))}", f"--runs {args.runs}",
                    f"--workdir {work}" if work != Path("/tmp/scalpsite-bench") else "",
                    "--keep" if args.keep else "") if a)
    mem_note = ("tree RSS = sum of the RSS of the scalpsite process and all its worker processes, "
                "sampled every ~10 ms with psutil (pages shared after fork are counted in each process, "
                "so it overstates; PSS splits them)" if psutil else
                "psutil missing: memory is getrusage(RUSAGE_CHILDREN).ru_maxrss via wait4, i.e. the "
                "largest single process, not the sum over the tree")
    detail = {n: {k: [{"seconds": round(r["seconds"], 3), "cpu": round(r["cpu"], 2), "rc": r["rc"],
                       "tree_rss_mb": r["tree_rss_mb"] and round(r["tree_rss_mb"]),
                       "tree_pss_mb": r["tree_pss_mb"] and round(r["tree_pss_mb"]),
                       "max_single_rss_mb": round(r["max_single_rss_mb"]),
                       **({"photos": processed(r)} if "build" in r["cmd"] else {})} for r in rs]
                  for k, rs in results[n].items() if isinstance(rs, list)} for n in sizes}
    text = (f"# scalpsite benchmark results\n\n"
            f"- date: {started:%Y-%m-%d %H:%M}\n- machine: {mach}\n- {versions()}\n"
            f"- code at start: {code_before}\n- code at end: {code_state()}\n"
            f"- code before (the cold and no-op builds compared): {ref if before else 'not measured'}\n"
            f"- command: `{cmd}`\n- times: median of {args.runs} run(s), each a fresh process "
            f"(interpreter start-up included), min–max in brackets; photos in the page cache\n"
            f"- memory: {mem_note}\n- CPU time: user + system of the process and the workers it "
            f"waited for (wait4 rusage)\n\n{table}\n\n"
            f"<details><summary>every run</summary>\n\n```json\n{json.dumps(detail, indent=1)}\n```\n</details>\n")
    print()
    print(table)
    try:
        args.results.write_text(text)
        print(f"\nwritten to {args.results}")
    except OSError as exc:
        print(f"cannot write {args.results}: {exc}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
