"""The view: the analysis plus what both outputs need chosen in advance: rendition paths,
rendered notes, the appointment prepared for, and which sessions each comparison shows.

The one place that adds presentation-only data; site, charts and dossier only draw it.
"""

from __future__ import annotations

import datetime as dt

from scalpsite.journal.load import Journal
from scalpsite.photos.evidence import Evidence
from scalpsite.photos.images import PhotoResult
from scalpsite.render.clinicalview import with_clinical_charts
from scalpsite.render.notes import to_html, tree_of

# Thumbnails per angle in the PDF's timeline grid (three rows of eight). A multi-year journal
# shows a sample spread over time: the grid stays readable, the PDF small, and typst's memory
# flat; the site and the tables keep every session.
TIMELINE_LIMIT = 24


def make_view(journal: Journal, data: dict, photos: PhotoResult, charts: dict,
              evidence: Evidence | None = None) -> dict:
    """Everything the templates need: the analysis plus rendition paths and rendered notes.

    `evidence`: the photo stage's cached files (aligned renditions, mask overlays, ghosts)."""
    evidence = evidence or Evidence()
    notes_html = {s["folder"]: to_html(s["notes"]) for s in data["sessions"]}
    appointments = [_appointment(a) for a in journal.appointments]
    chosen = _chosen(data["appointment"], appointments)
    seen = data["last_visit"]
    since_last = {"date": seen["date"], "folders": seen["sessions_since"]} if seen else None
    compared = comparison(data)
    must = [c["folder"] for c in compared] + list((since_last or {}).get("folders") or [])
    view_photos = _renditions(data, photos, evidence)
    return {
        "data": data, "photos": view_photos, "charts": charts,
        "notes_html": notes_html,
        "notes_tree": {folder: tree_of(html) for folder, html in notes_html.items()},
        "appointments": appointments, "appointment": chosen, "since_last": since_last,
        "comparison": compared, "timeline": timeline_folders([s for s in data["sessions"] if s["recorded"]], must, TIMELINE_LIMIT),
        "angle_views": angle_views(data, view_photos), "chart_info": chart_info(data),
        "ghosts": {angle: f"ghosts/{angle}.png" for angle in sorted(evidence.ghosts)},
        "next_photos": next_photos(data, [a for a in data["angles"] if a in evidence.ghosts]),
    }


def chart_info(data: dict) -> list[dict]:
    """Title, caption and alt text of each chart, in the order both outputs show them."""
    lines = " and ".join(line["label"].split(":")[0] for line in data["salt_lines"])
    return with_clinical_charts(data, [
        {"key": "salt", "title": "SALT over time", "alt": "SALT score at each session; lower means less hair loss.",
         "caption": f"SALT over time (0 = no loss, 100 = total loss), with the {lines} endpoints; "
                    "shading marks the expected-response phases"
                    + ("; hatching, the interruptions of the drug (no dose)." if data["interruptions"] else ".")},
        {"key": "density", "title": "Hair density per zone", "alt": "Density readings per scalp zone at each session.",
         "caption": f"Hair density per zone over time. Unit: {data['density_unit_label']}."},
        {"key": "ad", "title": "Atopic dermatitis measures", "alt": "Itch, EASI and POEM at each session; lower is better.",
         "caption": "Atopic dermatitis measures over time, each with the value that would meet its meaningful "
                    "change against the baseline (dashed)."},
    ])


def _renditions(data: dict, photos: PhotoResult, evidence: Evidence) -> dict:
    """Per session folder and angle: the output paths and size of the photo's renditions, and of
    its aligned rendition and mask overlays when the photo stage made them."""
    out = {}
    for s in data["sessions"]:
        row = {}
        for angle, src in s["photos"].items():
            meta = photos.renditions.get(src)
            if meta is None:
                continue
            base = f"{s['folder']}/{angle}"
            row[angle] = {"web": f"photos/{base}.jpg", "thumb": f"photos/{base}.thumb.jpg",
                          "print": f"print/{base}.jpg", "width": meta["width"], "height": meta["height"],
                          "key": meta["key"], **_evidence_files(s, angle, base, evidence.files.get(src, {}))}
        out[s["folder"]] = row
    return out


def _evidence_files(s: dict, angle: str, base: str, files: dict) -> dict:
    """Output paths of the aligned rendition and the mask overlays a photo has (None when not)."""
    aligned = s["photos_aligned"].get(angle) if "aligned" in files else None
    return {"aligned": aligned,
            "overlay": f"photos/{base}.mask.png" if "overlay" in files else None,
            "aligned_overlay": f"photos/{base}.aligned.mask.png" if aligned and "aligned_overlay" in files else None}


