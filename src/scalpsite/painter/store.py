"""The painter's files: the photo a mask is painted for, a posted mask checked and written in
exactly the colours of the mask format (aside, then renamed, under the build lock), and the last
versions of every mask kept in the journal's cache.

Every mask is classified by the rule of the build (`photos.masks`) before it is written or
shown, so the file holds only the five colours the rule knows and measures as the build does.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from scalpsite.errors import ScalpsiteError
from scalpsite.journal.load import Journal
from scalpsite.journal.photofiles import MASK_SUFFIX
from scalpsite.photos.masks import COLOURS, Paint

SCALP = (0, 200, 0)  # haired scalp, as saved: any opaque colour far from the others counts as scalp
PALETTE = {Paint.NONE: (0, 0, 0, 0), Paint.HAIR: (*SCALP, 255), **{p: (*c, 255) for p, c in COLOURS.items()}}
MAX_BYTES = 32 * 2**20  # a posted mask; the page's flat colours compress a 12 MP mask to well under 1 MB
KEEP = 5  # earlier versions kept per mask
HISTORY = "mask-history"  # in the cache: HISTORY/<session folder>/<mask file>/000001.mask.png ...
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROWS = 512  # mask rows classified at a time: a 12 MP mask is never held as one large array


class Refusal(Exception):
    """A request the painter does not carry out: its HTTP status and the reason, said on the page."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Target:
    """A photo of a SALT view and where its mask is (journal paths)."""

    folder: str
    date: dt.date
    angle: str
    region: str
    photo: str
    mask: str
    size: tuple[int, int]  # the photo as displayed (upright), w x h
    exists: bool  # whether the mask file exists


def find_target(journal: Journal, folder: str, angle: str) -> Target:
    """The photo of `angle` in the session `folder`, which must be a SALT view; else a Refusal saying why."""
    rec = next((r for r in journal.sessions if r.folder == folder), None)
    if rec is None:
        raise Refusal(404, f"there is no session folder sessions/{folder}; masks are painted only on the "
                           "photos of a session")
    if journal.config is None:
        raise Refusal(503, "scalpsite.yaml has errors, so the SALT views are not known; fix it (the "
                           "preview's pages list the errors), then reload this page")
    views = journal.config.photos.views()
    if angle not in views:
        known = ", ".join(sorted(views)) or "none"
        raise Refusal(404, f"'{angle}' is not a SALT view of this journal (those are: {known}); only their "
                           "photos have masks")
    photo = rec.photos.get(angle)
    if photo is None:
        raise Refusal(404, f"sessions/{folder} has no {angle} photo to paint a mask on")
    mask = rec.masks.get(angle) or f"sessions/{folder}/{PurePosixPath(photo).stem}{MASK_SUFFIX}"
    path = checked_mask(journal.root, folder, mask)
    return Target(folder, rec.date, angle, views[angle], photo, mask, photo_size(journal.root, photo),
                  path.is_file())


def checked_mask(root: Path, folder: str, mask: str) -> Path:
    """The mask's path, once it is sure to be a plain file (or none yet) directly in its session folder."""
    session = (root / "sessions" / folder).resolve()
    path = root / mask
    if root.resolve() not in session.parents or path.parent.resolve() != session:
        raise Refusal(403, f"sessions/{folder} leads outside the journal; the painter writes only beside "
                           "a photo of the journal")
    names = {p.name.lower(): p for p in path.parent.iterdir()}
    found = names.get(path.name.lower())
    if found is not None and (found.is_symlink() or not found.is_file()):
        raise Refusal(409, f"sessions/{folder}/{found.name} is a link or not a file; the painter writes only "
                           "a plain file beside the photo: remove it, then save again")
    return path if found is None else found


def photo_size(root: Path, photo: str) -> tuple[int, int]:
    """The photo's size as displayed (EXIF orientation applied)."""
    from PIL import Image, UnidentifiedImageError

    from scalpsite.photos.decode import register_heif
    from scalpsite.photos.photometa import upright_size

    register_heif()
    try:
        with Image.open(root / photo) as im:
            w, h = upright_size(im)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as exc:
        raise Refusal(422, f"cannot read {photo} ({exc}); fix the photo first") from exc
    return w, h


def posted_classes(body: bytes, size: tuple[int, int]):
    """The classes of a posted mask, which must be a PNG of exactly the photo's size."""
    if not body.startswith(PNG_SIGNATURE):
        raise Refusal(415, "the mask sent is not a PNG image; the painter saves PNG only")
    im = _open(BytesIO(body), "the mask sent")
    if im.size != tuple(size):
        raise Refusal(422, f"the mask sent is {im.size[0]}x{im.size[1]} px but the photo (upright) is "
                           f"{size[0]}x{size[1]} px; reload the painting page")
    return classes_of(_load(im, "the mask sent"))


