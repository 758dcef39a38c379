"""`scalpsite mask start SESSION`: a session's masks begun from the previous session's,
turned, scaled and moved with the photos, so that painting starts from the last outline.

The alignment of each photo to the reference of its angle (as the build finds it) gives the
transform from the previous photo to the new one. A new mask is only ever added: an existing
one is left as it is.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scalpsite.errors import JournalError
from scalpsite.journal.load import MASK_SUFFIX, Journal, SessionRecord
from scalpsite.photos import align  # NumPy: only this command loads it
from scalpsite.photos.evidence import reference_photos


@dataclass(frozen=True)
class Started:
    """What `mask start` did for one angle."""

    angle: str
    status: str  # written | exists | no-previous | unreadable; moved (aligned_start)
    source: str | None = None  # the previous mask (journal path)
    target: str | None = None  # the new or existing mask (journal path)
    alignment: align.Alignment | None = None  # previous photo -> new photo; None when copied unaligned


def find_session(journal: Journal, name: str) -> SessionRecord:
    """The session whose folder is `name` (or the last part of a path to it)."""
    folder = PurePosixPath(str(name).replace("\\", "/").rstrip("/")).name
    for rec in journal.sessions:
        if rec.folder == folder:
            return rec
    folders = [r.folder for r in journal.sessions]
    close = difflib.get_close_matches(folder, folders, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise JournalError(f"no session folder '{folder}' in sessions/{hint}", str(journal.root / "sessions"))


def start(journal: Journal, session: str) -> list[Started]:
    """Begin the masks of `session` from the latest earlier mask of each of its angles."""
    from scalpsite.photos.images import register_heif

    register_heif()
    rec = find_session(journal, session)
    readable = {p for r in journal.sessions for p in r.photos.values()}
    refs = reference_photos(journal, readable)
    greys: dict[str, object] = {}
    return [_one(journal, rec, angle, refs.get(angle), greys) for angle in sorted(rec.photos)]


def _previous(journal: Journal, rec: SessionRecord, angle: str) -> SessionRecord | None:
    earlier = [r for r in journal.sessions if (r.date, r.folder) < (rec.date, rec.folder) and angle in r.masks]
    return earlier[-1] if earlier else None


def _one(journal: Journal, rec: SessionRecord, angle: str, ref: str | None, greys: dict) -> Started:
    photo = rec.photos[angle]
    target = f"sessions/{rec.folder}/{PurePosixPath(photo).stem}{MASK_SUFFIX}"
    if angle in rec.masks or (journal.root / target).exists():
        return Started(angle, "exists", target=rec.masks.get(angle, target))
    prev = _previous(journal, rec, angle)
    if prev is None:
        return Started(angle, "no-previous")
    try:
        t = _transform(journal.root, prev.photos[angle], photo, ref, greys)
        _write_mask(journal.root, prev.masks[angle], photo, target, t)
    except (OSError, ValueError, SyntaxError) as exc:
        return Started(angle, "unreadable", source=prev.masks[angle], target=f"{target} ({exc})")
    return Started(angle, "written", prev.masks[angle], target, t)


def _transform(root: Path, prev: str, photo: str, ref: str | None, greys: dict) -> align.Alignment | None:
    """Previous photo -> new photo through the reference; None when either is not reliable."""
    if ref is None:
        return None
    to_ref = []
    for path in (prev, photo):
        t = align.IDENTITY if path == ref else align.estimate(_grey(root, ref, greys), _grey(root, path, greys))
        if not t.confident:
            return None
        to_ref.append(t)
    return align.compose(to_ref[0], to_ref[1])


def _grey(root: Path, path: str, greys: dict):
    """The grey image a build aligns (decoded the same way), once per photo."""
    from scalpsite.photos.images import RENDITIONS, decode

    if path not in greys:
        greys[path] = align.grey(decode(str(root / path), max(size for size, _ in RENDITIONS.values())))
    return greys[path]


def _write_mask(root: Path, source: str, photo: str, target: str, t: align.Alignment | None) -> None:
    """The previous mask, moved onto the new photo (or only scaled to it), written as a new file."""
    moved = _moved_mask(root, source, photo, t)
    with open(root / target, "xb") as out:  # never over an existing file
        moved.save(out, "PNG", optimize=True)


def _moved_mask(root: Path, source: str, photo: str, t: align.Alignment | None):
    """The previous mask moved onto the new photo (or only scaled to it): an RGBA Pillow image."""
    from PIL import Image

    from scalpsite.photos.photometa import upright_size

    with Image.open(root / photo) as im:
        w, h = upright_size(im)
        size = (w, h)
    with Image.open(root / source) as im:
        mask = im.convert("RGBA")
    if t is None:
        return mask.resize(size, Image.Resampling.NEAREST)
    # nearest: the paint colours stay exactly the paint colours
    return align.warp_image(mask, t, size, Image.Resampling.NEAREST, (0, 0, 0, 0))


def aligned_start(journal: Journal, session: str, angle: str):
    """What `mask start` would write for one angle of `session`, without writing it: the moved
    RGBA image (None unless the status is `moved`) and what was done."""
    from scalpsite.photos.images import register_heif

    register_heif()
    rec = find_session(journal, session)
    prev = _previous(journal, rec, angle) if angle in rec.photos else None
    if prev is None:
        return None, Started(angle, "no-previous")
    readable = {p for r in journal.sessions for p in r.photos.values()}
    ref = reference_photos(journal, readable).get(angle)
    try:
        t = _transform(journal.root, prev.photos[angle], rec.photos[angle], ref, {})
        moved = _moved_mask(journal.root, prev.masks[angle], rec.photos[angle], t)
    except (OSError, ValueError, SyntaxError) as exc:
        return None, Started(angle, "unreadable", source=f"{prev.masks[angle]} ({exc})")
    return moved, Started(angle, "moved", prev.masks[angle], None, t)
