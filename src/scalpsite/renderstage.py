"""The render stage: data files, charts, pages and the dossier, each from the cache when its inputs are known."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from scalpsite.analysis.photoplan import photo_plan
from scalpsite.analysis.results import Analysis
from scalpsite.journal.load import Journal
from scalpsite.store.carry import Placer
from scalpsite.store.inplace import InPlacer
from scalpsite.output.export import injections_csv, to_csv, to_json
from scalpsite.store.guard import folder
from scalpsite.store.memo import cache_hit, cache_keep, cached, code_digest, digest, place, tree_digest
from scalpsite.photos import images
from scalpsite.photos.evidence import Evidence
from scalpsite.prepare import require_config
from scalpsite.render.chartinputs import Reads, chart_reads
from scalpsite.render.themes import theme_dirs
from scalpsite.render.view import View, make_view

if TYPE_CHECKING:  # the preview's memo and chart worker: imported by the preview itself
    from scalpsite.chartaside import ChartAside
    from scalpsite.render.pagememo import PageMemo


def view_of(journal: Journal, analysis: Analysis, photos: images.PhotoResult, charts: dict[str, str],
            evidence: Evidence | None = None) -> View:
    """What the site and the dossier draw: the analysis, the photos it chose to show, their renditions."""
    return make_view(journal, analysis, photo_plan(analysis, photos.renditions), photos, charts, evidence)


def render_outputs(journal: Journal, analysis: Analysis, photos: images.PhotoResult, evidence: Evidence,
                   placer: Placer | InPlacer, pdf: bool, for_date: dt.date | None,
                   pages: PageMemo | None = None, aside: ChartAside | None = None) -> None:
    """Write every output file of the analysis into the placer's staging folder (with `pages`, the
    preview's memo, only the pages whose reads changed are rendered again; with `aside`, its
    worker draws the charts while the pages render)."""
    staging, cache, put = placer.staging, placer.cache, placer.place
    charts = _charts(analysis, cache, staging, put, aside)
    try:
        data_json = _data_files(analysis, staging)
        dirs = theme_dirs(journal.root, require_config(journal).theme)
        theme = tree_digest(dirs)
        view = view_of(journal, analysis, photos, charts.expected, evidence)
        placer.place_named("renditions", _photo_files(view, ("web", "thumb")))
        _place_evidence(view, evidence, staging, put)
        if pages is not None:  # the preview: its memo renders only the pages whose reads changed; no cache entry
            write = placer.write if isinstance(placer, InPlacer) else None
            _render_site(view, staging, dirs, pages, theme, write)
        if (drawn := charts.finish()) != view.charts:  # a chart appeared or disappeared: the pages again
            view = view_of(journal, analysis, photos, drawn, evidence)
            if pages is not None:
                _render_site(view, staging, dirs, pages, theme, write)
    finally:
        charts.settle()
    # The analysis enters the key as its data.json text, hashed once (not serialised again in the
    # view); the angle pages are made of it and of the photos, so they are not serialised either.
    inputs = functools.cache(lambda: digest(view.model_dump(mode="json", exclude={"data", "angle_views"})
                                            | {"data": digest(data_json)}, theme, code_digest()))
    if pages is None:
        cached(folder(cache, "site"), digest("site", inputs()), staging,
               lambda: _render_site(view, staging, dirs, None, theme), put)
    if pdf:
        cached(folder(cache, "dossier"), digest("dossier", inputs()), staging,
               lambda: _render_pdf(view, staging, dirs, cache / "renditions", placer), put)
    shutil.rmtree(staging / "print", ignore_errors=True)


def _data_files(analysis: Analysis, staging: Path) -> str:
    """data.json, data.csv and injections.csv (with a log) in the staging folder; data.json's text."""
    data = analysis.model_dump(mode="json")  # data.json and the tables: the analysis as its JSON shape
    data_json = to_json(data)
    (staging / "data.json").write_text(data_json, encoding="utf-8")
    (staging / "data.csv").write_text(to_csv(data), encoding="utf-8")
    if (log := injections_csv(data)) is not None:
        (staging / "injections.csv").write_text(log, encoding="utf-8")
    return data_json


def _render_site(view: View, staging: Path, dirs: list[Path], pages: PageMemo | None, theme: str,
                 write: Callable[[str, bytes, str | None], None] | None = None) -> dict[str, str]:
    from scalpsite.render.site import render_site

    return {rel: rel for rel in render_site(view, staging, dirs, pages, theme, write)}


