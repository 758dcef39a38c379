"""`scalpsite build` and `bundle`: the stages in order, from journal files to a published OUT.

The steps every command shares are in prepare.py, the render stage in renderstage.py, the
commands that publish nothing (check, export, schema) in readonly.py.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.checks.check import check
from scalpsite.analysis.results import Analysis
from scalpsite.errors import OptionError
from scalpsite.findingcodes import silenced
from scalpsite.findings import Finding, Level, sort_findings
from scalpsite.journal.load import Journal, load
from scalpsite.output import bundle as bundles
from scalpsite.store import uptodate
from scalpsite.store import inplace
from scalpsite.store.carry import Placer
from scalpsite.output.encrypt import Sealer
from scalpsite.output.passwords import require_strong
from scalpsite.store.publish import check_out, publish
from scalpsite.store.sealed import private_stage, publish_sealed
from scalpsite.store.uptodate import BuildResult
from scalpsite.photos import images
from scalpsite.photos.evidence import Evidence, Mode
from scalpsite.prepare import (
    Notify,
    as_of_appointment,
    ignored,
    password_hints,
    photo_findings,
    photo_stage,
    settle_imports,
    source_date,
    writing,
)
from scalpsite.readonly import (  # noqa: F401 - the read-only commands, named here for the CLI as before
    check_journal,
    export_data,
    refresh_schemas,
    schema_text,
    start_masks,
)
from scalpsite.render.fonts import font_findings, journal_texts
from scalpsite.renderstage import render_outputs, view_of  # noqa: F401 - view_of for scripts/make_view_fixtures.py

if TYPE_CHECKING:  # the preview's memo: imported by the preview itself
    from scalpsite.photomemo import PhotoMemo
    from scalpsite.previewmemo import PreviewMemo


def build(root: Path, out: Path | None = None, pdf: bool = True, since: dt.date | None = None,
          until: dt.date | None = None, for_date: dt.date | None = None,
          progress: images.Progress | None = None, on_wait: Notify | None = None,
          password: str | None = None, pdf_password: str | None = None,
          preview: PreviewMemo | None = None) -> BuildResult:
    """Load, check, analyse, render and publish.

    Errors in the journal are findings: the output is still published and shows them. An
    exception, a refused OUT or a failed renderer leaves the previous output as it was. With a
    password the build is rendered privately in the cache and only its encrypted form reaches
    OUT; `pdf_password` adds a standalone encrypted dossier.pdf (docs/encryption.md).

    `preview`: what the preview keeps between its builds (previewmemo.py). Its builds update OUT
    in place (store/inplace.py), take the photo stage and the pages from the memo while their
    inputs are unchanged, and keep no record for a later command (the up-to-date key, the site's
    cache entry).
    """
    started = time.monotonic()
    settle_imports()
    root = Path(root)
    journal = as_of_appointment(load(root), for_date, until, since)
    if password is not None:
        require_strong(password, password_hints(journal))
    if preview is not None and password is not None:
        raise OptionError("the preview is never encrypted")
    if pdf_password is not None:
        if password is None or not pdf:
            raise OptionError("a standalone encrypted PDF comes only with an encrypted build that makes the "
                              "dossier (--encrypt, without --no-pdf)")
        require_strong(pdf_password, [*password_hints(journal), password], pdf=True, site=password)
    out = check_out(out or root / "_site", root)
    # What this build is made from, as it was before anything was read: recorded with its result,
    # so that a build of the very same inputs is answered without one (store/uptodate.py).
    key = None if password is not None or preview is not None else uptodate.inputs_key(
        root, "build", uptodate.build_options(out, pdf, since, until, for_date), out)
    with writing(root, out, on_wait) as cache:
        photos, evidence, findings, data = _analyse(journal, cache, progress, for_date, since, until,
                                                    preview.photos if preview is not None else None)

        def render(staging: Path) -> Placer:
            # an encrypted build never reuses files of OUT: its staging folder is in the cache
            placer = Placer.start(cache, out, staging) if password is None else Placer(cache, out, staging)
            render_outputs(journal, data, photos, evidence, placer, pdf, for_date)
            return placer

        if preview is not None:
            inplace.update(out, cache, lambda placer: render_outputs(journal, data, photos, evidence, placer, pdf,
                                                                     for_date, preview.pages, preview.charts),
                           preview.out)
        elif password is None:
            publish(out, render).save()
        else:
            publish_sealed(out, cache, render, password, pdf_password)
        result = BuildResult(out, len(data.sessions), photos.rendered, photos.cached, findings,
                             time.monotonic() - started)
        if key is not None:
            uptodate.remember_build(cache, key, result)
    return result


def bundle(root: Path, target: Path | None = None, for_date: dt.date | None = None,
           password: str | None = None, max_mb: float = bundles.DEFAULT_MAX_MB,
           progress: images.Progress | None = None, on_wait: Notify | None = None) -> bundles.BundleFile:
    """The site in one self-contained HTML file (encrypted with a password), refused over max_mb."""
    settle_imports()
    root = Path(root)
    journal = as_of_appointment(load(root), for_date)
    if password is not None:
        require_strong(password, password_hints(journal))
    target = bundles.check_path(target or root / bundles.DEFAULT_NAME, root)
    with writing(root, None, on_wait) as cache:
        photos, evidence, findings, data = _analyse(journal, cache, progress, for_date)
        with private_stage(cache) as site:
            render_outputs(journal, data, photos, evidence, Placer(cache, target, site), False, for_date)
            sealer = Sealer.new(password) if password is not None else Sealer(None, None)
            html = bundles.bundle_html(bundles.bundle_files(site), sealer)
    made = bundles.write(target, html, max_mb, password is not None)
    return replace(made, errors=[f for f in findings if f.level is Level.ERROR])


def _analyse(journal: Journal, cache: Path, progress: images.Progress | None, for_date: dt.date | None,
             since: dt.date | None = None, until: dt.date | None = None,
             memo: PhotoMemo | None = None) -> tuple[images.PhotoResult, Evidence, list[Finding], Analysis]:
    """Photos processed and measured, every finding, and the analysis: what every output renders
    (the photo stage from the preview's `memo` when its inputs are unchanged)."""
    photos, evidence = (memo.stage(journal, cache, progress) if memo is not None
                        else photo_stage(journal, cache, progress, Mode.BUILD))
    findings = sort_findings(silenced(check(journal) + photo_findings(journal, photos, evidence)
                                      + font_findings(journal_texts(journal)), ignored(journal)))
    analysis = analyze(journal, findings, as_of=for_date or source_date(), since=since, until=until,
                       for_date=for_date, evidence=evidence.photos)
    return photos, evidence, findings, analysis
