"""Stage: the static web site, rendered from the view by the theme's jinja2 templates."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from scalpsite.analysis.results import FindingOut
from scalpsite.errors import BuildError
from scalpsite.render.format import (
    fmt_date,
    fmt_href,
    fmt_label,
    fmt_num,
    fmt_pct,
    fmt_signed,
    plural,
)
from scalpsite.render.pagememo import PageMemo, note
from scalpsite.render.view import View

# What a template may ask of a value besides Jinja2's own filters (docs/themes.md).
FILTERS = {"num": fmt_num, "signed": fmt_signed, "pct": fmt_pct, "date": fmt_date, "label": fmt_label,
           "href": fmt_href, "plural": plural}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'")


# ---------- environment ----------

def make_env(theme_dirs: list[Path]) -> Environment:
    """jinja2 environment: theme templates override the default; '!default/x' loads the default's.

    Every theme, the shipped one included, runs in jinja2's sandbox: a template reaches the
    view's data and the filters below, never Python's internals (a theme may come from anyone).
    Compiled templates live in this process only (see `_environment`), never in a file: jinja2's
    bytecode cache unpickles what it reads, and the journal's cache may be writable by others.
    """
    return _environment(tuple(theme_dirs))


class _Sandbox(SandboxedEnvironment):
    """jinja2's sandbox, with a quick answer for the view's fields: a declared field of a model is
    data, never one of Python's internals, so it is read without the sandbox's longer checks
    (a third of the time of rendering a long journal's pages); anything else goes through them."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        note(obj, attribute)  # the preview keeps a page until something it read changes (pagememo.py)
        if isinstance(obj, BaseModel) and attribute in _fields(type(obj)):
            return obj.__dict__[attribute]
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        note(obj, argument)
        return super().getitem(obj, argument)


@functools.cache
def _fields(model: type[BaseModel]) -> frozenset[str]:
    """The declared fields of a model class."""
    return frozenset(model.model_fields)


@functools.lru_cache(maxsize=4)
def _environment(theme_dirs: tuple[Path, ...]) -> Environment:
    """One environment per theme list and process: the preview's rebuilds reuse its compiled
    templates (jinja2 compiles a template again when its file changes)."""
    loaders = [FileSystemLoader(str(d / "templates")) for d in theme_dirs]
    default = FileSystemLoader(str(theme_dirs[-1] / "templates"))
    env = _Sandbox(
        loader=ChoiceLoader([*loaders, PrefixLoader({"!default": default})]),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters.update(FILTERS)
    env.globals.update(csp=CSP)
    return env


# ---------- page contexts (selection of what to show; no scores computed here) ----------

def _findings_by_folder(findings: list[FindingOut]) -> dict[str, list[FindingOut]]:
    """The findings of each session folder (of its files, or of the folder itself), in their order."""
    by: dict[str, list[FindingOut]] = {}
    for f in findings:
        if f.path.startswith("sessions/"):
            by.setdefault(f.path.split("/", 2)[1], []).append(f)
    return by


def _session_pages(view: View) -> list[tuple[str, dict[str, Any]]]:
    sessions = view.data.sessions
    findings = _findings_by_folder(view.data.findings)
    pages = []
    for i, s in enumerate(sessions):
        context = {"session": s, "page": "sessions",
                   "prev": sessions[i - 1] if i > 0 else None,
                   "next": sessions[i + 1] if i + 1 < len(sessions) else None,
                   "session_photos": view.photos.get(s.folder, {}),
                   "notes_html": view.notes_html.get(s.folder, ""),
                   "session_findings": findings.get(s.folder, [])}
        pages.append((f"sessions/{s.folder}.html", context))
    return pages


def pages(view: View) -> list[tuple[str, str, dict[str, Any]]]:
    """Every page to write: (output path, template name, page context)."""
    result: list[tuple[str, str, dict[str, Any]]] = [
        ("index.html", "index.html", {"page": "index"}),
        ("side-effects.html", "side-effects.html", {"page": "side-effects"}),
        ("appointments.html", "appointments.html", {"page": "appointments"}),
        ("findings.html", "findings.html", {"page": "findings"}),
        ("glossary.html", "glossary.html", {"page": "glossary"}),
        ("next-photos.html", "next-photos.html", {"page": "next-photos"})]
    result += [(path, "session.html", ctx) for path, ctx in _session_pages(view)]
    # an angle page sees its view's three parts as names of its own: baseline, latest, timeline
    result += [(f"angles/{a}.html", "angle.html", {"page": f"angle-{a}", "angle": a, "baseline": v.baseline,
                                                    "latest": v.latest, "timeline": v.timeline})
               for a, v in view.angle_views.items()]
    return result


# ---------- writing ----------

def _target(out: Path, rel: str) -> Path:
    """`out/rel`, refusing a name that would leave the output folder. By name only: `out` is a
    folder the build made (a staging folder), which holds no links."""
    path = Path(rel)
    if path.is_absolute() or ".." in path.parts:
        raise BuildError(f"refusing to write outside the output folder: {rel}")
    return out / path


# How a file of the site is written: (path in the output, its bytes, their SHA-256 in hex when
# known). The default writes into the output folder; the preview's placer may keep a file instead.
Write = Callable[[str, bytes, "str | None"], None]


def writer(out: Path) -> Write:
    """Write each file into the folder `out`."""
    folders: set[Path] = set()

    def write(rel: str, data: bytes, digest: str | None = None) -> None:
        dest = _target(out, rel)
        if dest.parent not in folders:
            dest.parent.mkdir(parents=True, exist_ok=True)
            folders.add(dest.parent)
        dest.write_bytes(data)
    return write


def copy_static(out: Path, theme_dirs: list[Path], write: Write | None = None) -> list[str]:
    """Copy each theme's static/ into out/static/, the default first and overrides on top."""
    files: dict[str, Path] = {}
    for theme in reversed(theme_dirs):
        static = theme / "static"
        if not static.is_dir():
            continue
        for src in sorted(p for p in static.rglob("*") if p.is_file()):
            files["static/" + src.relative_to(static).as_posix()] = src
    write = write or writer(out)
    for rel, src in sorted(files.items()):
        write(rel, src.read_bytes(), None)
    return sorted(files)


def render_site(view: View, out: Path, theme_dirs: list[Path], memo: PageMemo | None = None,
                theme_key: str = "", write: Write | None = None) -> list[str]:
    """Write the HTML pages and theme static files into `out` (or through `write`); return the
    sorted paths written.

    With a memo (the preview's), a page whose reads are all as they were in the memo's last build
    is written as it was then; `theme_key` names the theme's files as they are now.
    A template that fails (bad syntax, a missing value, a sandbox refusal) is a BuildError
    naming the template and its line."""
    env = make_env(theme_dirs)
    common = {"view": view, "data": view.data, "charts": view.charts, "photos": view.photos,
              "appointments": view.appointments, "angles": view.data.angles,
              "angle_views": view.angle_views, "appointment": view.appointment,
              "since_last": view.since_last}
    build = memo.start(theme_key, view, common) if memo is not None else None
    write = write or writer(out)
    written = copy_static(out, theme_dirs, write)
    for rel, template, context in pages(view):
        context["root"] = "../" * rel.count("/")
        if build is None:
            write(rel, _render(env, template, common | context).encode("utf-8"), None)  # "\n" on every system
        else:
            data, kept = build.kept(rel, template, context)
            if kept is None:
                with build.recording() as reads:
                    html = _render(env, template, common | context)
                kept = build.keep(rel, template, data, html, reads)
            write(rel, kept.html, kept.digest)
        written.append(rel)
    if build is not None:
        build.finish()
    return sorted(written)


def _render(env: Environment, template: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(template).render(**context)
    except TemplateError as exc:
        raise BuildError(_template_failure(exc, template)) from None


def _template_failure(exc: TemplateError, template: str) -> str:
    """What went wrong in a theme's template, where, and the fix."""
    what = (exc.message or type(exc).__name__).rstrip(".")
    fix = ("themes run in a sandbox: a template sees the page's data and scalpsite's filters, never "
           "Python's internals" if isinstance(exc, SecurityError) else "fix the template")
    return f"the theme's template {_where(exc, template)} failed: {what}; {fix}"


def _where(exc: TemplateError, template: str) -> str:
    """The failing template file and line when jinja2 knows them, else the page's template name."""
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return f"{exc.filename}:{exc.lineno}"
    where, tb = template, exc.__traceback__
    while tb is not None:  # jinja2 rewrites the frames of templates to their file and line
        code = tb.tb_frame.f_code
        if not code.co_filename.endswith(".py") and Path(code.co_filename).is_file():
            where = f"{code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where
