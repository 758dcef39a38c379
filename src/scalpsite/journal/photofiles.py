"""Which files of a session folder are its photos and their painted masks: named by their angle or
mapped in session.yaml, in any case; files no page shows are named so that they are never published."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from scalpsite.findings import Finding, error, warning
from scalpsite.journal.paths import SAFE_NAME_RULE, child, is_safe_name, within

if TYPE_CHECKING:
    from scalpsite.journal.load import SessionRecord

PHOTO_EXTS = (".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".avif")
OTHER_IMAGE_EXTS = (".tif", ".tiff", ".gif", ".bmp", ".raw", ".dng", ".cr2", ".nef", ".arw", ".jxl")
MASK_SUFFIX = ".mask.png"  # a painted SALT mask beside a photo: overhead.jpg -> overhead.mask.png
MAX_PHOTO_NAME = 120  # bytes (UTF-8) of a photo's file name given in session.yaml


def find_photos(entries: list[Path], rel: str, angles: list[str], mapped: dict[str, str],
                 findings: list[Finding], unused: list[Finding]) -> dict[str, str]:
    """Photos named by their angle, in any case (Front.JPG is the front photo, and so is front.jpg
    for an angle named Front); files no angle uses go to `unused`, which only `check` shows."""
    by_name = {a.lower(): a for a in angles}
    taken = set(mapped.values())
    photos: dict[str, str] = {}
    for f in sorted(entries, key=lambda f: (f.stem not in angles, f.name)):  # front.jpg before FRONT.JPG
        ext = f.suffix.lower()
        if f.name.lower().endswith(MASK_SUFFIX) or not f.is_file() or f"{rel}/{f.name}" in taken:
            continue
        if ext in OTHER_IMAGE_EXTS and ext not in PHOTO_EXTS:
            unused.append(warning("photo-format", f"{rel}/{f.name}", f"'{f.name}' is not read: scalpsite "
                                  "reads " + " ".join(PHOTO_EXTS), hint="export the photo as JPEG, PNG or HEIC"))
            continue
        angle = by_name.get(f.stem.lower())
        if ext not in PHOTO_EXTS or not angles:
            continue
        if angle is None or angle in mapped:
            unused.append(_unused_photo(f.name, rel, angle, angles))
        elif not within(f.parent, f):
            findings.append(error("photo-outside", f"{rel}/{f.name}", "photo is a link to a file outside "
                                  "the session folder", hint="copy the photo into the session folder"))
        elif angle in photos:
            used = photos[angle].rsplit("/", 1)[-1]
            unused.append(warning("duplicate-photo", f"{rel}/{f.name}", f"two photos for '{angle}': "
                                  f"{used} is used, {f.name} is not", hint="keep one file per angle"))
        else:
            photos[angle] = f"{rel}/{f.name}"
    return photos


def _unused_photo(name: str, rel: str, angle: str | None, angles: list[str]) -> Finding:
    """The warning for a photo that no page shows, so that it is never published."""
    if angle is not None:  # session.yaml maps another file to this angle
        return warning("photo-unused", f"{rel}/{name}", f"'{name}' is not used: session.yaml names another "
                       f"file for {angle}; it is not published", hint="remove one of the two")
    return warning("photo-unused", f"{rel}/{name}", f"'{name}' is named after no angle "
                   f"({', '.join(angles)}), so no page shows it and it is not published",
                   hint="rename it after its angle, name it in session.yaml (photos: {front: "
                        f"{name}}}), or move it into closeups/ to keep it in the journal")


def mapped_photos(folder: Path, rel: str, record: SessionRecord, angles: list[str],
                   findings: list[Finding]) -> dict[str, str]:
    """Photos named in the session's `photos:` mapping, by the angle each key names (in any case);
    keys become output names, so a key that is no angle is refused."""
    photos = {}
    by_name = {a.lower(): a for a in angles}
    mapping = record.session.photos if record.session else {}
    for key, name in sorted(mapping.items()):
        line = record.lines.get(("photos", key))
        target = child(folder, name)
        angle = by_name.get(key.lower())
        if angle is None:
            rule = "" if is_safe_name(key) else f" ({SAFE_NAME_RULE} characters)"
            findings.append(error("bad-angle", record.yaml_path, f"photos: '{key}' is not an angle{rule}",
                                  line, "use one of the angles in scalpsite.yaml: " + ", ".join(angles)))
        elif len(name.encode()) > MAX_PHOTO_NAME:
            findings.append(error("photo-name-too-long", record.yaml_path, f"photos.{key}: the file name has "
                                  f"{len(name.encode())} bytes; at most {MAX_PHOTO_NAME}, so that its mask's name "
                                  "(NAME.mask.png) fits a file name", line, "rename the photo shorter"))
        elif target is None:
            findings.append(error("photo-outside", record.yaml_path,
                                  f"photos.{key}: '{name}' is outside the session folder", line,
                                  "put the photo in the session folder and give its file name only"))
        elif not target.is_file():
            findings.append(error("photo-not-found", record.yaml_path,
                                  f"photos.{key}: no file '{name}' in {rel}", line,
                                  "fix the file name or add the photo"))
        else:
            photos[angle] = f"{rel}/{PurePosixPath(name)}"
    return photos


def find_masks(entries: list[Path], rel: str, photos: dict[str, str], findings: list[Finding],
                unused: list[Finding]) -> dict[str, str]:
    """The painted mask of each photo (its stem + .mask.png, any case); links out are refused."""
    files = {f.name.lower(): f for f in entries if f.name.lower().endswith(MASK_SUFFIX)}
    masks, used = {}, set()
    for angle, path in sorted(photos.items()):
        f = files.get(PurePosixPath(path).stem.lower() + MASK_SUFFIX)
        if f is None:
            continue
        used.add(f.name)
        if not within(f.parent, f):
            findings.append(error("mask-outside", f"{rel}/{f.name}", "mask is a link to a file outside the "
                                  "session folder", hint="copy the mask into the session folder"))
        elif f.is_file():
            masks[angle] = f"{rel}/{f.name}"
    for f in sorted(files.values()):
        if f.name not in used:
            unused.append(warning("mask-without-photo", f"{rel}/{f.name}", "no photo of this name beside the "
                                    "mask", hint="name the mask after its photo: overhead.jpg -> overhead.mask.png"))
    return masks
