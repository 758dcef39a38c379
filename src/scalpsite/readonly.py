"""The commands that read a journal and publish nothing: check, export, schema, mask start."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.checks.check import check
from scalpsite.errors import JournalError
from scalpsite.findingcodes import silenced
from scalpsite.findings import Finding, Level, sort_findings
from scalpsite.journal import editors
from scalpsite.journal.editors import stale_schemas, write_schemas
from scalpsite.journal.load import CONFIG_FILE, Journal, load
from scalpsite.store import uptodate
from scalpsite.output.export import case_export, to_csv, to_json
from scalpsite.photos.evidence import Mode
from scalpsite.prepare import (
    Notify,
    as_of_appointment,
    ignored,
    photo_findings,
    photo_stage,
    require_config,
    settle_imports,
    source_date,
    writing,
)
from scalpsite.render.fonts import font_findings, journal_texts


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
        photos, evidence = photo_stage(journal, cache, None, Mode.CHECK)
        found = sort_findings(silenced(found + photo_findings(journal, photos, evidence)
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
        photos, evidence = photo_stage(journal, cache, None, Mode.DATA)
    findings = silenced(check(journal) + photo_findings(journal, photos, evidence)
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
