"""Stage 6b: the PDF dossier, typeset by typst from the same view as the site."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from scalpsite.errors import BuildError
from scalpsite.render.view import (
    lab_columns,
    medication_periods,
    previous_appointment,
    unit_text,
)

TEMPLATE = "dossier.typ"
# Thumbnails per angle in the PDF's timeline grid (three rows of eight). A multi-year journal
# shows a sample spread over time: the grid stays readable, the PDF small, and typst's memory
# flat; the site and the tables keep every session.
TIMELINE_LIMIT = 24
PARTS = "typst"  # optional folder of .typ files the template imports, per theme
SCRATCH = "_dossier"  # where the template is copied inside workdir; removed afterwards


def render_dossier(view: dict, workdir: Path, out_pdf: Path, theme_dirs: list[Path],
                   timestamp: int) -> None:
    """Typeset `view` into `out_pdf`; photos and charts are read from `workdir`."""
    import typst

    payload = json.dumps(dossier_view(view, workdir), ensure_ascii=False, sort_keys=True)
    scratch = workdir / SCRATCH
    try:
        main, source = install_template(theme_dirs, scratch)
        typst.compile(str(main), output=str(out_pdf), root=str(workdir),
                      sys_inputs={"data": payload}, font_paths=[str(_font_dir())],
                      ignore_system_fonts=True, timestamp=timestamp)
    except typst.TypstError as exc:
        raise BuildError(f"the dossier could not be typeset (template {source}):\n{_describe(exc)}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def install_template(theme_dirs: list[Path], folder: Path) -> tuple[Path, Path]:
    """Copy the theme's dossier.typ and its parts into folder; returns the copy and its source."""
    found = [d for d in theme_dirs if (d / TEMPLATE).is_file()]
    if not found:
        raise BuildError(f"no {TEMPLATE} in the theme folders: " + ", ".join(map(str, theme_dirs)))
    # Parts overlay from the default up, so a theme may override a single part file.
    for theme in reversed(theme_dirs):
        parts = theme / PARTS
        if parts.is_dir():
            shutil.copytree(parts, folder / PARTS, dirs_exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / TEMPLATE
    shutil.copyfile(found[0] / TEMPLATE, main)
    return main, found[0] / TEMPLATE


def dossier_view(view: dict, workdir: Path) -> dict:
    """The view plus what the template needs chosen in advance: comparison sessions, files present."""
    out = dict(view)
    unit = view["data"].get("density_unit")
    out["data"] = {**view["data"], "density_unit": unit_text(unit) if unit else unit}
    out["photos"] = _present_photos(view.get("photos") or {}, workdir)
    out["charts"] = {k: p for k, p in sorted((view.get("charts") or {}).items())
                     if (workdir / p).is_file()}
    out.setdefault("appointment", None)
    out.setdefault("since_last", None)
    out["comparison"] = comparison(view["data"], out["appointment"], view.get("appointments") or [])
    out["compare_photos"] = compare_photos(out["photos"], [c["folder"] for c in out["comparison"]], workdir)
    must = [c["folder"] for c in out["comparison"]] + list((out["since_last"] or {}).get("folders") or [])
    out["timeline"] = timeline_folders(view["data"].get("sessions") or [], must, TIMELINE_LIMIT)
    out["lab_columns"] = lab_columns(view["data"].get("sessions") or [])
    out["medication_periods"] = medication_periods(view["data"].get("sessions") or [])
    return out


def _present_photos(photos: dict, workdir: Path) -> dict:
    """Only photos whose print and thumb renditions exist: a missing one is drawn as "no photo"."""
    return {folder: {angle: p for angle, p in angles.items()
                     if all(p.get(k) and (workdir / p[k]).is_file() for k in ("print", "thumb"))}
            for folder, angles in photos.items()}


def compare_photos(photos: dict, folders: list[str], workdir: Path) -> dict:
    """Per compared session and angle: the image to show (aligned to the baseline when the
    analysis found the alignment reliable, else the print rendition), its mask overlay, and
    the words that say which."""
    out = {}
    for folder in folders:
        row = {}
        for angle, p in photos.get(folder, {}).items():
            aligned = p.get("aligned") if p.get("aligned") and (workdir / p["aligned"]).is_file() else None
            overlay = p.get("aligned_overlay") if aligned else p.get("overlay")
            row[angle] = {"image": aligned or p["print"], "aligned": aligned is not None,
                          "overlay": overlay if overlay and (workdir / overlay).is_file() else None,
                          "framing": p["framing"]["text"], "mask_loss": p.get("mask_loss"),
                          "salt_region": p.get("salt_region")}
        out[folder] = row
    return out


def comparison(data: dict, appointment: dict | None, appointments: list[dict]) -> list[dict]:
    """Baseline, a middle session and latest, as {folder, role}, in date order without repeats."""
    summary = data.get("summary") or {}
    first, last = summary.get("baseline_folder"), summary.get("latest_folder")
    sessions = data.get("sessions") or []
    if not sessions or first is None or last is None:
        return []
    picks = [{"folder": first, "role": "Baseline"}]
    seen = _since_last_visit(sessions, first, last, appointment, appointments)
    if seen:
        picks.append({"folder": seen, "role": "At last visit"})
    elif middle := _middle_in_time(sessions, first, last):
        picks.append({"folder": middle, "role": "Midway"})
    if last != first:
        picks.append({"folder": last, "role": "Latest"})
    return picks


def _between(sessions: list[dict], first: str, last: str) -> list[dict]:
    dates = {s["folder"]: s["date"] for s in sessions}
    return [s for s in sessions if dates[first] < s["date"] < dates[last]]


def _since_last_visit(sessions, first, last, appointment, appointments) -> str | None:
    """The last session on or before the appointment preceding this one (what the physician saw)."""
    previous = previous_appointment(appointment, appointments)
    if previous is None:
        return None
    seen = [s for s in _between(sessions, first, last) if s["date"] <= previous["date"]]
    return seen[-1]["folder"] if seen else None


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


def _font_dir() -> Path:
    """matplotlib's DejaVu fonts: the charts and the PDF share one font, no system fonts."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _describe(exc: Exception) -> str:
    """typst's own message with its location, without Python internals."""
    message = getattr(exc, "message", None) or str(exc)
    diagnostic = (getattr(exc, "diagnostic", "") or "").strip()
    hints = [f"hint: {h}" for h in getattr(exc, "hints", None) or []]
    return "\n".join([diagnostic or message, *hints])
