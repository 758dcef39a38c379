"""`scalpsite build`: the stages in order, from journal files to a published OUT."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.photoplan import photo_plan
from scalpsite.analysis.results import Analysis
from scalpsite.analysis.checks.check import check
from scalpsite.analysis.checks.photocheck import check_photos
from scalpsite.analysis.photoevidence import evidence_findings
from scalpsite.errors import JournalError, OptionError
from scalpsite.findingcodes import silenced
from scalpsite.findings import Finding, Level, sort_findings
from scalpsite.journal import editors
from scalpsite.journal.editors import stale_schemas, write_schemas
from scalpsite.journal.limits import DATE_MAX, DATE_MIN
from scalpsite.journal.load import CONFIG_FILE, Journal, load
from scalpsite.journal.configmodel import Config
from scalpsite.output import bundle as bundles
from scalpsite.store import uptodate
from scalpsite.store.carry import Placer
from scalpsite.output.encrypt import Sealer
from scalpsite.output.export import case_export, injections_csv, to_csv, to_json
from scalpsite.store.guard import CACHE_DIR, disk_errors, folder, writable_cache
from scalpsite.store.lock import build_lock
from scalpsite.store.memo import cached, code_digest, digest, place, tree_digest
from scalpsite.output.passwords import journal_hints, require_strong
from scalpsite.store.publish import check_out, publish
from scalpsite.store.sealed import private_stage, publish_sealed
from scalpsite.store.uptodate import BuildResult
from scalpsite.photos import images
from scalpsite.photos.evidence import FOLDER as EVIDENCE
from scalpsite.photos.evidence import Evidence, Mode, collect
from scalpsite.render.fonts import font_findings, journal_texts
from scalpsite.render.themes import theme_dirs
from scalpsite.render.view import View, make_view

Notify = Callable[[str], None]


def source_date() -> dt.date | None:
    """The date of SOURCE_DATE_EPOCH, when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError) as exc:
        raise JournalError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc
    if not DATE_MIN <= day <= DATE_MAX:
        raise JournalError(f"SOURCE_DATE_EPOCH={epoch!r} is {day}, outside {DATE_MIN} to {DATE_MAX}")
    return day


def require_config(journal: Journal) -> Config:
    """The journal's config; stops with every config problem listed when scalpsite.yaml cannot be used."""
    return journal.require_config()


@functools.cache
def settle_imports() -> None:
    """Once per process: move what importing scalpsite made (models and their schemas, tables;
    alive until exit) out of the garbage collector's sight, so that its collections during a
    build no longer walk them again and again (about a tenth of a no-op rebuild's CPU time).
    Only once: objects of a later build are never frozen, so the preview does not keep them."""
    gc.freeze()


def build(root: Path, out: Path | None = None, pdf: bool = True, since: dt.date | None = None,
          until: dt.date | None = None, for_date: dt.date | None = None,
          progress: images.Progress | None = None, on_wait: Notify | None = None,
          password: str | None = None, pdf_password: str | None = None) -> BuildResult:
    """Load, check, analyse, render and publish.

    Errors in the journal are findings: the output is still published and shows them. An
    exception, a refused OUT or a failed renderer leaves the previous output as it was. With a
    password the build is rendered privately in the cache and only its encrypted form reaches
    OUT; `pdf_password` adds a standalone encrypted dossier.pdf (docs/encryption.md).
    """
    started = time.monotonic()
    settle_imports()
    root = Path(root)
    journal = as_of_appointment(load(root), for_date, until, since)
    if password is not None:
        require_strong(password, password_hints(journal))
    if pdf_password is not None:
        if password is None or not pdf:
            raise OptionError("a standalone encrypted PDF comes only with an encrypted build that makes the "
                              "dossier (--encrypt, without --no-pdf)")
        require_strong(pdf_password, [*password_hints(journal), password], pdf=True, site=password)
    out = check_out(out or root / "_site", root)
    # What this build is made from, as it was before anything was read: recorded with its result,
    # so that a build of the very same inputs is answered without one (store/uptodate.py).
    key = None if password is not None else uptodate.inputs_key(
        root, "build", uptodate.build_options(out, pdf, since, until, for_date), out)
    with writing(root, out, on_wait) as cache:
        photos, evidence, findings, data = _analyse(journal, cache, progress, for_date, since, until)

        def render(staging: Path) -> Placer:
            # an encrypted build never reuses files of OUT: its staging folder is in the cache
            placer = Placer.start(cache, out, staging) if password is None else Placer(cache, out, staging)
            _render(journal, data, photos, evidence, placer, pdf, for_date)
            return placer

        if password is None:
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
            _render(journal, data, photos, evidence, Placer(cache, target, site), False, for_date)
            sealer = Sealer.new(password) if password is not None else Sealer(None, None)
            html = bundles.bundle_html(bundles.bundle_files(site), sealer)
    made = bundles.write(target, html, max_mb, password is not None)
    return replace(made, errors=[f for f in findings if f.level is Level.ERROR])


