"""The work of the evidence stage, one photo or mask at a time, run in the worker processes.

Every job writes its files aside and renames them, and turns a file it cannot read into a
message instead of an exception, like the renditions do.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scalpsite.photos.images import write_aside

# NumPy and the measuring modules are imported in the jobs: the parent process builds the
# job lists (also on a rebuild with nothing to do) without loading them.

ROWS = 512  # mask rows classified at a time: a 12 MP mask never needs more than a few MB
ALIGNED_QUALITY = 80  # JPEG quality of an aligned rendition (that of the print rendition)
FILL = (64, 64, 64)  # what an aligned photo shows where the photo did not reach


@dataclass(frozen=True)
class MaskJob:
    """Count a painted mask; with `overlay`, also draw it at that size into `out`."""

    source: str
    photo_size: tuple[int, int]  # upright photo, w x h
    overlay: tuple[int, int] | None = None
    out: str | None = None
    content: str = ""  # the mask's content key (what its results are cached under)


@dataclass(frozen=True)
class AlignGroup:
    """Photos of one view to align to its reference: the paths of their features (align.fit)."""

    reference: str
    photos: tuple[str, ...]


@dataclass(frozen=True)
class AlignedJob:
    """Write the aligned rendition of a photo, and of its mask overlay when it has one."""

    alignment: dict
    photo_print: str  # the photo's print rendition ...
    out: str
    reference_size: tuple[int, int] | None = None  # ... goes into a frame this size
    overlay: str | None = None  # the photo's mask overlay ...
    overlay_size: tuple[int, int] | None = None  # ... goes into a frame this size
    overlay_out: str | None = None


def _open(path: str):
    """A Pillow image, refusing decompression bombs like the renditions do."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = Image.open(path)
        im.load()
    return im


def mask_job(job: MaskJob) -> dict:
    """{counts, pixels, size} of a mask, or {error}; draws the overlay when asked.

    The mask is counted on a grid (masks.count_step) read in strips of rows: a 12 MP mask is
    never held as a large NumPy array. Messages never name the file: masks of equal content
    share this result, and each finding names its own file."""
    from PIL import Image, UnidentifiedImageError

    from scalpsite.photos import masks

    try:
        with _open(job.source) as im:
            size = im.size
            problem = masks.size_problem(size, job.photo_size)
            if problem:
                return {"error": problem, "code": "mask-size", "size": list(size)}
            classes = masks.classes_in_strips(im, masks.count_step(size), ROWS)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError, EOFError) as exc:
        return {"error": f"cannot read the mask ({_reason(exc)})", "code": "mask-unreadable"}
    if job.overlay and job.out:
        write_aside(masks.overlay(classes, job.overlay), Path(job.out), "PNG", compress_level=6)
    return {"counts": masks.count(classes).as_dict(), "pixels": int(classes.size), "size": list(size)}


def _reason(exc: Exception) -> str:
    """Why a file could not be read, without its path (Pillow's messages name the file they opened)."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(exc, UnidentifiedImageError):
        return "not a PNG or other image Pillow can read"
    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return "too many pixels to process safely"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc)
    return text if "/" not in text and "\\" not in text else type(exc).__name__


@lru_cache(maxsize=8)
def _features(path: str):
    """A reference's features, read once per worker: every photo of its angle is matched to them."""
    from scalpsite.photos import align

    return align.load_features(Path(path))


def align_group_job(job: AlignGroup) -> list[dict]:
    """Per photo: {alignment: as data.json has it, or None; note: why there is none (blank, unmatched)}."""
    from scalpsite.photos import align

    reference = _features(job.reference)
    found: list[dict] = []
    for path in job.photos:
        photo = align.load_features(Path(path))
        if reference.blank or photo.blank:
            found.append({"alignment": None, "note": "blank"})
            continue
        t = align.estimate(reference, photo)
        found.append({"alignment": None if t is None else t.as_dict(), "note": "unmatched" if t is None else None})
    return found


def aligned_job(job: AlignedJob) -> dict:
    """{aligned, aligned_overlay}: which of the two files were written."""
    from PIL import Image

    from scalpsite.photos import align

    t = align.Alignment(**job.alignment)
    assert job.reference_size is not None  # set by the evidence stage before the job runs
    with _open(job.photo_print) as im:
        warped = align.warp_image(im.convert("RGB"), t, job.reference_size, Image.Resampling.BILINEAR, FILL)
    write_aside(warped, Path(job.out), "JPEG", quality=ALIGNED_QUALITY)  # no optimize: see images._renditions
    if not (job.overlay and job.overlay_out and job.overlay_size):
        return {"aligned": True, "aligned_overlay": False}
    with _open(job.overlay) as im:  # masks.overlay's indexed image; nearest keeps its palette
        # 0 outside: the palette's first entry, transparent
        warped = align.warp_image(im, t, job.overlay_size, Image.Resampling.NEAREST, 0)
    write_aside(warped, Path(job.overlay_out), "PNG", compress_level=6)
    return {"aligned": True, "aligned_overlay": True}


def ghost_job(args: tuple[str, str]) -> bool:
    """The ghost PNG of a reference photo, from its web rendition."""
    from scalpsite.photos.ghost import ghost

    source, out = args
    with _open(source) as im:
        write_aside(ghost(im.convert("RGB")), Path(out), "PNG", compress_level=6)
    return True
