"""`scalpsite build`: the stages in order, from journal files to a published OUT."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.check import check
from scalpsite.analysis.photocheck import check_photos
from scalpsite.analysis.photoevidence import evidence_findings
from scalpsite.errors import JournalError
from scalpsite.findings import Finding, Level, sort_findings
from scalpsite.journal.load import Journal, load
from scalpsite.output.export import to_csv, to_json
from scalpsite.output.memo import cached, code_digest, digest, link, tree_digest
from scalpsite.output.publish import check_out, discard, stage, swap
from scalpsite.photos import images
from scalpsite.photos.evidence import Evidence, Mode, collect
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
          progress: images.Progress | None = None) -> BuildResult:
    """Load, check, analyse, render and publish; the previous output survives any failure."""
    started = time.monotonic()
    root = Path(root)
    journal = load(root)
    require_config(journal)
    out = check_out(out or root / "_site", root)
    with images.Workers() as workers:  # one pool for the renditions and the evidence
        photos = images.process(root, _photo_paths(journal), root / CACHE_DIR / "renditions", progress,
                                _cards(journal), workers)
        found = collect(journal, photos, root / CACHE_DIR, Mode.BUILD, workers)
    findings = sort_findings(check(journal) + _photo_findings(journal, photos, found))
    data = analyze(journal, findings, as_of=for_date or source_date(), since=since, until=until,
                   evidence=found.photos)
    staging = stage(out)
    try:
        _render(journal, data, photos, found, staging, pdf, for_date)
        swap(staging, out)
    except BaseException:
        discard(staging)
        raise
    return BuildResult(out, len(data["sessions"]), photos.rendered, photos.cached, findings,
                       time.monotonic() - started)


def check_journal(root: Path, today: dt.date | None) -> list[Finding]:
    """All findings of `scalpsite check`: the files, then the photos (from small decodes)."""
    journal = load(root)
    found = check(journal, today)
    if journal.config is not None:
        with images.Workers() as workers:
            photos = images.inspect(root, _photo_paths(journal), root / CACHE_DIR / "renditions",
                                    cards=_cards(journal), workers=workers)
            evidence = collect(journal, photos, root / CACHE_DIR, Mode.CHECK, workers)
        found = sort_findings(found + _photo_findings(journal, photos, evidence))
    return found


def export_data(root: Path, fmt: str, as_of: dt.date | None = None) -> str:
    """The analysis of a journal as JSON or CSV text; photos are read only for what they
    measure (masks, framing), from the cache when a build has made it."""
    journal = load(root)
    require_config(journal)
    with images.Workers() as workers:
        photos = images.inspect(root, _photo_paths(journal), root / CACHE_DIR / "renditions",
                                cards=_cards(journal), workers=workers)
        evidence = collect(journal, photos, root / CACHE_DIR, Mode.DATA, workers)
    data = analyze(journal, check(journal), as_of=as_of or source_date(), evidence=evidence.photos)
    return to_json(data) if fmt == "json" else to_csv(data)


def start_masks(root: Path, session: str) -> tuple[Journal, list]:
    """`mask start`: the session's masks begun from the previous ones (photos/maskstart.py)."""
    from scalpsite.photos.maskstart import start

    journal = load(root)
    require_config(journal)
    return journal, start(journal, session)


def _photo_paths(journal: Journal) -> list[str]:
    return sorted({p for rec in journal.sessions for p in rec.photos.values()})


def _cards(journal: Journal) -> images.Cards:
    """The grey-card box of each photo that has one (session.yaml photo_meta)."""
    cards = {}
    for rec in journal.sessions:
        for angle, meta in (rec.session.photo_meta.items() if rec.session else ()):
            if meta.grey_card is not None and angle in rec.photos:
                cards[rec.photos[angle]] = tuple(meta.grey_card)
    return cards


def _photo_findings(journal: Journal, photos: images.PhotoResult, evidence: Evidence) -> list[Finding]:
    """What the photos say about themselves: unreadable, light, framing, masks, grey cards."""
    return (photos.findings + check_photos(journal, photos.renditions) + evidence.findings
            + evidence_findings(journal, evidence.photos))


def _render(journal: Journal, data: dict, photos: images.PhotoResult, evidence: Evidence, staging: Path,
            pdf: bool, for_date: dt.date | None) -> None:
    (staging / "data.json").write_text(to_json(data), encoding="utf-8")
    (staging / "data.csv").write_text(to_csv(data), encoding="utf-8")
    cache = journal.root / CACHE_DIR
    chart_input = {k: data[k] for k in ("sessions", "treatments", "conditions", "density_zones", "density_unit")}
    charts = cached(cache / "charts", digest("charts", chart_input, code_digest()), staging,
                    lambda: _render_charts(data, staging))
    view = make_view(journal, data, photos, charts, for_date, evidence)
    _place_photos(view, photos, cache / "renditions", staging)
    _place_evidence(view, evidence, staging)
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


def _place_evidence(view: dict, evidence: Evidence, staging: Path) -> None:
    """Link the aligned renditions, mask overlays and ghosts the view names into the staging folder."""
    for path, files in evidence.files.items():
        facts = evidence.photos[path]
        row = view["photos"].get(facts["folder"], {}).get(facts["angle"], {})
        for kind, source in files.items():
            if row.get(kind):
                link(source, staging / row[kind])
    for angle, source in evidence.ghosts.items():
        link(source, staging / view["ghosts"][angle])


def _place_photos(view: dict, photos: images.PhotoResult, cache: Path, staging: Path) -> None:
    """Link (or copy) cached renditions to their places in the staging folder."""
    for row in view["photos"].values():
        for r in row.values():
            for name, rel in (("web", r["web"]), ("thumb", r["thumb"]), ("print", r["print"])):
                link(cache / f"{r['key']}-{name}.jpg", staging / rel)

