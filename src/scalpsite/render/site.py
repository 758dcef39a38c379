"""Stage: the static web site, rendered from the view by the theme's jinja2 templates."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    Undefined,
    select_autoescape,
)

from scalpsite.analysis import scores
from scalpsite.analysis.response import MILESTONE_LABELS
from scalpsite.errors import BuildError
from scalpsite.render.view import LAB_LABELS, medication_periods, unit_text

DASH = "—"
MINUS = "\u2212"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'")
RESPONSE_LABELS = {"not_reached": "No SALT30 response yet", "kept": "Response kept",
                   "lost": "Response lost (relapse)"}


# ---------- formatting filters (format only; every number comes from the analysis) ----------

def fmt_num(value, digits: int = 1) -> str:
    """A number with `digits` decimals (integers as they are); "—" for a missing value."""
    if value is None or value == "" or isinstance(value, Undefined):
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value).replace("-", MINUS)
    return f"{value:.{digits}f}".replace("-", MINUS)


def fmt_signed(value, digits: int = 1) -> str:
    """A change with its sign (+, −); "—" when missing, "0" for no change."""
    if value is None or isinstance(value, Undefined):
        return DASH
    if value == 0:
        return "0"
    return ("+" if value > 0 else "") + fmt_num(value, digits)


def fmt_date(value) -> str:
    """An ISO date as '6 Jan 2025' (locale-free, so the output is reproducible)."""
    if not value or isinstance(value, Undefined):
        return DASH
    text = str(value)
    try:
        year, month, day = (int(p) for p in text[:10].split("-"))
        return f"{day} {MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return text


def fmt_label(value) -> str:
    """A key such as 'temporal_left' as 'Temporal left'."""
    if value is None or isinstance(value, Undefined):
        return DASH
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def fmt_week(session: dict) -> str:
    """'week 7', or 'before start' for sessions before the treatment start."""
    days = session.get("days_on_treatment")
    if days is None:
        return DASH
    return "before start" if days < 0 else f"week {session.get('week')}"


def fmt_href(path) -> str:
    """An output-relative path quoted for use in href/src."""
    return quote(str(path), safe="/")


def fmt_unit(value) -> str:
    """A unit as typed, powers as superscripts ('10^9/L' as '10⁹/L'); "" when missing."""
    if value is None or isinstance(value, Undefined):
        return ""
    return unit_text(value)


# ---------- environment ----------

def make_env(theme_dirs: list[Path], bytecode: Path | None = None) -> Environment:
    """jinja2 environment: theme templates override the default; '!default/x' loads the default's.

    With `bytecode`, compiled templates are kept in that folder, so a rebuild does not compile
    them again (jinja2 checks each template's source before reusing its code).
    """
    loaders = [FileSystemLoader(str(d / "templates")) for d in theme_dirs]
    default = FileSystemLoader(str(theme_dirs[-1] / "templates"))
    env = Environment(
        loader=ChoiceLoader([*loaders, PrefixLoader({"!default": default})]),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, bytecode_cache=_bytecode_cache(bytecode))
    env.filters.update(num=fmt_num, signed=fmt_signed, date=fmt_date, label=fmt_label,
                       week=fmt_week, href=fmt_href, unit=fmt_unit)
    env.globals.update(csp=CSP, milestone_labels=MILESTONE_LABELS,
                       phase_labels=scores.PHASE_LABELS, aa_iga_labels=scores.AA_IGA_LABELS,
                       response_labels=RESPONSE_LABELS, lab_labels=LAB_LABELS)
    return env


def _bytecode_cache(folder: Path | None) -> FileSystemBytecodeCache | None:
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


# ---------- page contexts (selection of what to show; no scores computed here) ----------

def _angle_views(view: dict) -> dict[str, dict]:
    """Per angle: the baseline and the latest photo to compare, and the timeline."""
    data, photos = view["data"], view.get("photos", {})
    baseline_folder = data.get("summary", {}).get("baseline_folder")
    result = {}
    for angle in data.get("angles", []):
        timeline = [{"session": s, "photo": photos.get(s["folder"], {}).get(angle)}
                    for s in data.get("sessions", [])]
        shot = [t for t in timeline if t["photo"]]
        base = next((t for t in shot if t["session"]["folder"] == baseline_folder),
                    shot[0] if shot else None)
        latest = shot[-1] if shot else None
        result[angle] = {"baseline": base, "latest": latest if latest is not base else None,
                         "timeline": timeline}
    return result


def _lab_names(data: dict) -> list[str]:
    """Every lab name recorded in any session, sorted: the columns of the labs table."""
    return sorted({name for s in data.get("sessions", []) for name in s.get("labs") or {}})


def _findings_for(findings: list[dict], folder: str) -> list[dict]:
    prefix = f"sessions/{folder}/"
    return [f for f in findings if str(f.get("path") or "").startswith(prefix)]


def _session_pages(view: dict) -> list[tuple[str, dict]]:
    data = view["data"]
    sessions = data.get("sessions", [])
    pages = []
    for i, s in enumerate(sessions):
        context = {"session": s, "page": "sessions",
                   "prev": sessions[i - 1] if i > 0 else None,
                   "next": sessions[i + 1] if i + 1 < len(sessions) else None,
                   "session_photos": view.get("photos", {}).get(s["folder"], {}),
                   "notes_html": view.get("notes_html", {}).get(s["folder"], ""),
                   "session_findings": _findings_for(data.get("findings", []), s["folder"])}
        pages.append((f"sessions/{s['folder']}.html", context))
    return pages


def pages(view: dict, angles: dict[str, dict]) -> list[tuple[str, str, dict]]:
    """Every page to write: (output path, template name, page context)."""
    result = [("index.html", "index.html", {"page": "index"}),
              ("side-effects.html", "side-effects.html", {"page": "side-effects"}),
              ("appointments.html", "appointments.html", {"page": "appointments"}),
              ("findings.html", "findings.html", {"page": "findings"}),
              ("next-photos.html", "next-photos.html", {"page": "next-photos"})]
    result += [(path, "session.html", ctx) for path, ctx in _session_pages(view)]
    result += [(f"angles/{a}.html", "angle.html", {"page": f"angle-{a}", "angle": a, **v})
               for a, v in angles.items()]
    return result


# ---------- writing ----------

def _target(out: Path, rel: str) -> Path:
    """`out/rel`, refusing a path that would leave the output folder."""
    path = (out / rel).resolve()
    if not path.is_relative_to(out.resolve()):
        raise BuildError(f"refusing to write outside the output folder: {rel}")
    return path


def copy_static(out: Path, theme_dirs: list[Path]) -> list[str]:
    """Copy each theme's static/ into out/static/, the default first and overrides on top."""
    written = set()
    for theme in reversed(theme_dirs):
        static = theme / "static"
        if not static.is_dir():
            continue
        for src in sorted(p for p in static.rglob("*") if p.is_file()):
            rel = "static/" + src.relative_to(static).as_posix()
            dest = _target(out, rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            written.add(rel)
    return sorted(written)


def render_site(view: dict, out: Path, theme_dirs: list[Path], bytecode: Path | None = None) -> list[str]:
    """Write the HTML pages and theme static files into `out`; return the sorted paths written."""
    env = make_env(theme_dirs, bytecode)
    angles = _angle_views(view)
    common = {"angle_views": angles, "view": view, "data": view["data"], "charts": view.get("charts", {}),
              "photos": view.get("photos", {}), "appointments": view.get("appointments", []),
              "angles": view["data"].get("angles", []), "lab_names": _lab_names(view["data"]),
              "medication_periods": medication_periods(view["data"].get("sessions", [])),
              "appointment": view.get("appointment"), "since_last": view.get("since_last")}
    written = copy_static(out, theme_dirs)
    for rel, template, context in pages(view, angles):
        root = "../" * rel.count("/")
        html = env.get_template(template).render(**common, **context, root=root)
        dest = _target(out, rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(html, encoding="utf-8", newline="\n")
        written.append(rel)
    return sorted(written)
