"""`scalpsite mask start SESSION`: a session's masks begun from the previous session's,
turned, scaled and moved with the photos, so that painting starts from the last outline.

The alignment of each photo to the reference of its angle (as the build finds it) gives the
transform from the previous photo to the new one. A new mask is only ever added: an existing
one is left as it is, except an empty (0-byte) file, which holds nothing and is what an
interrupted write leaves. Every input is read and every mask made before the first is
written, and each is written aside and then renamed into place.
"""

from __future__ import annotations

import difflib
import errno
import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from scalpsite.errors import JournalError
from scalpsite.journal.load import Journal, SessionRecord
from scalpsite.journal.photofiles import MASK_SUFFIX
from scalpsite.photos import align  # NumPy and OpenCV: only this command loads them
from scalpsite.photos.evidence import reference_photos
from scalpsite.photos.masks import size_problem


@dataclass(frozen=True)
class Started:
    """What `mask start` did for one angle."""

    angle: str
    status: str  # written | exists | no-previous | unreadable | failed; moved (aligned_start)
    source: str | None = None  # the previous mask (journal path)
    target: str | None = None  # the new or existing mask (journal path); with the reason when unreadable
    alignment: align.Alignment | None = None  # previous photo -> new photo; None when copied unaligned
    replaced_empty: bool = False  # the new mask replaces an empty file left by an interrupted write


def _read_errors() -> tuple[type[Exception], ...]:
    """What reading a photo or a mask may raise: a reason for the message, never a traceback."""
    from PIL import Image

    return (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning)


@dataclass
class _Plan:
    angle: str
    source: str  # the previous mask ...
    prev_photo: str  # ... and its photo
    target: str
    replace_empty: bool
    png: bytes = b""
    alignment: align.Alignment | None = None
    problem: str | None = field(default=None)


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
    from scalpsite.photos.decode import register_heif

    register_heif()
    rec = find_session(journal, session)
    readable = {p for r in journal.sessions for p in r.photos.values()}
    refs = reference_photos(journal, readable)
    greys: dict[str, object] = {}
    done: dict[str, Started] = {}
    plans = []
    for angle in sorted(rec.photos):
        step = _step(journal, rec, angle)
        if isinstance(step, Started):
            done[angle] = step
            continue
        _prepare(journal.root, step, rec.photos[angle], refs.get(angle), greys)
        plans.append(step)
    for plan in plans:  # everything was read and made: now the files
        done[plan.angle] = _write(journal.root, plan)
    return [done[angle] for angle in sorted(done)]


def _previous(journal: Journal, rec: SessionRecord, angle: str) -> SessionRecord | None:
    earlier = [r for r in journal.sessions if (r.date, r.folder) < (rec.date, rec.folder) and angle in r.masks]
    return earlier[-1] if earlier else None


def _step(journal: Journal, rec: SessionRecord, angle: str) -> Started | _Plan:
    """What to do for one angle: nothing (a mask exists, or none came before), or a plan."""
    target = f"sessions/{rec.folder}/{PurePosixPath(rec.photos[angle]).stem}{MASK_SUFFIX}"
    existing = rec.masks.get(angle, target)
    empty = _is_empty(journal.root / existing)
    if (angle in rec.masks or (journal.root / target).exists()) and not empty:
        return Started(angle, "exists", target=existing)
    prev = _previous(journal, rec, angle)
    if prev is None:
        return Started(angle, "no-previous")
    return _Plan(angle, prev.masks[angle], prev.photos[angle], existing if empty else target, empty)


def _is_empty(path: Path) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and path.stat().st_size == 0
    except OSError:
        return False


def _prepare(root: Path, plan: _Plan, photo: str, ref: str | None, greys: dict) -> None:
    """Read the previous mask and both photos, align, and make the new mask (PNG bytes); or the problem."""
    try:
        moved = _moved_mask(root, plan, photo, ref, greys)
    except _read_errors() as exc:
        plan.problem = _describe(exc)
        return
    buf = io.BytesIO()
    moved.save(buf, "PNG", optimize=True)
    plan.png = buf.getvalue()


