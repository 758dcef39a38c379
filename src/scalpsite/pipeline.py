"""`scalpsite build`: the stages in order, from journal files to a published OUT."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.check import check
from scalpsite.analysis.photocheck import check_photos
from scalpsite.errors import JournalError
from scalpsite.findings import Finding, Level, sort_findings
from scalpsite.journal.load import Journal, load
from scalpsite.output.bundle import (
    DEFAULT_MAX_MB,
    BundleFile,
    bundle_files,
    bundle_html,
)
from scalpsite.output.bundle import DEFAULT_NAME as BUNDLE_NAME
from scalpsite.output.bundle import check_path as check_bundle_path
from scalpsite.output.bundle import write as write_bundle
from scalpsite.output.encrypt import Sealer, encrypt_site
from scalpsite.output.export import to_csv, to_json
from scalpsite.output.memo import cached, code_digest, digest, link, tree_digest
from scalpsite.output.passwords import require_strong
from scalpsite.output.publish import check_out, discard, stage, swap
from scalpsite.photos import images
from scalpsite.render.themes import theme_dirs
from scalpsite.render.view import make_view

CACHE_DIR = ".scalpsite-cache"


@dataclass
class BuildResult:
    """What a build did, for the one-line summary and the exit code."""

    out: Path
    sessions: int
    photos_rendered: int
    photos_cached: int
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(f.level is Level.ERROR for f in self.findings)


def source_date() -> dt.date | None:
    """The date of SOURCE_DATE_EPOCH, when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError) as exc:
        raise JournalError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc


def require_config(journal: Journal) -> None:
    """Stop with every config problem listed when scalpsite.yaml cannot be used."""
    if journal.config is None:
        problems = [f for f in journal.findings if f.path == "scalpsite.yaml"]
        lines = "\n".join(f"  {f.location()}: {f.message}" for f in problems)
        raise JournalError(f"scalpsite.yaml has errors; fix them and run the command again:\n{lines}")


def build(root: Path, out: Path | None = None, pdf: bool = True, since: dt.date | None = None,
          until: dt.date | None = None, for_date: dt.date | None = None,
          progress: images.Progress | None = None, password: str | None = None) -> BuildResult:
    """Load, check, analyse, render and publish; the previous output survives any failure.

    With a password the finished build is encrypted before it replaces OUT (docs/encryption.md).
    """
    started = time.monotonic()
    root = Path(root)
    journal = load(root)
    require_config(journal)
    if password is not None:
        require_strong(password, password_hints(journal))
    out = check_out(out or root / "_site", root)
    photos, findings, data = _analyse(journal, progress, for_date, since, until)
    staging = stage(out)
    try:
        _render(journal, data, photos, staging, pdf, for_date)
        if password is not None:
            encrypt_site(staging, password)
        swap(staging, out)
    except BaseException:
        discard(staging)
        raise
    return BuildResult(out, len(data["sessions"]), photos.rendered, photos.cached, findings,
                       time.monotonic() - started)


def bundle(root: Path, target: Path | None = None, for_date: dt.date | None = None,
           password: str | None = None, max_mb: float = DEFAULT_MAX_MB,
           progress: images.Progress | None = None) -> BundleFile:
    """The site in one self-contained HTML file (encrypted with a password), refused over max_mb."""
    root = Path(root)
    journal = load(root)
    require_config(journal)
    if password is not None:
        require_strong(password, password_hints(journal))
    target = check_bundle_path(target or root / BUNDLE_NAME, root)
    photos, findings, data = _analyse(journal, progress, for_date)
    (root / CACHE_DIR).mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bundle-", dir=root / CACHE_DIR) as site:
        _render(journal, data, photos, Path(site), False, for_date)
        sealer = Sealer.new(password) if password is not None else Sealer(None, None)
        html = bundle_html(bundle_files(Path(site)), sealer)
    made = write_bundle(target, html, max_mb, password is not None)
    return replace(made, errors=[f for f in findings if f.level is Level.ERROR])


