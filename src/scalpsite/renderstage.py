"""The render stage: data files, charts, pages and the dossier, each from the cache when its inputs are known."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from scalpsite.analysis.photoplan import photo_plan
from scalpsite.analysis.results import Analysis
from scalpsite.journal.load import Journal
from scalpsite.store.carry import Placer
from scalpsite.store.inplace import InPlacer
from scalpsite.output.export import injections_csv, to_csv, to_json
from scalpsite.store.guard import folder
from scalpsite.store.memo import cached, code_digest, digest, place, tree_digest
from scalpsite.photos import images
from scalpsite.photos.evidence import Evidence
from scalpsite.prepare import require_config
from scalpsite.render.chartinputs import Reads, chart_reads
from scalpsite.render.themes import theme_dirs
from scalpsite.render.view import View, make_view

if TYPE_CHECKING:  # the preview's memo: imported by the preview itself
    from scalpsite.render.pagememo import PageMemo


def view_of(journal: Journal, analysis: Analysis, photos: images.PhotoResult, charts: dict[str, str],
            evidence: Evidence | None = None) -> View:
    """What the site and the dossier draw: the analysis, the photos it chose to show, their renditions."""
    return make_view(journal, analysis, photo_plan(analysis, photos.renditions), photos, charts, evidence)


def render_outputs(journal: Journal, analysis: Analysis, photos: images.PhotoResult, evidence: Evidence,
                   placer: Placer | InPlacer, pdf: bool, for_date: dt.date | None,
                   pages: PageMemo | None = None) -> None:
    """Write every output file of the analysis into the placer's staging folder (with `pages`, the
    preview's memo, only the pages whose reads changed are rendered again)."""
    staging, cache, put = placer.staging, placer.cache, placer.place
    data = analysis.model_dump(mode="json")  # data.json and the tables: the analysis as its JSON shape
    data_json = to_json(data)
    (staging / "data.json").write_text(data_json, encoding="utf-8")
    (staging / "data.csv").write_text(to_csv(data), encoding="utf-8")
    if (log := injections_csv(data)) is not None:
        (staging / "injections.csv").write_text(log, encoding="utf-8")
    charts = _charts(analysis, cache, staging, put)
    view = view_of(journal, analysis, photos, charts, evidence)
    renditions = cache / "renditions"
    placer.place_named("renditions", _photo_files(view, ("web", "thumb")))
    _place_evidence(view, evidence, staging, put)
    dirs = theme_dirs(journal.root, require_config(journal).theme)
    theme = tree_digest(dirs)
    # The analysis enters the key as its data.json text, hashed once (not serialised again in the
    # view); the angle pages are made of it and of the photos, so they are not serialised either.
    inputs = functools.cache(lambda: digest(view.model_dump(mode="json", exclude={"data", "angle_views"})
                                            | {"data": digest(data_json)}, theme, code_digest()))
    if pages is None:
        cached(folder(cache, "site"), digest("site", inputs()), staging,
               lambda: _render_site(view, staging, dirs, None, theme), put)
    else:  # the preview: its memo renders only the pages whose reads changed, and keeps no cache entry
        _render_site(view, staging, dirs, pages, theme, placer.write if isinstance(placer, InPlacer) else None)
    if pdf:
        cached(folder(cache, "dossier"), digest("dossier", inputs()), staging,
               lambda: _render_pdf(view, staging, dirs, renditions, placer), put)
    shutil.rmtree(staging / "print", ignore_errors=True)


def _render_site(view: View, staging: Path, dirs: list[Path], pages: PageMemo | None, theme: str,
                 write: Callable[[str, bytes, str | None], None] | None = None) -> dict[str, str]:
    from scalpsite.render.site import render_site

    return {rel: rel for rel in render_site(view, staging, dirs, pages, theme, write)}


def _charts(analysis: Analysis, cache: Path, staging: Path, put: Callable[[Path, Path], None]) -> dict[str, str]:
    """Every chart, each from the cache when what it reads is as it was: an edit draws again only
    the charts whose values changed (one cache entry per chart, the newest)."""
    made: dict[str, str] = {}
    for name, reads in chart_reads(analysis).items():
        key = digest("chart", name, reads.facts(), code_digest())
        made |= cached(folder(cache, f"chart-{name}"), key, staging, functools.partial(_draw, name, reads, staging),
                       put)
    return made


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
