"""What the photos themselves say: SALT measured from painted masks, framing against the
baseline, grey-card colour. Pure: the photo stage measured the pixels; this decides.

`evidence` maps a journal photo path to the photo stage's measures of it:
{folder, angle, reference, is_reference, mask: {loss_pct, ...} | None,
 alignment: {dx_pct, dy_pct, rotation_deg, scale, confidence} | None, card_lab: [L, a, b] | None}.
"""

from __future__ import annotations

import math

from scalpsite.analysis import scores
from scalpsite.analysis.labels import SALT_SERIES
from scalpsite.analysis.measurevalues import value
from scalpsite.findings import Finding, warning
from scalpsite.journal.load import Journal
from scalpsite.journal.configmodel import Config
from scalpsite.journal.measurefields import raw
from scalpsite.measures.alopecia import SALT, SALT_MASKS
from scalpsite.photos.alignment import CONFIDENT, IDENTITY
from scalpsite.photos.ciede2000 import delta_e2000
from scalpsite.photos.masks import TOLERANCE

# Framing that `check` reports as drift (issue 16): beyond these the comparison misleads.
MAX_ROTATION_DEG = 10.0
SCALE_RANGE = (0.85, 1.15)
MAX_SHIFT_PCT = 15.0  # of the baseline photo's width
SALT_DISAGREEMENT = float(SALT_MASKS.limit)  # a measured SALT this far from the entered one is reported
# Grey-card CIEDE2000 difference from the baseline's card reported as a change of light: well
# above the 50:50 % acceptability threshold for colour matches, 1.8 (Paravina et al., J Esthet
# Restor Dent 2015;27:S1-S9), so that a camera's own exposure and white-balance variation
# between sessions does not raise it each time.
MAX_CARD_DELTA_E = 5.0
ALIGNED_NAME = "photos/{folder}/{angle}.aligned.jpg"  # where the build publishes an aligned rendition
UNALIGNED = {  # why a photo with a reference has no alignment (the evidence stage's note)
    "blank": "it is blank (no contrast), so there is nothing to align",
    "unmatched": "it has too few features in common with the reference photo to be aligned",
}


def add_photo_fields(sessions: list[dict], config: Config, evidence: dict[str, dict] | None) -> None:
    """Add photo_salt_regions, photo_salt, alignment, photos_aligned, mask_loss and framing to
    every session, in place."""
    evidence = evidence or {}
    dates = {s["folder"]: s["date"] for s in sessions}
    for s in sessions:
        measured = {path: evidence[path] for path in s["photos"].values() if path in evidence}
        regions = _regions(s["photos"], config, measured)
        s["photo_salt_regions"] = regions
        complete = regions is not None and all(v is not None for v in regions.values())
        s["photo_salt"] = scores.salt_total(regions) if regions is not None and complete else None
        s["alignment"] = {angle: _alignment(measured.get(path)) for angle, path in s["photos"].items()}
        s["photos_aligned"] = {angle: _aligned(s["folder"], angle, measured.get(path))
                               for angle, path in s["photos"].items()}
        s["mask_loss"] = {angle: ((measured.get(path) or {}).get("mask") or {}).get("loss_pct")
                          for angle, path in s["photos"].items()}
        s["framing"] = {angle: framing_of(s, angle, measured.get(path), dates)
                        for angle, path in s["photos"].items()}


