"""Photo findings: too small, dated away from the session, reused, other camera, other light."""

from __future__ import annotations

import datetime as dt

from scalpsite.findings import Finding, warning
from scalpsite.journal.load import Journal
from scalpsite.journal.treatment import baseline_index, primary_treatment

MIN_LONG_SIDE = 800  # px: below this a photo documents little
MAX_DATE_GAP = 3  # days between the EXIF capture date and the session date
MAX_BRIGHTNESS_DRIFT = 0.20  # relative change of the lit-surface luminance vs baseline
MAX_WARMTH_DRIFT = 0.06  # change of (R − B) / (R + G + B) vs baseline


def check_photos(journal: Journal, info: dict[str, dict]) -> list[Finding]:
    """Findings about the photos themselves; `info` maps journal path -> {key, facts}."""
    if journal.config is None or not journal.sessions:
        return []
    start = primary_treatment(journal.config)
    base = journal.sessions[baseline_index([r.date for r in journal.sessions], start.start if start else None)]
    found: list[Finding] = []
    seen: dict[str, str] = {}  # rendition key -> the session folder it was first seen in
    for rec in journal.sessions:
        for angle, path in sorted(rec.photos.items()):
            if path not in info:
                continue  # unreadable: reported by the images stage
            facts = info[path]["facts"]
            found += _own(path, facts, rec.date)
            key = info[path]["key"]
            if key in seen and seen[key] != rec.folder:
                found.append(warning("photo-reused", path, f"the same photo is also in session {seen[key]}",
                                     hint="take a new photo for each session"))
            seen.setdefault(key, rec.folder)
            base_path = base.photos.get(angle)
            if rec is not base and base_path in info:
                found += _against_baseline(path, facts, info[base_path]["facts"], base.folder)
    return found


def _own(path: str, facts: dict, day: dt.date) -> list[Finding]:
    found = []
    long_side = max(facts.get("width") or 0, facts.get("height") or 0)
    if long_side and long_side < MIN_LONG_SIDE:
        found.append(warning("photo-too-small", path, f"photo is {long_side} px on its long side",
                             hint=f"use the camera's full resolution (at least {MIN_LONG_SIDE} px)"))
    taken = facts.get("taken")
    if taken and abs((dt.date.fromisoformat(taken) - day).days) > MAX_DATE_GAP:
        found.append(warning("photo-date-mismatch", path, f"photo was taken on {taken}, "
                             f"more than {MAX_DATE_GAP} days from the session date {day}",
                             hint="check that the photo belongs to this session"))
    return found


def _against_baseline(path: str, facts: dict, base: dict, base_folder: str) -> list[Finding]:
    found = []
    if facts.get("camera") and base.get("camera") and facts["camera"] != base["camera"]:
        found.append(warning("camera-changed", path, f"taken with {facts['camera']}, the baseline "
                             f"({base_folder}) with {base['camera']}",
                             hint="use the same camera for comparable photos"))
    b0, b1 = base.get("brightness"), facts.get("brightness")
    if b0 and b1 is not None and abs(b1 - b0) / b0 > MAX_BRIGHTNESS_DRIFT:
        word = "darker" if b1 < b0 else "brighter"
        found.append(warning("lighting-drift", path, f"lighting {abs(b1 - b0) / b0:.0%} {word} than the "
                             f"baseline photo ({base_folder})", hint="same place, same light, same time of day"))
    w0, w1 = base.get("warmth"), facts.get("warmth")
    if w0 is not None and w1 is not None and abs(w1 - w0) > MAX_WARMTH_DRIFT:
        word = "warmer (more yellow)" if w1 > w0 else "cooler (more blue)"
        found.append(warning("colour-drift", path, f"colour balance {word} than the baseline photo "
                             f"({base_folder})", hint="avoid mixing lamp light and daylight"))
    return found
