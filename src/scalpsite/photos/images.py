"""Stage 4: photo renditions from one decode (decode.py) of each photo, and their cache."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from scalpsite.findings import Finding, error
from scalpsite.codeversion import code_digest
from scalpsite.photos.decode import decode, register_heif
from scalpsite.photos.photometa import light
from scalpsite.photos.pool import Workers

RENDITIONS = {"web": (1280, 82), "print": (1000, 80), "thumb": (360, 76)}  # long side px, JPEG quality
FEATURES = "features"  # the alignment's features of a photo, from the one decode build and check share
RENDITIONS_KEY = "v4:" + json.dumps(RENDITIONS, sort_keys=True)
INDEX_FILE = "index.json"
KEY = re.compile(r"[0-9a-f]{32}")  # content_key()
STALE_PART_SECONDS = 3600
Progress = Callable[[int, int], None]


class CacheWriteError(OSError):
    """Writing a rendition into the cache failed (disk full, read-only...): the disk's fault, not the photo's.

    It is raised on to the build instead of being remembered as an unreadable photo.
    """


@dataclass(frozen=True)
class Job:
    """One photo to render: its source, content key, and where the renditions go."""

    source: str  # absolute path
    shown: str  # journal-relative path, for messages
    key: str
    cache: str  # the folder the renditions go to
    card: tuple[int, int, int, int] | None = None  # grey card box in px of the upright photo


@dataclass(frozen=True)
class Rendered:
    key: str
    width: int  # of the web rendition
    height: int
    error: str | None = None
    facts: dict | None = None  # see photometa: taken, camera, original size, light


def _grey_card(image, facts: dict, card: tuple[int, int, int, int] | None):
    """Measure the grey card (CIELAB into `facts`) and return the image white-balanced from it."""
    if card is None:
        return image
    import numpy as np

    from scalpsite.photos import colour

    k = image.width / facts["upright"][0]
    box = tuple(round(v * k) for v in card)
    measured = colour.card_linear(np.asarray(image), box)
    if measured is None:
        facts["card_error"] = "the grey_card box lies outside the photo"
        return image
    facts["card_lab"] = [round(v, 2) for v in colour.lab(measured)]
    return image.point(colour.balance_table(measured))


def write_aside(image, final: Path, fmt: str, **options) -> None:
    """Save into the cache aside, then rename: a killed build never leaves half a file there.

    A failing disk (full, read-only) is a CacheWriteError, not a fault of the photo.
    """
    write_file_aside(final, lambda part: image.save(part, fmt, **options))


def write_file_aside(final: Path, write: Callable[[Path], None]) -> None:
    """`write(part)` writes the file at a path beside `final`, which is then renamed to it."""
    part = final.with_name(f".{final.name}.{os.getpid()}.part")
    try:
        write(part)
        os.replace(part, final)
    except OSError as exc:
        if exc.errno is None:  # an encoder error: the photo's problem
            raise
        raise CacheWriteError(exc.errno, exc.strerror, str(part)) from None


def save_features(image, path: Path) -> None:
    """The features that alignment matches (photos/align.py), from the decoded photo."""
    from scalpsite.photos import align

    found = align.features(align.grey(image))
    write_file_aside(path, lambda part: align.save_features(found, part))


def _measure(job: Job, facts: dict):
    """The one decode build and check share, what it measures (EXIF facts, light, the
    alignment's features, the grey card), and the photo white-balanced from the card."""
    big = decode(job.source, max(size for size, _ in RENDITIONS.values()), facts)
    facts.update(light(big))
    save_features(big, features_path(Path(job.cache), job.key))
    return _grey_card(big, facts, job.card)


def _renditions(job: Job) -> Rendered:
    from PIL import Image

    facts: dict = {}
    big = _measure(job, facts)
    web: tuple[int, int] | None = None
    for name, (size, quality) in RENDITIONS.items():
        im = big  # saved as it is when it fits (never changed: the next rendition starts from it too)
        if max(big.size) > size:
            im = big.copy()
            im.thumbnail((size, size), Image.Resampling.LANCZOS)
        # No optimize=True: its second pass made the files 3 % smaller at three times the encoding
        # time; the pixels are the same (benchmarks/bench.py measures SSIM against them).
        write_aside(im, Path(job.cache) / f"{job.key}-{name}.jpg", "JPEG", quality=quality)
        web = web or im.size
    assert web is not None  # RENDITIONS is not empty
    return Rendered(job.key, web[0], web[1], facts=facts)


def _facts(job: Job) -> Rendered:
    """Only what the photo measures (for check and export): the build's decode without its
    renditions, so that both find the same light, framing and grey card whichever runs first."""
    facts: dict = {}
    _measure(job, facts)
    return Rendered(job.key, 0, 0, facts=facts)


def _guarded(step, job: Job) -> Rendered:
    """Run one photo step; a photo that cannot be decoded becomes an error message, not an exception."""
    from PIL import Image, UnidentifiedImageError

    register_heif()
    try:
        return step(job)
    except CacheWriteError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return Rendered(job.key, 0, 0, _describe(exc))
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return Rendered(job.key, 0, 0, f"cannot decode the photo ({exc})")


def render_one(job: Job) -> Rendered:
    """Write the renditions of one photo into the cache; errors become a message."""
    return _guarded(_renditions, job)


def inspect_one(job: Job) -> Rendered:
    """Only the facts of a photo (EXIF, size, light) from a small decode; no renditions."""
    return _guarded(_facts, job)


def _describe(exc: Exception) -> str:
    if "decompression bomb" in str(exc).lower() or "exceeds limit" in str(exc).lower():
        return "image has too many pixels to process safely (Pillow's decompression-bomb limit)"
    return "not a readable image (unknown format or damaged file)"


def stat_keys(index: dict, sources: list[Path], workers: Workers) -> dict[Path, str]:
    """Content key of each file: from `index` (path -> {stamp, key}) when the file is the same
    one, unchanged (size, mtime, ctime and inode: an edit that keeps the mtime, such as
    `exiftool -P`, still changes the ctime), else hashed (on all cores); `index` is updated."""
    keys, stamps = {}, {}
    for source in sources:
        st = source.stat()
        stamps[source] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
        entry = index.get(str(source))
        if entry and entry["stamp"] == stamps[source]:
            keys[source] = entry["key"]
    changed = [s for s in sources if s not in keys]
    for source, key in zip(changed, workers.map(content_key, [str(s) for s in changed])):
        keys[source] = key
        index[str(source)] = {"stamp": stamps[source], "key": key}
    return keys


def rendition_name(key: str, name: str) -> str:
    """The file name of the rendition `name` (web, print, thumb) of a photo in the cache."""
    return f"{key}-{name}.jpg"


def rendition_path(folder: Path, key: str, name: str) -> Path:
    """Where the rendition `name` of a photo is cached."""
    return Path(folder) / rendition_name(key, name)


def features_name(key: str) -> str:
    """The file name of the alignment's features of a photo in the cache."""
    return f"{key}-{FEATURES}.npz"


def features_path(folder: Path, key: str) -> Path:
    """Where the alignment's features of a photo are cached."""
    return Path(folder) / features_name(key)


def settings_key() -> str:
    """What a photo's cached work depends on besides its bytes: the renditions and scalpsite's code."""
    return f"{RENDITIONS_KEY}:{code_digest()}"


class Cache:
    """Renditions keyed by photo content, settings and code (`card_key`); a stat index avoids rehashing.

    index.json holds {"sources": {path: {stamp, key}}, "renditions": {key: meta}, "facts": {key: meta}}.
    Entries of other settings or code are never looked up (their keys differ) and are removed
    with their files by the next `save`.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.index_path = folder / INDEX_FILE
        try:
            self.saved_text: str | None = self.index_path.read_text()
            index = json.loads(self.saved_text)
        except (OSError, ValueError):
            self.saved_text, index = None, {}
        self.index: dict[str, dict] = {"sources": {}, "renditions": {}, "facts": {}}
        if isinstance(index, dict):
            self.index.update(_valid_entries(index))

    def keys_for(self, sources: list[Path], workers: Workers) -> dict[Path, str]:
        """Content key of each photo: from the index when size and mtime are unchanged, else hashed."""
        return stat_keys(self.index["sources"], sources, workers)

    def meta(self, key: str, bucket: str = "renditions") -> dict | None:
        """What is known of a photo: its renditions, or (bucket 'facts') at least its facts."""
        found = self.index["renditions"].get(key)
        return found if found or bucket == "renditions" else self.index["facts"].get(key)

    def remember(self, r: Rendered, bucket: str = "renditions") -> None:
        self.index[bucket][r.key] = {"width": r.width, "height": r.height, "error": r.error, "facts": r.facts}

    def save(self, live_sources: set[str], live: set[str]) -> None:
        """Write the index; photos no longer in the journal (keys not in `live`) are forgotten
        and their files removed."""
        sources = {k: v for k, v in self.index["sources"].items() if k in live_sources}
        for bucket in ("renditions", "facts"):
            for key in set(self.index[bucket]) - live:
                del self.index[bucket][key]
                for name in RENDITIONS:
                    self.path(key, name).unlink(missing_ok=True)
                for name in (f"{key}-{FEATURES}.npz", f"{key}-grey.png", f"{key}-grey-small.png"):  # and older kinds
                    (self.folder / name).unlink(missing_ok=True)
        self.index["sources"] = sources
        for part in self.folder.glob(".*.part"):  # left by a killed build; a live one is younger
            if time.time() - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink(missing_ok=True)
        text = json.dumps({"settings": settings_key(), **self.index}, sort_keys=True)
        if text == self.saved_text:
            return  # as read: rewriting it would tell the next run the cache had changed (store/uptodate)
        tmp = self.index_path.with_suffix(".tmp")
        tmp.write_text(text)
        os.replace(tmp, self.index_path)
        self.saved_text = text

    def path(self, key: str, name: str) -> Path:
        return rendition_path(self.folder, key, name)

    def features(self, key: str) -> Path:
        return features_path(self.folder, key)


def _valid_entries(index: dict) -> dict[str, dict]:
    """The index's entries whose keys are content keys: save() deletes files named by them."""
    buckets: dict[str, dict] = {k: index[k] if isinstance(index.get(k), dict) else {}
                                for k in ("sources", "renditions", "facts")}
    for bucket in ("renditions", "facts"):
        buckets[bucket] = {k: v for k, v in buckets[bucket].items() if KEY.fullmatch(k) and isinstance(v, dict)}
    buckets["sources"] = {k: v for k, v in buckets["sources"].items()
                          if isinstance(v, dict) and KEY.fullmatch(str(v.get("key")))}
    return buckets


def content_key(path: str) -> str:
    """A hash of a file's bytes (a photo's or a mask's): what its cached work is keyed by."""
    digest = hashlib.sha256(b"scalpsite-content-v1")
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:32]