def framing_of(session: dict, angle: str, facts: dict | None, dates: dict[str, str]) -> dict:
    """{kind, text, reference_date}: the photo is the reference, shown aligned, or shown as taken (and why)."""
    t = session["alignment"].get(angle)
    if facts is None or facts["reference"] is None:
        return {"kind": "original", "text": "as taken (not aligned: no reference photo to align to)",
                "reference_date": None}
    ref_date = dates.get(_folder(facts["reference"]))
    if t is None:
        why = UNALIGNED.get(facts.get("align_note") or "", "it could not be aligned")
        return {"kind": "original", "reference_date": ref_date, "text": f"as taken: {why}"}
    if facts["is_reference"]:
        return {"kind": "reference", "text": "the reference: the other photos of this view are aligned to it",
                "reference_date": ref_date}
    if session["photos_aligned"].get(angle) is None:
        return {"kind": "original", "reference_date": ref_date,
                "text": f"as taken: the alignment is not reliable (confidence {t['confidence']:.2f}, "
                        f"below {CONFIDENT})"}
    way = "clockwise" if t["rotation_deg"] >= 0 else "counter-clockwise"
    shift = math.hypot(t["dx_pct"], t["dy_pct"])
    return {"kind": "aligned", "reference_date": ref_date,
            "text": f"aligned to the reference photo: turned {abs(t['rotation_deg']):.1f}° {way}, "
                    f"scaled ×{t['scale']:.2f}, moved {shift:.1f} % of the width (confidence {t['confidence']:.2f})"}


def _folder(path: str | None) -> str:
    """The session folder of a journal photo path sessions/<folder>/<file>."""
    parts = (path or "").split("/")
    return parts[1] if len(parts) > 2 else ""


def photo_evidence(sessions: list[dict]) -> dict:
    """The SALT series to show and their names, the measured SALT at baseline and latest (the last
    session that has one), and the limits the evidence is judged by (for the definitions)."""
    measured = [s for s in sessions if s["photo_salt"] is not None]
    base = next((s for s in sessions if s["baseline"]), None)
    return {"series": SALT_SERIES, "measured": bool(measured),
            "baseline": base["photo_salt"] if base else None,
            "latest": measured[-1]["photo_salt"] if measured else None,
            "latest_date": measured[-1]["date"] if measured else None,
            "limits": {"confident": CONFIDENT, "rotation_deg": MAX_ROTATION_DEG, "scale": list(SCALE_RANGE),
                       "shift_pct": MAX_SHIFT_PCT, "salt_points": SALT_DISAGREEMENT,
                       "card_delta_e": MAX_CARD_DELTA_E, "paint_tolerance": TOLERANCE}}


def _regions(photos: dict[str, str], config: Config, measured: dict[str, dict]) -> dict | None:
    """Loss per SALT region from the masks of the mapped views; None when no view has a mask."""
    regions = dict.fromkeys(scores.SALT_WEIGHTS)
    for angle, region in config.photos.views().items():
        mask = (measured.get(photos.get(angle, "")) or {}).get("mask")
        if mask and mask.get("loss_pct") is not None:
            regions[region] = mask["loss_pct"]
    return regions if any(v is not None for v in regions.values()) else None


def _alignment(facts: dict | None) -> dict | None:
    if facts is None:
        return None
    if facts["is_reference"]:
        return IDENTITY.as_dict()  # the photo the others are aligned to
    return facts["alignment"]


def _aligned(folder: str, angle: str, facts: dict | None) -> str | None:
    """The published aligned rendition, when the alignment is good enough to show."""
    if not facts or facts["is_reference"] or not facts["alignment"]:
        return None
    if facts["alignment"]["confidence"] < CONFIDENT:
        return None
    return ALIGNED_NAME.format(folder=folder, angle=angle)


# ---------- findings ----------

def evidence_findings(journal: Journal, evidence: dict[str, dict]) -> list[Finding]:
    """Framing drift, grey-card colour change and measured-versus-entered SALT, per photo or session."""
    if journal.config is None:
        return []
    found = []
    folders = {path: facts["folder"] for path, facts in evidence.items()}
    for path, facts in sorted(evidence.items()):
        ref = facts["reference"]
        if facts["is_reference"] or ref is None:
            continue
        if facts["alignment"] is not None:
            found += framing(path, facts["angle"], facts["alignment"], folders.get(ref, ""))
        elif facts.get("align_note") == "unmatched":
            found += _unmatched(path, facts["angle"], folders.get(ref, ""))
        found += _card(path, facts, evidence.get(ref), folders.get(ref, ""))
    for rec in journal.sessions:
        found += _salt_agreement(rec, journal.config, evidence)
    return found