def _moved_mask(root: Path, plan: _Plan, photo: str, ref: str | None, greys: dict):
    """The previous mask moved onto the new photo (or only scaled to it): an RGBA Pillow image;
    `plan.alignment` says which."""
    from PIL import Image

    size = _photo_size(root / photo)
    mask = _open_mask(root / plan.source, _photo_size(root / plan.prev_photo))
    plan.alignment = _transform(root, plan.prev_photo, photo, ref, greys)
    if plan.alignment is None:
        return mask.resize(size, Image.Resampling.NEAREST)
    # nearest: the paint colours stay exactly the paint colours
    return align.warp_image(mask, plan.alignment, size, Image.Resampling.NEAREST, (0, 0, 0, 0))


def aligned_start(journal: Journal, session: str, angle: str):
    """What `mask start` would write for one angle of `session`, without writing it: the moved
    RGBA image (None unless the status is `moved`) and what was done."""
    from scalpsite.photos.decode import register_heif

    register_heif()
    rec = find_session(journal, session)
    prev = _previous(journal, rec, angle) if angle in rec.photos else None
    if prev is None:
        return None, Started(angle, "no-previous")
    readable = {p for r in journal.sessions for p in r.photos.values()}
    plan = _Plan(angle, prev.masks[angle], prev.photos[angle], target="", replace_empty=False)
    try:
        moved = _moved_mask(journal.root, plan, rec.photos[angle], reference_photos(journal, readable).get(angle), {})
    except _read_errors() as exc:
        return None, Started(angle, "unreadable", source=f"{plan.source} ({_describe(exc)})")
    return moved, Started(angle, "moved", plan.source, None, plan.alignment)


def _describe(exc: Exception) -> str:
    """A reason without a traceback (and without the file's path: the message names it)."""
    text = str(exc)
    if "decompression bomb" in text.lower() or "exceeds limit" in text.lower():
        return "it has too many pixels to process safely"
    return getattr(exc, "strerror", None) or text or type(exc).__name__


def _photo_size(path: Path) -> tuple[int, int]:
    """A photo's size as shown (upright), from its header, refusing decompression bombs."""
    from PIL import Image

    from scalpsite.photos.photometa import upright_size

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            w, h = upright_size(im)
    return w, h


def _open_mask(path: Path, photo_size: tuple[int, int]):
    """The previous mask, decoded (RGBA), checked against its own photo before it is used."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            problem = size_problem(im.size, photo_size)
            if problem:
                raise ValueError(problem)
            return im.convert("RGBA")


def _transform(root: Path, prev: str, photo: str, ref: str | None, greys: dict) -> align.Alignment | None:
    """Previous photo -> new photo through the reference; None when either is not reliable."""
    if ref is None:
        return None
    to_ref = []
    for path in (prev, photo):
        t = align.IDENTITY if path == ref else align.estimate(_grey(root, ref, greys), _grey(root, path, greys))
        if t is None or not t.confident:
            return None
        to_ref.append(t)
    return align.compose(to_ref[0], to_ref[1])


def _grey(root: Path, path: str, greys: dict):
    """The features a build aligns (from the same decode), once per photo."""
    from scalpsite.photos.decode import decode
    from scalpsite.photos.images import RENDITIONS

    if path not in greys:
        greys[path] = align.features(align.grey(decode(str(root / path), max(size for size, _ in RENDITIONS.values()))))
    return greys[path]


def _write(root: Path, plan: _Plan) -> Started:
    """Write one prepared mask aside, then move it into place without replacing a real mask."""
    if plan.problem is not None:
        return Started(plan.angle, "unreadable", source=plan.source, target=f"{plan.target} ({plan.problem})")
    final = root / plan.target
    part = final.with_name(f".{final.name}.{os.getpid()}.part")
    try:
        part.write_bytes(plan.png)
        if plan.replace_empty and _is_empty(final):
            os.replace(part, final)
        else:
            _add(part, final)
    except FileExistsError:
        part.unlink(missing_ok=True)
        return Started(plan.angle, "exists", target=plan.target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        return Started(plan.angle, "failed", source=plan.source,
                       target=f"{plan.target} ({exc.strerror or exc} while writing it; nothing was left there)")
    return Started(plan.angle, "written", plan.source, plan.target, plan.alignment, plan.replace_empty)


def _add(part: Path, final: Path) -> None:
    """Rename `part` to `final` unless a file is there (then FileExistsError): a hard link
    refuses atomically; where links are not supported, a check just before the rename."""
    try:
        os.link(part, final)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if final.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(final)) from None
        os.replace(part, final)
        return
    part.unlink()