@dataclass
class PhotoResult:
    """Renditions per journal photo path, photos that failed, and how many were rendered now."""

    renditions: dict[str, dict]
    findings: list[Finding]
    rendered: int
    cached: int


Cards = dict[str, tuple[int, int, int, int]]  # journal path -> grey card box


def process(root: Path, photos: list[str], cache_dir: Path, progress: Progress | None = None,
            cards: Cards | None = None, workers: Workers | None = None) -> PhotoResult:
    """Make sure every photo has its renditions in the cache; returns their metadata.

    `workers`: a pool to share with the next stage (one started here otherwise)."""
    with nullcontext(workers) if workers else Workers() as pool:
        return _ensure(root, photos, cache_dir, "renditions", progress, cards or {}, pool)


def inspect(root: Path, photos: list[str], cache_dir: Path, progress: Progress | None = None,
            cards: Cards | None = None, workers: Workers | None = None) -> PhotoResult:
    """The facts of every photo (for check), from the cache or a small decode."""
    with nullcontext(workers) if workers else Workers() as pool:
        return _ensure(root, photos, cache_dir, "facts", progress, cards or {}, pool)


def unreadable(path: Path) -> str | None:
    """Why a file cannot be opened for reading (permissions, a vanished file), or None."""
    try:
        with open(path, "rb"):
            return None
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def card_key(key: str, card: tuple[int, int, int, int] | None) -> str:
    """The key of a photo's cached work, from its content key: the grey card (white balance
    from it makes other renditions), the rendition settings and scalpsite's code go into it."""
    box = list(card) if card is not None else None
    return hashlib.sha256(f"{settings_key()}:{key}:card:{box}".encode()).hexdigest()[:32]


