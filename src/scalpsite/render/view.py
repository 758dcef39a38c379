"""The view: the analysis plus what both renderers need chosen in advance (one place, so the
site and the dossier cannot disagree)."""

from __future__ import annotations

import datetime as dt
import re

from scalpsite.journal.load import Journal
from scalpsite.photos.evidence import Evidence
from scalpsite.photos.images import PhotoResult
from scalpsite.render.framing import (
    evidence_limits,
    framing_label,
    next_photos,
    salt_sources,
)
from scalpsite.render.notes import to_html, to_tree

LAB_LABELS = {"ige": "IgE", "eosinophils": "Eosinophils", "crp": "CRP", "tsh": "TSH"}
POWER = re.compile(r"\^(-?\d+)")
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def make_view(journal: Journal, data: dict, photos: PhotoResult, charts: dict,
              for_date: dt.date | None, evidence: Evidence | None = None) -> dict:
    """Everything the templates need: the analysis plus rendition paths and rendered notes."""
    evidence = evidence or Evidence()
    regions = journal.config.photos.salt_regions if journal.config else {}
    view_photos = {s["folder"]: _photo_row(s, photos, evidence, regions, data) for s in data["sessions"]}
    appointments = [_appointment(a) for a in journal.appointments]
    chosen = next((a for a in appointments if for_date and a["date"] == for_date.isoformat()), None)
    return {
        "data": data, "photos": view_photos, "charts": charts,
        "ghosts": {angle: f"ghosts/{angle}.png" for angle in sorted(evidence.ghosts)},
        "salt_views": dict(regions), "evidence_limits": evidence_limits(),
        "next_photos": next_photos(data, sorted(evidence.ghosts)),
        "salt_sources": salt_sources(data),
        "notes_html": {s["folder"]: to_html(s["notes"]) for s in data["sessions"]},
        "notes_tree": {s["folder"]: to_tree(s["notes"]) for s in data["sessions"]},
        "appointments": appointments, "appointment": chosen,
        "since_last": since_last_appointment(data["sessions"], chosen, appointments),
    }


def _photo_row(s: dict, photos: PhotoResult, evidence: Evidence, regions: dict, data: dict) -> dict:
    """The published files of one session's photos, with what the photo evidence says of each."""
    dates = {x["folder"]: x["date"] for x in data["sessions"]}
    row = {}
    for angle, src in s["photos"].items():
        meta = photos.renditions.get(src)
        if meta is None:
            continue
        base = f"{s['folder']}/{angle}"
        row[angle] = {"web": f"photos/{base}.jpg", "thumb": f"photos/{base}.thumb.jpg",
                      "print": f"print/{base}.jpg", "width": meta["width"], "height": meta["height"],
                      "key": meta["key"], **_evidence_files(s, angle, base, evidence.files.get(src, {})),
                      **_mask(evidence.photos.get(src), regions.get(angle)),
                      "framing": framing_label(s, angle, evidence.photos.get(src), dates)}
    return row


def _evidence_files(s: dict, angle: str, base: str, files: dict) -> dict:
    """Output paths of the aligned rendition and the mask overlays a photo has (None when not)."""
    aligned = s["photos_aligned"].get(angle) if "aligned" in files else None
    return {"aligned": aligned,
            "overlay": f"photos/{base}.mask.png" if "overlay" in files else None,
            "aligned_overlay": f"photos/{base}.aligned.mask.png" if aligned and "aligned_overlay" in files else None}


def _mask(facts: dict | None, region: str | None) -> dict:
    """The loss measured from the photo's painted mask, and the SALT region it stands for."""
    mask = (facts or {}).get("mask") or {}
    return {"mask_loss": mask.get("loss_pct"), "salt_region": region}


def _appointment(a) -> dict:
    return {"date": a.date.isoformat(), "path": a.path, "clinician": a.meta.clinician,
            "purpose": a.meta.purpose, "questions_html": to_html(a.body), "questions_tree": to_tree(a.body)}


def lab_columns(sessions: list[dict]) -> list[dict]:
    """Columns of the labs table: name, readable label, and the unit as first recorded."""
    units: dict[str, str | None] = {}
    for s in sessions:
        for name, lab in (s.get("labs") or {}).items():
            units.setdefault(name, lab.get("unit"))
    return [{"name": name, "label": LAB_LABELS.get(name.lower(), _readable(name)),
             "unit": unit_text(unit) if unit else None, "raw_unit": unit}
            for name, unit in sorted(units.items())]


def medication_periods(sessions: list[dict]) -> list[dict]:
    """Runs of consecutive sessions that list the same medications, as {from, to, sessions, medications}.

    A long journal repeats one list for months; the physician wants to see when it changed.
    An empty list is a run of its own ("none recorded"); without any medication, no runs at all.
    """
    runs: list[dict] = []
    for s in sessions:
        meds = list(s.get("medications") or [])
        if runs and runs[-1]["medications"] == meds:
            runs[-1]["to"] = s["date"]
            runs[-1]["sessions"] += 1
        else:
            runs.append({"from": s["date"], "to": s["date"], "sessions": 1, "medications": meds})
    return runs if any(r["medications"] for r in runs) else []


def _readable(key: str) -> str:
    """'vitamin_D' as 'Vitamin D': underscores to spaces, first letter up, the rest as typed."""
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def unit_text(unit: str) -> str:
    """A unit as typed, with powers written as superscripts: '10^9/L' as '10⁹/L'."""
    return POWER.sub(lambda m: m.group(1).translate(SUPERSCRIPT), str(unit))


def previous_appointment(appointment: dict | None, appointments: list[dict]) -> dict | None:
    """The latest appointment strictly before `appointment`, or None."""
    if not appointment:
        return None
    earlier = [a for a in appointments if a["date"] < appointment["date"]]
    return max(earlier, key=lambda a: a["date"]) if earlier else None


def since_last_appointment(sessions: list[dict], chosen: dict | None, appointments: list[dict]) -> dict | None:
    """With an appointment chosen: when the physician last saw the records, and the sessions since.

    Sessions after the previous appointment (one on its day was seen then) up to the chosen
    appointment's date; None without a chosen or a previous appointment.
    """
    previous = previous_appointment(chosen, appointments)
    if previous is None:
        return None
    folders = [s["folder"] for s in sessions if previous["date"] < s["date"] <= chosen["date"]]
    return {"date": previous["date"], "folders": folders}