def check_journal(root: Path, today: dt.date | None) -> list[Finding]:
    """All findings of `scalpsite check`: the files, then the photos (from small decodes)."""
    journal = load(root)
    found = check(journal, today)
    if journal.config is not None:
        photos = images.inspect(root, _photo_paths(journal), root / CACHE_DIR / "renditions")
        found = sort_findings(found + photos.findings + check_photos(journal, photos.renditions))
    return found


def export_data(root: Path, fmt: str, as_of: dt.date | None = None) -> str:
    """The analysis of a journal as JSON or CSV text (no photos are read)."""
    journal = load(root)
    require_config(journal)
    data = analyze(journal, check(journal), as_of=as_of or source_date())
    return to_json(data) if fmt == "json" else to_csv(data)


def _analyse(journal: Journal, progress: images.Progress | None, for_date: dt.date | None,
             since: dt.date | None = None, until: dt.date | None = None):
    """Photos processed, every finding, and the analysis: what both outputs render."""
    root = journal.root
    photos = images.process(root, _photo_paths(journal), root / CACHE_DIR / "renditions", progress)
    findings = sort_findings(check(journal) + photos.findings + check_photos(journal, photos.renditions))
    data = analyze(journal, findings, as_of=for_date or source_date(), since=since, until=until)
    return photos, findings, data


def password_hints(journal: Journal) -> list[str]:
    """Words of the journal a password must not lean on: title, patient's name, drug names."""
    config = journal.config
    return [config.title, config.patient.name or "", *(t.drug for t in config.treatments), "scalpsite"]


def _photo_paths(journal: Journal) -> list[str]:
    return sorted({p for rec in journal.sessions for p in rec.photos.values()})


def _render(journal: Journal, data: dict, photos: images.PhotoResult, staging: Path,
            pdf: bool, for_date: dt.date | None) -> None:
    (staging / "data.json").write_text(to_json(data), encoding="utf-8")
    (staging / "data.csv").write_text(to_csv(data), encoding="utf-8")
    cache = journal.root / CACHE_DIR
    chart_input = {k: data[k] for k in ("sessions", "treatments", "conditions", "density_zones", "density_unit")}
    charts = cached(cache / "charts", digest("charts", chart_input, code_digest()), staging,
                    lambda: _render_charts(data, staging))
    view = make_view(journal, data, photos, charts, for_date)
    _place_photos(view, photos, cache / "renditions", staging)
    dirs = theme_dirs(journal.root, journal.config.theme)
    inputs = digest(view, tree_digest(dirs), code_digest())
    cached(cache / "site", digest("site", inputs), staging,
           lambda: _render_site(view, staging, dirs, cache / "jinja"))
    if pdf:
        cached(cache / "dossier", digest("dossier", inputs), staging,
               lambda: _render_pdf(view, staging, dirs, data))
    shutil.rmtree(staging / "print", ignore_errors=True)


def _render_site(view: dict, staging: Path, dirs: list[Path], bytecode: Path) -> dict[str, str]:
    from scalpsite.render.site import render_site

    return {rel: rel for rel in render_site(view, staging, dirs, bytecode)}


def _render_charts(data: dict, staging: Path) -> dict[str, str]:
    from scalpsite.render.charts import (
        render_charts,  # matplotlib: imported only when a chart is drawn
    )

    return render_charts(data, staging)


def _render_pdf(view: dict, staging: Path, dirs: list[Path], data: dict) -> dict[str, str]:
    from scalpsite.render.dossier import render_dossier

    stamp = dt.datetime.combine(dt.date.fromisoformat(data["generated_for"]), dt.time(12), dt.timezone.utc)
    render_dossier(view, staging, staging / "dossier.pdf", dirs, int(stamp.timestamp()))
    return {"dossier": "dossier.pdf"}


def _place_photos(view: dict, photos: images.PhotoResult, cache: Path, staging: Path) -> None:
    """Link (or copy) cached renditions to their places in the staging folder."""
    for row in view["photos"].values():
        for r in row.values():
            for name, rel in (("web", r["web"]), ("thumb", r["thumb"]), ("print", r["print"])):
                link(cache / f"{r['key']}-{name}.jpg", staging / rel)