def _ensure(root: Path, photos: list[str], cache_dir: Path, bucket: str, progress: Progress | None,
            cards: Cards, workers: Workers) -> PhotoResult:
    blocked = {p: why for p in photos if (why := unreadable(root / p))}
    photos = [p for p in photos if p not in blocked]
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = Cache(cache_dir)
    by_source = cache.keys_for([root / p for p in photos], workers)
    keys = {p: card_key(by_source[root / p], cards.get(p)) for p in photos}
    todo, seen, present = [], set(), _present(cache_dir)
    for p, key in keys.items():
        meta = cache.meta(key, bucket)
        if not (meta and (meta["error"] or _files(present, key, bucket))) and key not in seen:
            todo.append(Job(str(root / p), p, key, str(cache_dir), cards.get(p)))
            seen.add(key)
    worker = render_one if bucket == "renditions" else inspect_one
    for r in workers.map(worker, todo, progress):
        cache.remember(r, bucket)
    cache.save({str(root / p) for p in photos}, set(keys.values()))
    result = _result(keys, cache, len(todo), bucket)
    result.findings += [error("photo-unreadable", p, f"cannot read the photo ({why})",
                              hint="check the file's permissions") for p, why in sorted(blocked.items())]
    return result


def _present(folder: Path) -> set[str]:
    """The names of the files in the cache folder, read once (a stat per file costs more at 650 photos)."""
    with os.scandir(folder) as entries:
        return {e.name for e in entries if e.is_file()}


def _files(present: set[str], key: str, bucket: str) -> bool:
    """Whether the files of a photo are in the cache: its renditions, or a grey image for check."""
    if features_name(key) not in present:
        return False
    return bucket == "facts" or all(rendition_name(key, n) in present for n in RENDITIONS)


def _result(keys: dict[str, str], cache: Cache, rendered: int, bucket: str) -> PhotoResult:
    out, findings = {}, []
    for p, key in sorted(keys.items()):
        meta = cache.meta(key, bucket)
        if meta is None:  # every photo was remembered by _ensure
            raise AssertionError(f"no {bucket} of {p} in the cache index")
        if meta["error"]:
            findings.append(error("photo-unreadable", p, meta["error"],
                                  hint="replace the file with the original photo, or remove it"))
            continue
        out[p] = {"key": key, "width": meta["width"], "height": meta["height"], "facts": meta.get("facts") or {}}
    return PhotoResult(out, findings, rendered, len(keys) - rendered)
