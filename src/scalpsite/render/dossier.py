"""Stage 6b: the PDF dossier, typeset by typst from the same view as the site."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scalpsite.analysis.results import SessionResult
from scalpsite.analysis.results.base import Out
from scalpsite.errors import BuildError
from scalpsite.render.view import Rendition, View

if TYPE_CHECKING:
    from typst import PDFStandard  # the names typst's pdf_standards takes (in its type stubs)

TEMPLATE = "dossier.typ"
PARTS = "typst"  # optional folder of .typ files the template imports, per theme
SCRATCH = "_dossier"  # where the template is copied inside workdir; removed afterwards
# PDF/A-2b, so a clinic's record system can archive the dossier as it is; tagged (typst's default)
# and checked against PDF/UA-1, so a screen reader can follow it. An encrypted copy cannot be
# PDF/A (the standard forbids encryption): output/encrypt.py drops the claim from it.
PDF_STANDARDS: list[PDFStandard] = ["a-2b", "ua-1"]
# A journal's own dossier template may lack what PDF/UA asks (alternate texts): PDF/A alone then.
PDF_ARCHIVAL: list[PDFStandard] = ["a-2b"]


def render_dossier(view: View, workdir: Path, out_pdf: Path, theme_dirs: list[Path],
                   timestamp: int) -> None:
    """Typeset `view` into `out_pdf`; photos and charts are read from `workdir`."""
    import typst

    payload = json.dumps(dossier_view(view, workdir), ensure_ascii=False, sort_keys=True)
    scratch = workdir / SCRATCH
    try:
        main, source = install_template(theme_dirs, scratch)

        def typeset(standards: list[PDFStandard]) -> None:
            typst.compile(str(main), output=str(out_pdf), root=str(workdir),
                          sys_inputs={"data": payload}, font_paths=[str(_font_dir())],
                          ignore_system_fonts=True, timestamp=timestamp, pdf_standards=standards)
        try:
            typeset(PDF_STANDARDS)
        except typst.TypstError as exc:
            if "PDF/UA" not in _describe(exc) or not _journal_template(theme_dirs):
                raise
            typeset(PDF_ARCHIVAL)
    except typst.TypstError as exc:
        raise BuildError(f"the dossier could not be typeset (template {source}):\n{_describe(exc)}") from None
    except OSError as exc:
        raise system_error(exc, out_pdf) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _journal_template(theme_dirs: list[Path]) -> bool:
    """Whether the journal's theme brings its own dossier template or parts (not only the default's)."""
    from scalpsite.render.themes import builtin_themes

    builtin = builtin_themes().resolve()
    return any(((d / TEMPLATE).is_file() or (d / PARTS).is_dir()) and builtin not in d.resolve().parents
               for d in theme_dirs)


def install_template(theme_dirs: list[Path], folder: Path) -> tuple[Path, Path]:
    """Copy the theme's dossier.typ and its parts into folder; returns the copy and its source."""
    found = [d for d in theme_dirs if (d / TEMPLATE).is_file()]
    if not found:
        raise BuildError(f"no {TEMPLATE} in the theme folders: " + ", ".join(map(str, theme_dirs)))
    # Parts overlay from the default up, so a theme may override a single part file.
    for theme in reversed(theme_dirs):
        parts = theme / PARTS
        for src in sorted(parts.rglob("*")) if parts.is_dir() else ():
            if src.is_file():
                _copy(src, folder / PARTS / src.relative_to(parts))
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / TEMPLATE
    shutil.copyfile(found[0] / TEMPLATE, main)
    return main, found[0] / TEMPLATE


class ShownPhoto(Out):
    """A photo of the dossier's comparison: the image drawn, its mask overlay and the words that
    say which (aligned to the reference when the analysis found the alignment reliable)."""

    image: str
    aligned: bool
    overlay: str | None
    framing: str | None
    mask_loss: float | None


def dossier_view(view: View, workdir: Path) -> dict[str, Any]:
    """The view as typst reads it, one JSON dump: only the photos and charts whose files exist (a
    missing one is drawn as such), and no angle pages (the site's; the dossier has the comparison
    and the timeline)."""
    photos = _present_photos(view.photos, workdir)
    out = view.model_dump(mode="json", exclude={"angle_views", "photos", "charts"})
    out["photos"] = {folder: {angle: p.model_dump(mode="json") for angle, p in row.items()}
                     for folder, row in photos.items()}
    out["charts"] = {k: p for k, p in sorted(view.charts.items()) if (workdir / p).is_file()}
    shown = compare_photos(photos, [c.folder for c in view.comparison], view.data.sessions, workdir)
    out["compare_photos"] = {folder: {angle: p.model_dump(mode="json") for angle, p in row.items()}
                             for folder, row in shown.items()}
    return out


def _present_photos(photos: dict[str, dict[str, Rendition]], workdir: Path) -> dict[str, dict[str, Rendition]]:
    """Only photos whose print and thumb renditions exist: a missing one is drawn as "no photo"."""
    return {folder: {angle: p for angle, p in angles.items()
                     if all(k and (workdir / k).is_file() for k in (p.print, p.thumb))}
            for folder, angles in photos.items()}


def compare_photos(photos: dict[str, dict[str, Rendition]], folders: list[str], sessions: list[SessionResult],
                   workdir: Path) -> dict[str, dict[str, ShownPhoto]]:
    """Per compared session and angle: the image to show (aligned to the reference when the
    analysis found the alignment reliable, else the print rendition), its mask overlay, and
    the words that say which (all decided in the analysis)."""
    by_folder = {s.folder: s for s in sessions}
    out = {}
    for folder in folders:
        row = {}
        s = by_folder.get(folder)
        for angle, p in photos.get(folder, {}).items():
            aligned = p.aligned if p.aligned and (workdir / p.aligned).is_file() else None
            overlay = p.aligned_overlay if aligned else p.overlay
            framing = s.framing.get(angle) if s else None
            row[angle] = ShownPhoto(image=aligned or p.print, aligned=aligned is not None,
                                    overlay=overlay if overlay and (workdir / overlay).is_file() else None,
                                    framing=framing.text if framing else None,
                                    mask_loss=s.mask_loss.get(angle) if s else None)
        out[folder] = row
    return out


def _copy(src: Path, dest: Path) -> None:
    """Copy one file; a failure names the file written (shutil names the source it read)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(src, dest)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(dest)) from exc


def system_error(exc: OSError, path: Path) -> OSError:
    """typst's failures of the disk as Python's OSError with its number and the file written.

    typst reports them in Rust's words ("No space left on device (os error 28)") and without a
    number, so the build could not say "no space left on device while writing PATH"."""
    found = re.search(r"\(os error (\d+)\)", str(exc))
    if exc.errno is not None or found is None:
        return exc
    number = int(found.group(1))
    return OSError(number, os.strerror(number), str(path))


def _font_dir() -> Path:
    """matplotlib's DejaVu fonts: the charts and the PDF share one font, no system fonts.

    Found where matplotlib keeps its data (`matplotlib.get_data_path()`), without importing
    matplotlib: a build whose charts all come from the cache does not otherwise need it (0.3 s)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is a dependency"
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def _describe(exc: Exception) -> str:
    """typst's own message with its location, without Python internals."""
    message = getattr(exc, "message", None) or str(exc)
    diagnostic = (getattr(exc, "diagnostic", "") or "").strip()
    hints = [f"hint: {h}" for h in getattr(exc, "hints", None) or []]
    return "\n".join([diagnostic or message, *hints])