def next_photos(data: dict, angles: list[str]) -> dict:
    """What the "Take the next photos" page shows: the baseline's date and light, the ghosts."""
    base = next((s for s in data["sessions"] if s["baseline"]), None)
    return {"angles": angles, "baseline_date": base["date"] if base else None,
            "lighting": base["lighting"] if base else None, "next_due": data["schedule"]["next_due"]}



def _appointment(a) -> dict:
    html = to_html(a.body)
    tree = tree_of(html)
    return {"date": a.date.isoformat(), "path": a.path, "clinician": a.meta.clinician,
            "purpose": a.meta.purpose, "questions_html": html, "questions_tree": tree,
            "question_count": question_count(tree)}


def _chosen(visit: dict | None, appointments: list[dict]) -> dict | None:
    """The appointment the analysis chose, with its questions when it has a file."""
    if visit is None:
        return None
    found = next((a for a in appointments if a["path"] == visit["path"]), None)
    return visit | {k: found[k] if found else v for k, v in
                    (("questions_html", ""), ("questions_tree", []), ("question_count", 0))}


def question_count(tree: list[dict]) -> int:
    """How many questions the notes hold: the items of its lists, else its paragraphs."""
    items = [c for n in tree if n["tag"] in ("ol", "ul") for c in n["children"] if c["tag"] == "li"]
    return len(items) or sum(n["tag"] == "p" for n in tree)


def angle_views(data: dict, photos: dict) -> dict[str, dict]:
    """Per angle: the baseline and the latest photo to compare, and the timeline of every session."""
    baseline_folder = data["summary"]["baseline_folder"]
    result = {}
    for angle in data["angles"]:
        timeline = [{"session": s, "photo": photos.get(s["folder"], {}).get(angle)} for s in data["sessions"]]
        shot = [t for t in timeline if t["photo"]]
        base = next((t for t in shot if t["session"]["folder"] == baseline_folder), shot[0] if shot else None)
        latest = shot[-1] if shot else None
        result[angle] = {"baseline": base, "latest": latest if latest is not base else None,
                         "timeline": timeline}
    return result


def comparison(data: dict) -> list[dict]:
    """Baseline, the session seen at the last visit (else the one midway), and latest, as {folder, role}.

    Latest is the latest session with a photo (the analysis names it): never an empty one."""
    summary = data["summary"]
    first, last = summary["baseline_folder"], summary["latest_photo_folder"]
    sessions = data["sessions"]
    if not sessions or first is None or last is None:
        return []
    picks = [{"folder": first, "role": "Baseline"}]
    seen = (data["last_visit"] or {}).get("folder")
    if seen and seen not in (first, last):
        picks.append({"folder": seen, "role": "At last visit"})
    elif middle := _middle_in_time(sessions, first, last):
        picks.append({"folder": middle, "role": "Midway"})
    if last != first:
        picks.append({"folder": last, "role": "Latest"})
    return picks


def _between(sessions: list[dict], first: str, last: str) -> list[dict]:
    dates = {s["folder"]: s["date"] for s in sessions}
    return [s for s in sessions if dates[first] < s["date"] < dates[last]]


def _middle_in_time(sessions: list[dict], first: str, last: str) -> str | None:
    """The session nearest the midpoint between baseline and latest; the earlier one on a tie."""
    inner = _between(sessions, first, last)
    if not inner:
        return None
    dates = {s["folder"]: dt.date.fromisoformat(s["date"]) for s in sessions}
    mid = dates[first] + (dates[last] - dates[first]) / 2
    return min(inner, key=lambda s: (abs(dates[s["folder"]] - mid), s["date"]))["folder"]


def timeline_folders(sessions: list[dict], must: list[str], limit: int) -> list[str]:
    """At most `limit` session folders in date order: all when they fit, else a spread over time.

    The first and the last session are always in; then the folders of `must` in their order
    (the compared sessions, then those since the last visit) up to half the places; the rest
    go to the sessions nearest to evenly spaced dates between the first and the last.
    """
    if len(sessions) <= limit:
        return [s["folder"] for s in sessions]
    dates = {s["folder"]: dt.date.fromisoformat(s["date"]) for s in sessions}
    chosen = set(list(dict.fromkeys(f for f in must if f in dates))[:limit // 2])
    first, last = dates[sessions[0]["folder"]], dates[sessions[-1]["folder"]]
    chosen |= {sessions[0]["folder"], sessions[-1]["folder"]}
    slots = limit - len(chosen)
    for i in range(1, slots + 1):
        target = first + (last - first) * i / (slots + 1)
        free = [f for f in dates if f not in chosen]
        chosen.add(min(free, key=lambda f: (abs(dates[f] - target), dates[f])))
    return [s["folder"] for s in sessions if s["folder"] in chosen]