def _analyse(journal: Journal, cache: Path, progress: images.Progress | None, for_date: dt.date | None,
             since: dt.date | None = None,
             until: dt.date | None = None) -> tuple[images.PhotoResult, Evidence, list[Finding], Analysis]:
    """Photos processed and measured, every finding, and the analysis: what every output renders."""
    photos, evidence = _photo_stage(journal, cache, progress, Mode.BUILD)
    findings = sort_findings(silenced(check(journal) + _photo_findings(journal, photos, evidence)
                                      + font_findings(journal_texts(journal)), ignored(journal)))
    analysis = analyze(journal, findings, as_of=for_date or source_date(), since=since, until=until,
                       for_date=for_date, evidence=evidence.photos)
    return photos, evidence, findings, analysis


def _photo_stage(journal: Journal, cache: Path, progress: images.Progress | None,
                 mode: Mode) -> tuple[images.PhotoResult, Evidence]:
    """The renditions (a build) or the facts (check, export) of every photo, then what the photos
    measure (masks, alignment, grey cards), on one pool of workers."""
    renditions = folder(cache, "renditions")
    with images.Workers() as workers:
        if mode is Mode.BUILD:
            photos = images.process(journal.root, _photo_paths(journal), renditions, progress,
                                    _cards(journal), workers)
        else:
            photos = images.inspect(journal.root, _photo_paths(journal), renditions,
                                    cards=_cards(journal), workers=workers)
        return photos, collect(journal, photos, renditions, folder(cache, EVIDENCE), mode, workers)


def _cards(journal: Journal) -> images.Cards:
    """The grey-card box of each photo that has one (session.yaml photo_meta)."""
    cards: images.Cards = {}
    for rec in journal.sessions:
        for angle, meta in (rec.session.photo_meta.items() if rec.session else ()):
            if meta.grey_card is not None and angle in rec.photos:
                cards[rec.photos[angle]] = meta.grey_card
    return cards


def _photo_findings(journal: Journal, photos: images.PhotoResult, evidence: Evidence) -> list[Finding]:
    """What the photos say about themselves: unreadable, light, framing, masks, grey cards."""
    return (photos.findings + check_photos(journal, photos.renditions) + evidence.findings
            + evidence_findings(journal, evidence.photos))


def password_hints(journal: Journal) -> list[str]:
    """Words of the journal a password must not lean on (passwords.journal_hints says which)."""
    return journal_hints(require_config(journal), [rec.date for rec in journal.sessions])


def as_of_appointment(journal: Journal, for_date: dt.date | None, until: dt.date | None = None,
                      since: dt.date | None = None, option: str = "--for") -> Journal:
    """The journal a dossier for `for_date` may use: nothing recorded after that date (--for implies --until).

    A date before the first session, an --until after --for, or a range that holds no session
    but the baseline (which is always kept) is a usage error.
    """
    require_config(journal)
    if for_date is not None:
        if journal.sessions and for_date < journal.sessions[0].date:
            what = "the date of an appointment" if option == "--for" else "a date"
            raise OptionError(f"{option} {for_date} is before the first session ({journal.sessions[0].date}); "
                              f"give {what} on or after it")
        if until is not None and until > for_date:
            raise OptionError(f"--until {until} is after --for {for_date}; a dossier for {for_date} "
                              "knows nothing recorded after it (leave out --until, or make it earlier)")
        if since is not None and since > for_date:
            raise OptionError(f"--since {since} is after --for {for_date}; a dossier for {for_date} shows "
                              "sessions up to that date (make --since earlier, or leave it out)")
        journal = journal.until(for_date)
    _range_holds_sessions(journal, since, until)
    return journal