HINT = ("load the baseline's ghost image (site page 'Take the next photos') in the camera app and match its "
        "outline; same distance, phone held level")


def framing(path: str, angle: str, t: dict, base_folder: str) -> list[Finding]:
    """A framing-drift warning when the photo is turned, scaled or shifted beyond the limits,
    or cannot be aligned with confidence (then its numbers are not trusted, and not judged)."""
    if t["confidence"] < CONFIDENT:
        reasons = [f"cannot be aligned with confidence ({t['confidence']:.2f}, below {CONFIDENT}): "
                   "it may show another view, or much less of the head"]
    else:
        reasons = _beyond_limits(t)
    if not reasons:
        return []
    return [warning("framing-drift", path, f"{angle} photo framed unlike the baseline ({base_folder}): "
                    + "; ".join(reasons), hint=HINT)]


def _unmatched(path: str, angle: str, base_folder: str) -> list[Finding]:
    return [warning("framing-drift", path, f"{angle} photo framed unlike the baseline ({base_folder}): cannot be "
                    "aligned, too few features in common: it may show another view, or much less of the head",
                    hint=HINT)]


def _beyond_limits(t: dict) -> list[str]:
    reasons = []
    if abs(t["rotation_deg"]) > MAX_ROTATION_DEG:
        way = "counter-clockwise" if t["rotation_deg"] > 0 else "clockwise"
        reasons.append(f"turned {abs(t['rotation_deg']):.0f}° {way} (limit {MAX_ROTATION_DEG:.0f}°)")
    low, high = SCALE_RANGE
    if not low <= t["scale"] <= high:
        way = "further away" if t["scale"] > 1 else "closer"
        reasons.append(f"taken from {way}: scaled by {t['scale']:.2f} to match (limits {low}-{high})")
    shift = (t["dx_pct"] ** 2 + t["dy_pct"] ** 2) ** 0.5
    if shift > MAX_SHIFT_PCT:
        reasons.append(f"shifted by {shift:.0f} % of the width (limit {MAX_SHIFT_PCT:.0f} %)")
    return reasons


def _card(path: str, facts: dict, ref: dict | None, base_folder: str) -> list[Finding]:
    if not facts.get("card_lab") or not ref or not ref.get("card_lab"):
        return []
    de = delta_e2000(ref["card_lab"], facts["card_lab"])
    if de <= MAX_CARD_DELTA_E:
        return []
    return [warning("grey-card-drift", path, f"the grey card differs from the baseline's ({base_folder}) by "
                    f"ΔE00 {de:.1f} (limit {MAX_CARD_DELTA_E:.0f}): the light has changed",
                    hint="same place, same light, same time of day; the photo is white-balanced from the card, "
                         "but shadows and brightness are not")]


def _salt_agreement(rec, config: Config, evidence: dict[str, dict]) -> list[Finding]:
    """The entered SALT against the one measured from masks, when both are complete."""
    session = {"photos": rec.photos, "folder": rec.folder}
    measured = {p: evidence[p] for p in rec.photos.values() if p in evidence}
    regions = _regions(session["photos"], config, measured)
    if regions is None or any(v is None for v in regions.values()) or rec.session is None:
        return []
    entered = value(SALT, raw(rec.session, SALT))  # as given, or the total of its regions
    if entered is None:
        return []
    photo = scores.salt_total(regions)
    if abs(photo - entered) <= SALT_DISAGREEMENT:
        return []
    return [SALT_MASKS.disagrees.finding(
        rec.yaml_path, f"SALT entered {entered:.1f}, measured from the masks {photo:.1f}: "
        f"{abs(photo - entered):.1f} points apart (limit {SALT_DISAGREEMENT:.0f})", rec.lines.get((SALT.key,)),
        "check the estimate against the masks, or the masks against the photos")]
