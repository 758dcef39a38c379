"""docs/clinical-definitions.md is the project's own reference: the product cites it or the
published sources, never an internal spec; its worked examples are what the code computes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import REPO

from scalpsite.analysis import adherence, schedule, scores
from scalpsite.analysis.definitions import definitions
from scalpsite.analysis.measurevalues import derived_of
from scalpsite.journal.configmodel import Dosing

DOC = REPO / "docs/clinical-definitions.md"
# The internal specs the product must never cite (spelled in parts so this file does not cite them).
INTERNAL = re.compile(r"\b(?:" + "|".join(("CLINICAL", "DESIGN")) + r")\.md\b")
PRODUCT = ["src", "themes", "docs", "tests", "scripts", "benchmarks", "example-journal", ".ci",
           "README.md", "pyproject.toml"]
SKIP = {"__pycache__", ".scalpsite-cache", "_site", ".hypothesis", ".mypy_cache"}


def product_texts():
    """(path, text) of every text file the project ships or tests with."""
    for top in PRODUCT:
        root = REPO / top
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            if SKIP & set(path.relative_to(REPO).parts):
                continue
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:  # photos, fonts, PDFs
                continue


@pytest.mark.parametrize("text, cites", [
    ("see " + "CLINICAL" + ".md", True), ("(" + "DESIGN" + ".md, Speed)", True),
    ("docs/clinical-definitions.md", False), ("CLINICAL_MD = 1", False),
])
def test_the_internal_spec_pattern(text, cites):
    """The rule below finds a citation of either spec and nothing else."""
    assert bool(INTERNAL.search(text)) is cites


def test_no_file_of_the_product_cites_the_internal_spec():
    """Code, templates, docs, tests, fixtures and the example: published sources or the doc, only."""
    texts = list(product_texts())
    assert len(texts) > 100
    offenders = [f"{p.relative_to(REPO)}:{text[:m.start()].count(chr(10)) + 1}"
                 for p, text in texts for m in INTERNAL.finditer(text)]
    assert offenders == []


def test_the_printed_glossary_cites_published_sources():
    """Each source the dossier prints is a publication or a label, never a file of the project."""
    for d in definitions(["alopecia_areata", "atopic_dermatitis"]):
        assert d["source"] is None or (".md" not in d["source"] and "CLINICAL" not in d["source"]), d


def test_the_doc_covers_every_source_the_glossary_cites():
    """Every first author the glossary names is in the doc, with the rule it supports."""
    doc = DOC.read_text(encoding="utf-8")
    sources = " ".join(d["source"] or "" for d in definitions(["alopecia_areata", "atopic_dermatitis"]))
    authors = set(re.findall(r"([A-Z][A-Za-z-]+)(?: et al\.| &)", sources))
    assert len(authors) > 15
    assert sorted(a for a in authors if a not in doc) == []


# ---------- the doc's worked examples, as the code computes them ----------

@pytest.mark.parametrize("regions, salt, s_class, iga", [
    ({"top": 0, "back": 0, "left": 0, "right": 20}, 3.6, "S1", 1),
    ({"top": 60, "back": 30, "left": 20, "right": 25}, 39.3, "S2", 2),
])
def test_salt_examples(regions, salt, s_class, iga):
    total = scores.salt_total(regions)
    classes = derived_of("salt", total)
    assert (total, classes["salt_class"], classes["aa_iga"]) == (salt, s_class, iga)


@pytest.mark.parametrize("baseline, current, change, improvement", [
    (39.3, 25.0, -14.3, 36.4), (39.3, 19.6, -19.7, 50.1), (20, 4, -16, 80.0),
])
def test_change_and_relative_improvement_examples(baseline, current, change, improvement):
    assert scores.change(baseline, current) == pytest.approx(change)
    assert scores.improvement_pct(baseline, current) == improvement


@pytest.mark.parametrize("score, band", [(5.2, "mild"), (7.05, "moderate"), (21.0, "moderate"),
                                         (21.1, "severe"), (0, "clear"), (0.1, "almost clear")])
def test_easi_band_examples(score, band):
    assert scores.easi_band(score) == band


@pytest.mark.parametrize("answers, total, band", [
    ([2, 3, 1, 0, 4, 2, 1], 13, "moderate"), ([2, None, 1, 0, 4, 2, 1], 10, "moderate"),
    ([2, None, None, 0, 4, 2, 1], None, None),
])
def test_poem_examples(answers, total, band):
    assert (scores.answers_total(answers), scores.poem_band(scores.answers_total(answers))) == (total, band)


def test_adherence_example():
    """Start 10 Jan 2025; injections 10 Jan (two), 23 Jan, 12 Feb: the table of the doc."""
    day = dt.date
    given = [day(2025, 1, 10), day(2025, 1, 10), day(2025, 1, 23), day(2025, 2, 12)]
    dosing = Dosing(interval_days=14, loading_doses=2)

    def table(as_of):
        return [(d.due.isoformat(), d.status, d.timing) for d in
                adherence.doses(day(2025, 1, 10), None, dosing, given, as_of)]

    first = [("2025-01-10", "given", "on_time"), ("2025-01-24", "given", "early"), ("2025-02-07", "given", "late")]
    assert table(day(2025, 2, 28)) == [*first, ("2025-02-21", "pending", None)]
    assert table(day(2025, 3, 1)) == [*first, ("2025-02-21", "missed", None)]
    assert adherence.adherence_pct(3, 1) == 75.0


def test_schedule_example():
    """Start 10 Jan 2025, last session 3 Mar: due 31 Mar, overdue from 8 Apr."""
    day = dt.date
    due = schedule.next_due("dupilumab", day(2025, 1, 10), day(2025, 3, 3), day(2025, 4, 7))
    assert (due.next_due, due.overdue) == (day(2025, 3, 31), False)
    assert schedule.next_due("dupilumab", day(2025, 1, 10), day(2025, 3, 3), day(2025, 4, 8)).overdue
