"""What every command does before its own work: the journal as of a date, the locked cache, the photos' stage."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from scalpsite.analysis.checks.photocheck import check_photos
from scalpsite.analysis.photoevidence import evidence_findings
from scalpsite.errors import JournalError, OptionError
from scalpsite.findings import Finding
from scalpsite.journal.limits import DATE_MAX, DATE_MIN
from scalpsite.journal.load import Journal
from scalpsite.journal.configmodel import Config
from scalpsite.store.guard import CACHE_DIR, disk_errors, folder, writable_cache
from scalpsite.store.lock import build_lock
from scalpsite.output.passwords import journal_hints
from scalpsite.photos import images
from scalpsite.photos.evidence import FOLDER as EVIDENCE
from scalpsite.photos.evidence import Evidence, Mode, collect

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


def photo_stage(journal: Journal, cache: Path, progress: images.Progress | None,
                 mode: Mode) -> tuple[images.PhotoResult, Evidence]:
    """The renditions (a build) or the facts (check, export) of every photo, then what the photos
    measure (masks, alignment, grey cards), on one pool of workers."""
    renditions = folder(cache, "renditions")
    with images.Workers() as workers:
        if mode is Mode.BUILD:
            photos = images.process(journal.root, photo_paths(journal), renditions, progress,
                                    _cards(journal), workers)
        else:
            photos = images.inspect(journal.root, photo_paths(journal), renditions,
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


def photo_findings(journal: Journal, photos: images.PhotoResult, evidence: Evidence) -> list[Finding]:
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


def photo_paths(journal: Journal) -> list[str]:
    return sorted({p for rec in journal.sessions for p in rec.photos.values()})