def _range_holds_sessions(journal: Journal, since: dt.date | None, until: dt.date | None) -> None:
    """Refuse --since after the last session or --until before the first: the output would show
    the baseline alone, as if nothing else had been recorded."""
    if not journal.sessions:
        return
    first, last = journal.sessions[0].date, journal.sessions[-1].date
    if until is not None and until < first:
        raise OptionError(f"--until {until} is before the first session ({first}); give a date on or after it, "
                          "or leave out --until")
    if since is not None and since > last:
        raise OptionError(f"--since {since} is after the last session ({last}); give a date on or before it, "
                          "or leave out --since")


@contextlib.contextmanager
def writing(root: Path, out: Path | None, on_wait: Notify | None) -> Iterator[Path]:
    """The checked cache folder, with the journal's build lock held and disk failures made BuildErrors.

    A journal that cannot be written (read-only) gets a private temporary cache for this command
    only, said through `on_wait`: check, export and `build -o ELSEWHERE` work, just slower."""
    with contextlib.ExitStack() as stack:
        with disk_errors(root.resolve() / CACHE_DIR, out):
            cache = writable_cache(root)
        if cache is None:
            cache = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="scalpsite-cache-")))
            if on_wait:
                on_wait(f"{root} cannot be written (read-only?): its cache is kept in a temporary folder "
                        "for this command only, so every photo is read again")
        with disk_errors(cache, out), build_lock(cache, root, on_wait):
            yield cache


def ignored(journal: Journal) -> list[str]:
    """The warning codes the journal's scalpsite.yaml says not to report."""
    return journal.config.check.ignore if journal.config is not None else []


def check_journal(root: Path, today: dt.date | None, on_wait: Notify | None = None,
                  ignore: Sequence[str] = ()) -> list[Finding]:
    """All findings of `scalpsite check`: the files, then the photos (from small decodes); the
    warnings of `ignore` and of the journal's `check.ignore` left out."""
    settle_imports()
    key = uptodate.check_key(Path(root), today, ignore) if today is not None else None  # before anything is read
    journal = load(root)
    found = check(journal, today) + journal.unused + stale_schemas(root)
    silence = [*ignored(journal), *ignore]
    if journal.config is None:
        return sort_findings(silenced(found, silence))
    with writing(Path(root), None, on_wait) as cache:  # the photo facts are kept in the cache
        photos, evidence = _photo_stage(journal, cache, None, Mode.CHECK)
        found = sort_findings(silenced(found + _photo_findings(journal, photos, evidence)
                                       + font_findings(journal_texts(journal)), silence))
        if key is not None:
            uptodate.remember_check(cache, key, found)
    return found


def export_data(root: Path, fmt: str, as_of: dt.date | None = None,
                on_wait: Notify | None = None) -> tuple[str, list[Finding]]:
    """The analysis of a journal as JSON, CSV or a FHIR R4B Bundle, and the journal's errors (what
    they leave out); photos are read only for what they measure, from the cache when a build made it."""
    journal = as_of_appointment(load(root), as_of, option="--as-of")  # the record as it stood on that day
    require_config(journal)
    with writing(Path(root), None, on_wait) as cache:
        photos, evidence = _photo_stage(journal, cache, None, Mode.DATA)
    findings = silenced(check(journal) + _photo_findings(journal, photos, evidence)
                        + font_findings(journal_texts(journal)), ignored(journal))  # as a build has them
    errors = [f for f in findings if f.level is Level.ERROR]
    data = analyze(journal, findings, as_of=as_of or source_date(),
                   evidence=evidence.photos).model_dump(mode="json")  # the formats below read data.json's shape
    if fmt == "case":
        return to_json(case_export(data)), errors
    if fmt == "fhir":
        from scalpsite.output.fhir import (  # fhir.resources loads only here
            item_answers,
            to_fhir,
        )

        return to_fhir(data, item_answers(journal)), errors
    return (to_json(data) if fmt == "json" else to_csv(data)), errors


def schema_text(kind: str) -> str:
    """`scalpsite schema --kind K`: the JSON Schema of scalpsite.yaml, session.yaml or data.json."""
    if kind != "data":
        return editors.schema_text(kind)
    from scalpsite.analysis.results import Analysis

    body = Analysis.model_json_schema(mode="serialization")
    return json.dumps({"$schema": editors.JSON_SCHEMA_DIALECT, **body}, indent=2, ensure_ascii=False) + "\n"


