"""Words for what the photo evidence means, chosen once for the site and the dossier alike.

The analysis decides (confidence, thresholds); these say it: which rendition a comparison
shows and why, the names of the two SALT series, the "Take the next photos" page.
"""

from __future__ import annotations

import math

from scalpsite.analysis.photoevidence import (
    MAX_CARD_DELTA_E,
    MAX_ROTATION_DEG,
    MAX_SHIFT_PCT,
    SALT_DISAGREEMENT,
    SCALE_RANGE,
)
from scalpsite.photos.alignment import CONFIDENT
from scalpsite.photos.masks import TOLERANCE

SALT_SERIES = {"entered": "SALT entered", "photo": "SALT measured from the masks"}


def framing_label(session: dict, angle: str, facts: dict | None, dates: dict[str, str]) -> dict:
    """{kind, text}: the photo is the reference, shown aligned, or shown as taken (and why)."""
    t = session["alignment"].get(angle)
    if facts is None or t is None:
        return {"kind": "original", "text": "as taken (not aligned: no reference photo to align to)"}
    if facts["is_reference"]:
        return {"kind": "reference", "text": "the reference: the other photos of this view are aligned to it"}
    if session["photos_aligned"].get(angle) is None:
        return {"kind": "original", "text": f"as taken: the alignment is not reliable (confidence "
                                            f"{t['confidence']:.2f}, below {CONFIDENT})"}
    way = "clockwise" if t["rotation_deg"] >= 0 else "counter-clockwise"
    shift = math.hypot(t["dx_pct"], t["dy_pct"])
    ref_date = dates.get(_folder(facts["reference"]), "")
    return {"kind": "aligned", "reference_date": ref_date,
            "text": f"aligned to the reference photo: turned {abs(t['rotation_deg']):.1f}° {way}, "
                    f"scaled ×{t['scale']:.2f}, moved {shift:.1f} % of the width "
                    f"(confidence {t['confidence']:.2f})"}


def _folder(path: str | None) -> str:
    """The session folder of a journal photo path sessions/<folder>/<file>."""
    parts = (path or "").split("/")
    return parts[1] if len(parts) > 2 else ""


def evidence_limits() -> dict:
    """The limits the analysis applies to the photo evidence, for the definitions."""
    return {"confident": CONFIDENT, "rotation_deg": MAX_ROTATION_DEG, "scale": list(SCALE_RANGE),
            "shift_pct": MAX_SHIFT_PCT, "salt_points": SALT_DISAGREEMENT, "card_delta_e": MAX_CARD_DELTA_E,
            "paint_tolerance": TOLERANCE}


def salt_sources(data: dict) -> dict:
    """The SALT series to show, their names, and the measured SALT at baseline and latest
    (the last session that has one); the measured series only when some session has it."""
    sessions = data["sessions"]
    measured = [s for s in sessions if s.get("photo_salt") is not None]
    base = next((s for s in sessions if s["baseline"]), None)
    return {"names": SALT_SERIES, "measured": bool(measured), "disagreement": SALT_DISAGREEMENT,
            "baseline": base.get("photo_salt") if base else None,
            "latest": measured[-1]["photo_salt"] if measured else None,
            "latest_date": measured[-1]["date"] if measured else None}


def next_photos(data: dict, angles: list[str]) -> dict:
    """What the "Take the next photos" page shows: the baseline's date and light, the ghosts."""
    base = next((s for s in data["sessions"] if s["baseline"]), None)
    return {"angles": angles, "baseline_date": base["date"] if base else None,
            "lighting": base["lighting"] if base else None,
            "next_due": (data.get("schedule") or {}).get("next_due"),
            "card_limit": MAX_CARD_DELTA_E}