def _charts(analysis: Analysis, cache: Path, staging: Path, put: Callable[[Path, Path], None],
            aside: ChartAside | None = None) -> _Charts:
    """Every chart, each from the cache when what it reads is as it was: an edit draws again only
    the charts whose values changed (one cache entry per chart, the newest). With `aside`, a chart
    it has drawn before is drawn by its worker while the caller goes on (`_Charts.finish`)."""
    charts = _Charts(staging, aside)
    for name, reads in chart_reads(analysis).items():
        key, entries = digest("chart", name, reads.facts(), code_digest()), folder(cache, f"chart-{name}")
        made = cache_hit(entries, key, staging, put)
        if made is not None and aside is not None:
            aside.warm(name, reads)
        drawing = aside.draw(name, reads, staging) if made is None and aside is not None and name in aside.paths \
            else None
        if made is None and drawing is None:
            made = _draw(name, reads, staging)
            cache_keep(entries, key, staging, made)
        charts.add(name, made, (key, entries, reads, drawing) if drawing is not None else None)
    return charts


class _Charts:
    """The charts of a build in their order: those made, and those the worker is drawing."""

    def __init__(self, staging: Path, aside: ChartAside | None) -> None:
        self.staging, self.aside = staging, aside
        self.parts: list[tuple[str, dict[str, str] | None, tuple | None]] = []

    def add(self, name: str, made: dict[str, str] | None, drawing: tuple | None) -> None:
        self.parts.append((name, made, drawing))
        if made is not None and self.aside is not None:
            self.aside.paths[name] = made

    @property
    def expected(self) -> dict[str, str]:
        """name -> path of every chart: a chart being drawn where it was last time."""
        expected: dict[str, str] = {}
        for name, made, _ in self.parts:
            expected |= made if made is not None else self.aside.paths[name] if self.aside is not None else {}
        return expected

    def finish(self) -> dict[str, str]:
        """name -> path of every chart, once drawn (and kept in the cache)."""
        for i, (name, made, drawing) in enumerate(self.parts):
            if drawing is None:
                continue
            key, entries, reads, future = drawing
            try:
                made = future.result()
            except BrokenProcessPool:  # the worker died: drawn here
                made = _draw(name, reads, self.staging)
            cache_keep(entries, key, self.staging, made)
            self.parts[i] = (name, made, None)
            if self.aside is not None:
                self.aside.paths[name] = made
        return self.expected

    def settle(self) -> None:
        """Wait for the worker whatever happened, so that it writes nothing once the build has ended."""
        for _, _, drawing in self.parts:
            if drawing is not None:
                wait([drawing[3]])


def _draw(name: str, reads: Reads, staging: Path) -> dict[str, str]:
    from scalpsite.render.charts import draw_chart  # matplotlib: imported only when a chart is drawn

    return draw_chart(name, reads, staging)


def _render_pdf(view: View, staging: Path, dirs: list[Path], renditions: Path, placer: Placer | InPlacer) -> dict[str, str]:
    from scalpsite.render.dossier import render_dossier

    if isinstance(placer, InPlacer):
        placer.present_all()  # typst reads the charts and photos in the staging folder
    _place_photos(view, renditions, staging, ("print",))  # only typst reads them: copied only when it runs
    stamp = dt.datetime.combine(dt.date.fromisoformat(view.data.generated_for), dt.time(12), dt.UTC)
    render_dossier(view, staging, staging / "dossier.pdf", dirs, int(stamp.timestamp()))
    return {"dossier": "dossier.pdf"}


def _place_evidence(view: View, evidence: Evidence, staging: Path,
                    put: Callable[[Path, Path], None] = place) -> None:
    """Put the aligned renditions, mask overlays and ghosts the view names into the staging folder."""
    for path, files in evidence.files.items():
        facts = evidence.photos[path]
        shown = view.photos.get(facts["folder"], {}).get(facts["angle"])
        for kind, source in files.items():
            if shown is not None and (target := shown.evidence().get(kind)):
                put(source, staging / target)
    for angle, source in evidence.ghosts.items():
        put(source, staging / view.ghosts[angle])


def _photo_files(view: View, sizes: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(name in the renditions' cache, path in the output) of each rendition of the given sizes the view shows."""
    for row in view.photos.values():
        for r in row.values():
            paths = r.sizes()
            for name in sizes:
                yield images.rendition_name(r.key, name), paths[name]


def _place_photos(view: View, cache: Path, staging: Path, sizes: tuple[str, ...]) -> None:
    """Copy the cached renditions of the given sizes to their places in the staging folder (never a link to the cache)."""
    for name, rel in _photo_files(view, sizes):
        place(cache / name, staging / rel)