def refresh_schemas(root: Path) -> list[str]:
    """`schema --write`: rewrite the journal's editor schemas for this scalpsite version."""
    if not (Path(root) / CONFIG_FILE).is_file():
        raise JournalError(f"no {CONFIG_FILE} here; give the journal folder", str(root))
    return write_schemas(root)


def start_masks(root: Path, session: str) -> tuple[Journal, list]:
    """`mask start`: the session's masks begun from the previous ones (photos/maskstart.py); like
    `new`, it only creates files, never replaces one."""
    from scalpsite.photos.maskstart import start

    journal = load(root)
    require_config(journal)
    return journal, start(journal, session)


def _photo_paths(journal: Journal) -> list[str]:
    return sorted({p for rec in journal.sessions for p in rec.photos.values()})


def view_of(journal: Journal, analysis: Analysis, photos: images.PhotoResult, charts: dict[str, str],
            evidence: Evidence | None = None) -> View:
    """What the site and the dossier draw: the analysis, the photos it chose to show, their renditions."""
    return make_view(journal, analysis, photo_plan(analysis, photos.renditions), photos, charts, evidence)


# What the charts are drawn from: a change elsewhere in the analysis does not draw them again.
CHART_INPUT = {"sessions", "summary", "conditions", "density_zones", "density_unit", "phases", "salt_lines",
               "injection_doses", "control_panels", "injection_window", "photo_evidence", "interruptions"}


def _render(journal: Journal, analysis: Analysis, photos: images.PhotoResult, evidence: Evidence, placer: Placer,
            pdf: bool, for_date: dt.date | None) -> None:
    staging, cache, put = placer.staging, placer.cache, placer.place
    data = analysis.model_dump(mode="json")  # data.json and the tables: the analysis as its JSON shape
    data_json = to_json(data)
    (staging / "data.json").write_text(data_json, encoding="utf-8")
    (staging / "data.csv").write_text(to_csv(data), encoding="utf-8")
    if (log := injections_csv(data)) is not None:
        (staging / "injections.csv").write_text(log, encoding="utf-8")
    chart_input = {k: v for k, v in data.items() if k in CHART_INPUT}
    charts = cached(folder(cache, "charts"), digest("charts", chart_input, code_digest()), staging,
                    lambda: _render_charts(analysis, staging), put)
    view = view_of(journal, analysis, photos, charts, evidence)
    renditions = cache / "renditions"
    _place_photos(view, renditions, staging, ("web", "thumb"), put)
    _place_evidence(view, evidence, staging, put)
    dirs = theme_dirs(journal.root, require_config(journal).theme)
    # The analysis enters the key as its data.json text, hashed once (not serialised again in the
    # view); the angle pages are made of it and of the photos, so they are not serialised either.
    inputs = digest(view.model_dump(mode="json", exclude={"data", "angle_views"}) | {"data": digest(data_json)},
                    tree_digest(dirs), code_digest())
    cached(folder(cache, "site"), digest("site", inputs), staging,
           lambda: _render_site(view, staging, dirs), put)
    if pdf:
        cached(folder(cache, "dossier"), digest("dossier", inputs), staging,
               lambda: _render_pdf(view, staging, dirs, renditions), put)
    shutil.rmtree(staging / "print", ignore_errors=True)


def _render_site(view: View, staging: Path, dirs: list[Path]) -> dict[str, str]:
    from scalpsite.render.site import render_site

    return {rel: rel for rel in render_site(view, staging, dirs)}


def _render_charts(data: Analysis, staging: Path) -> dict[str, str]:
    from scalpsite.render.charts import (
        render_charts,  # matplotlib: imported only when a chart is drawn
    )

    return render_charts(data, staging)


def _render_pdf(view: View, staging: Path, dirs: list[Path], renditions: Path) -> dict[str, str]:
    from scalpsite.render.dossier import render_dossier

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


def _place_photos(view: View, cache: Path, staging: Path, sizes: tuple[str, ...],
                  put: Callable[[Path, Path], None] = place) -> None:
    """Put the cached renditions of the given sizes at their places in the staging folder (never a link to the cache)."""
    for row in view.photos.values():
        for r in row.values():
            for name in sizes:
                put(cache / f"{r.key}-{name}.jpg", staging / r.sizes()[name])