def mask_classes(root: Path, rel: Path | str, size: tuple[int, int]):
    """The classes of a mask file laid on a photo of `size`: scaled like the build does, or a Refusal."""
    from PIL import Image

    from scalpsite.photos.masks import size_problem

    with _open(root / rel, str(rel)) as im:
        problem = size_problem(im.size, size)
        if problem:
            raise Refusal(409, f"{rel}: {problem}; the painter cannot show it")
        im = _load(im, str(rel)).convert("RGBA")
        if im.size != tuple(size):
            im = im.resize(size, Image.Resampling.NEAREST)
        return classes_of(im)


def exact_png(classes) -> bytes:
    """The mask in exactly the colours of the format, as an indexed PNG: one byte a pixel, its
    palette the five colours with their transparency. A build reads it eight times faster than
    the same mask as RGBA (0.03 s instead of 0.2 s for 12 MP) and classifies its 256 palette
    entries instead of its pixels; an editor that paints with free colours converts it to RGB
    first (docs/photos.md)."""
    from PIL import Image

    im = Image.fromarray(classes, "P")
    im.putpalette([channel for p in Paint for channel in PALETTE[p]], rawmode="RGBA")
    out = BytesIO()
    im.save(out, "PNG", optimize=True)
    return out.getvalue()


def measure(classes) -> dict:
    """The pixel counts and region loss of a classified mask, by the build's rule."""
    from scalpsite.photos.masks import count

    return count(classes).as_dict()


def save(root: Path, target: Target, classes, on_wait=None) -> None:
    """Write the mask (aside, then renamed) under the journal's build lock, keeping the previous one."""
    from scalpsite.store.guard import folder
    from scalpsite.pipeline import writing

    data = exact_png(classes)
    try:
        with writing(root, None, on_wait) as cache:
            path = checked_mask(root, target.folder, target.mask)  # again: the folder may have changed
            try:
                if path.is_file():
                    _keep(path, folder(cache, history_of(target)))
                write_aside(path, data)
            except OSError as exc:
                raise Refusal(507, f"could not write {target.mask} ({exc.strerror or exc}); the mask on disk "
                                   "is unchanged") from exc
    except ScalpsiteError as exc:  # the lock (another build for too long), a cache that is a link
        raise Refusal(503, exc.format_message()) from exc


def history_of(target: Target) -> str:
    """The cache folder of a mask's earlier versions."""
    return f"{HISTORY}/{target.folder}/{PurePosixPath(target.mask).name.lower()}"


def versions(root: Path, target: Target) -> list[dict]:
    """The kept versions of a mask, newest first: {id, label}."""
    found = _history(root, target)
    return [{"id": n, "label": "saved " + _when(path)} for n, path in sorted(found.items(), reverse=True)]


def version_path(root: Path, target: Target, number: int) -> Path:
    """The file of one kept version, or a Refusal."""
    found = _history(root, target).get(number)
    if found is None:
        raise Refusal(404, f"there is no version {number} of {target.mask} in the cache (it keeps the last {KEEP})")
    return found


def write_aside(path: Path, data: bytes) -> None:
    """Write beside `path` under a hidden name, then rename: the mask is never seen half written."""
    part = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")  # hidden: the preview ignores it
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        with os.fdopen(os.open(part, flags, 0o666), "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _keep(path: Path, history: Path) -> None:
    """Copy the mask about to be replaced into its history (with its time), keeping the last KEEP."""
    kept = _numbered(history)
    number = max(kept, default=0) + 1
    shutil.copy2(path, history / f"{number:06d}{MASK_SUFFIX}")
    for old in sorted(kept)[: max(0, len(kept) + 1 - KEEP)]:
        kept[old].unlink()


def _history(root: Path, target: Target) -> dict[int, Path]:
    """The kept versions, read only from a real folder inside the journal's cache."""
    from scalpsite.store.guard import CACHE_DIR

    cache = root / CACHE_DIR
    history = cache / history_of(target)
    if not history.is_dir() or cache.is_symlink():
        return {}
    if cache.resolve() not in history.resolve().parents:
        raise Refusal(409, f"{CACHE_DIR}/{history_of(target)} leads outside the journal's cache (a link?); "
                           "remove the link")
    return {n: p for n, p in _numbered(history).items() if not p.is_symlink()}


def _numbered(history: Path) -> dict[int, Path]:
    out = {}
    for p in history.iterdir():
        stem = p.name.removesuffix(MASK_SUFFIX)
        if p.name.endswith(MASK_SUFFIX) and stem.isdigit() and p.is_file():
            out[int(stem)] = p
    return out


def _when(path: Path) -> str:
    """When a version was saved, in local time (the file keeps the time of its save)."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")


def _open(source, name: str):
    """A PNG opened lazily (its header only), or a Refusal naming it."""
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(source, formats=["PNG"])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Refusal(415, f"{name} is not a readable PNG image ({exc})") from exc


def _load(im, name: str):
    """The decoded image; a damaged file or a decompression bomb is a Refusal."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im.load()
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise Refusal(422, f"{name} cannot be decoded ({exc})") from exc
    return im


def classes_of(im):
    """Every pixel's class by the build's rule (photos.masks.classify), a strip of rows at a time."""
    from scalpsite.photos.masks import classes_in_strips

    return classes_in_strips(im, 1, ROWS)
