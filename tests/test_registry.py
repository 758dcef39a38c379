"""The measure registry (scalpsite/measures): one definition per measure, from which the journal's
model, check, the analysis, the glossary, the CSV, the FHIR Bundle, the charts and the pages are
made. Its consistency, its bands in words, where each key may appear, and a measure added at run
time (a throwaway 0-10 scalp-pain NRS) found in every output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
from conftest import CONFIG, REPO, write_journal

from scalpsite.journal.models import AtopicDermatitis, HairQuality, Session
from scalpsite.measures import alopecia, dermatitis
from scalpsite.measures.kinds import Band, Bands, Form, Measure, Target
from scalpsite.measures.registry import MEASURES, by_key, recorded

KEYS = [m.key for m in MEASURES]


def test_keys_columns_codes_and_milestones_are_each_defined_once():
    columns = [c.name for m in MEASURES for c in m.columns]
    codes = [m.fhir.code for m in MEASURES if m.fhir]
    milestones = [e.key for m in MEASURES for e in m.milestones]
    for names in (KEYS, columns, codes, milestones):
        assert len(names) == len(set(names))


@pytest.mark.parametrize("m", MEASURES, ids=KEYS)
def test_every_entry_is_whole(m):
    """A source; a scale whose bands rise and end inside it; a derived class names a measure; a
    measure of session.yaml sits in a model (its anchor exists) with its description and its range."""
    assert m.source or m.key == alopecia.VELLUS.key  # the vellus share is a plain count, not a published score
    assert m.low < m.high
    if m.bands:
        ends = [b.upto for b in m.bands.bands]
        assert ends == sorted(ends)
    if m.derived_from is not None:
        assert m.derived_from in KEYS and m.form is Form.VALUE
        return
    model = {None: Session, "ad": AtopicDermatitis, "hair_quality": HairQuality}[m.place]
    field = model.model_fields[m.key]
    assert field.description == m.schema_description() and "{range}" not in field.description
    assert m.after is None or m.after in model.model_fields


@pytest.mark.parametrize("m, text", [
    (dermatitis.EASI, "0 clear; 0.1–1.0 almost clear; 1.1–7.0 mild; 7.1–21.0 moderate; 21.1–50.0 severe; "
                      "50.1–72 very severe"),
    (dermatitis.BSA, "0 clear; 0.1–15.9 mild; 16.0–39.9 moderate; 40.0–100 severe"),
    (dermatitis.POEM, "0–2 clear or almost clear; 3–7 mild; 8–16 moderate; 17–24 severe; 25–28 very severe"),
    (dermatitis.ADCT, "0–6 in control; 7–24 not in control"),
    (dermatitis.VIGA, "0 clear; 1 almost clear; 2 mild; 3 moderate; 4 severe"),
])
def test_bands_in_words_from_their_ends(m, text):
    """The glossary's bands are written from the bands the analysis classifies by (Leshem 2015,
    Chopra 2017, Charman 2013, Pariser 2020, Simpson 2020)."""
    assert m.band_text() == text


@pytest.mark.parametrize("value, label", [(0, "clear"), (0.05, "mild"), (15.95, "mild"), (16, "moderate"),
                                          (39.99, "moderate"), (40, "severe"), (100, "severe"), (None, None)])
def test_a_half_open_band_ends_just_below_its_end(value, label):
    assert dermatitis.BSA.bands.of(value) == label


def test_a_value_past_the_last_band_is_in_the_last_band():
    bands = Bands("x", (Band("low", 1), Band("high", 2)))
    assert (bands.of(-1), bands.of(1.5), bands.of(3)) == ("low", "high", "high")


@pytest.mark.parametrize("target, baseline, latest, value, met", [
    (Target(points=4), 6, 2, 2, True), (Target(points=4), 6, 3, 2, False), (Target(points=4), None, 3, None, None),
    (Target(pct=75, name="EASI-75"), 20, 5, 5.0, True), (Target(pct=75, name="EASI-75"), 0, 0, 0.0, None),
    (dermatitis.VIGA_SUCCESS, 3, 1, 1, True), (dermatitis.VIGA_SUCCESS, 2, 1, 0, False),
    (alopecia.PGIC.target, None, 2, 2, True), (alopecia.PGIC.target, None, 3, 2, False),
    (alopecia.EYEBROWS.target, 3, 1, 1, True), (alopecia.EYEBROWS.target, 1, 0, 0, None),
])
def test_targets_as_the_sources_define_them(target, baseline, latest, value, met):
    """Itch −4 (Yosipovitch 2019); EASI-75; vIGA-AD 0/1 with 2 grades (Simpson 2016); PGI-C 2 or better
    (ALLEGRO); brows 0/1 from 2 or 3 (BRAVE-AA): not eligible from a baseline of 1."""
    assert target is not None and target.met(baseline, latest) == met
    if target.applies(baseline):
        assert target.value(baseline) == value


# Where a key may appear (as a word, in src/ and themes/): its entry, and at most two files more, each
# named with the reason.
ALSO = {
    "itch": {"findingtable.py": "the finding code missing-itch and its example",
             "journal/configmodel.py": "scalpsite.yaml's description of the conditions (the schema does not change)"},
    "easi": {"findingtable.py": "the example of missing-ad-score"},
    "poem": {"findingtable.py": "the example of missing-ad-score", "reference.py": "the FHIR link ids poem-1..."},
    "dlqi": {"reference.py": "the FHIR link ids dlqi-1..."},
    "vellus_pct": {"findingtable.py": "the example of implausible-value"},
    "eyebrows": {"journal/configmodel.py": "the optional photo angles' example"},
    "eyelashes": {"journal/configmodel.py": "the optional photo angles' example"},
    "pgic": {"measures/dermatitis.py": "ADCT's place in session.yaml, after PGI-C"},
    "salt_class": {"analysis/results/model.py": "data.json's summary.salt.salt_class",
                   "typst/summary.typ": "page 1's 'Olsen class' beside AA-IGA"},
    "aa_iga": {"analysis/results/model.py": "data.json's summary.salt.aa_iga",
               "typst/summary.typ": "page 1's 'Olsen class' beside AA-IGA"},
    "salt": {"analysis/results/model.py": "data.json's summary.salt",
             "findingtable.py": "the finding code missing-salt and its example"},
    "aa_scale": {"analysis/results/model.py": "data.json's aa_scale fields",
                 "analysis/aascale.py": "its rules, made into its session fields"},
}
SOURCES = [p for top in ("src/scalpsite", "themes") for p in sorted((REPO / top).rglob("*"))
           if p.suffix in (".py", ".html", ".typ", ".js", ".css") and "__pycache__" not in p.parts]


# The encrypted vault's key-derivation salt (PBKDF2), a homonym of the SALT measure: its "salt" field is
# the vault's format, and these files never read the measures (test_the_vault_never_reads_the_measures).
VAULT = ("src/scalpsite/output/encrypt.py", "themes/default/unlock/unlock.js")


def files_naming(key: str) -> set[str]:
    """The files of src/ and themes/ that hold the key as a word, relative to the package or theme (not the
    vault's, whose salt is the key derivation's)."""
    found = set()
    for path in SOURCES:
        if str(path.relative_to(REPO)) in VAULT:
            continue
        if re.search(rf"\b{re.escape(key)}\b", path.read_text(encoding="utf-8")):
            rel = path.relative_to(REPO)
            found.add(str(rel.relative_to("src/scalpsite" if rel.parts[0] == "src" else "themes/default")))
    return found


@pytest.mark.parametrize("key", KEYS)
def test_a_key_is_in_at_most_three_files(key):
    entry = {m.key: f"measures/{'alopecia' if m in vars(alopecia).values() else 'dermatitis'}.py" for m in MEASURES}
    found = files_naming(key)
    assert found <= {entry[key], *ALSO.get(key, {})}, sorted(found)
    assert len(found) <= 3


def test_the_vault_never_reads_the_measures():
    """The files the count leaves out hold the key derivation's salt only: they import nothing of the measures
    or of what is made from them (the analysis, the journal's models)."""
    for name in VAULT:
        text = (REPO / name).read_text(encoding="utf-8")
        assert (REPO / name).is_file() and re.search(r"\bsalt\b", text)
        assert not re.search(r"scalpsite\.(measures|analysis|journal)|\bMEASURES\b|\bSALT\b", text), name


def test_the_file_count_sees_a_key_as_a_word():
    assert "analysis/definitions.py" not in files_naming("adct_minus_5")  # a milestone key, not a measure's
    assert "journal/effects.py" in files_naming("conjunctivitis")


def test_a_measures_own_codes_are_documented_and_made_at_their_level():
    """SALT measured from the masks: its entry declares the findings of its two checks; the finding table
    documents them from there, and each is made at the level it declares."""
    from scalpsite.findingcodes import CODES
    from scalpsite.findings import Level

    masks = alopecia.SALT.masks
    assert masks is alopecia.SALT_MASKS and masks.limit == 10
    for code, level in ((masks.disagrees, Level.WARNING), (masks.region_twice, Level.ERROR)):
        assert CODES[code.code].level is code.level is level
        made = code.finding("scalpsite.yaml", "both angles", 4, "give each region one angle")
        assert (made.code, made.level, made.path, made.line, made.hint) == \
            (code.code, level, "scalpsite.yaml", 4, "give each region one angle")


@pytest.mark.parametrize("source, cite", [
    ("King et al., J Am Acad Dermatol 2022;86:359–64", "King 2022"),
    ("Olsen et al. 2004", "Olsen 2004"),
    ("Finlay & Khan, Clin Exp Dermatol 1994;19:210–6; bands: Hongbo et al., J Invest Dermatol 2005", "Finlay 1994"),
    ("strata: Chopra et al., Br J Dermatol 2017;177:1316–21", "strata: Chopra et al., Br J Dermatol 2017;177:1316–21"),
    ("a throwaway example of a test", "a throwaway example of a test"),
])
def test_a_source_in_brief_is_its_first_author_and_year(source, cite):
    assert Measure(key="k", label="K", name="K", description="", source=source).cite() == cite


def test_the_severity_scale_beside_the_headline_comes_from_its_entry():
    from scalpsite.analysis.results import headline

    g = headline(MEASURES).severity
    assert g is not None
    assert (g.key, g.label, g.name, g.cite, g.words) == \
        ("aa_scale", "AA Scale", "Alopecia Areata Scale", "King 2022", "aa_scale_label")
    assert headline([m for m in MEASURES if m is not alopecia.AA_SCALE]).severity is None


# ---------- a measure added at run time: found in every output ----------

SCALP_PAIN = """
from scalpsite.measures import registry
from scalpsite.measures.kinds import AA, Column, Fhir, Measure, Target

SCALP_PAIN = Measure(
    key="scalp_pain", label="Scalp pain", name="Scalp pain NRS", condition=AA, low=0, high=10, after="pgic",
    description="Scalp pain NRS: the worst scalp pain in the past 24 hours, {range}.", examples=(3,),
    source="a throwaway example of a test", scale_prefix="NRS", scored_by=("self",), short="Pain",
    changes=("change",), target=Target(points=2), table="graded",
    fhir=Fhir("scalp-pain-nrs", "Scalp pain NRS", "{score}", "survey", "Worst scalp pain in the past 24 hours."),
    columns=(Column("scalp_pain", "scalp pain NRS, 0-10"), Column("scalp_pain_change", "scalp pain minus the baseline's")),
    template="worst scalp pain in the past 24 hours, {range}",
    definition="Scalp pain NRS 0–10, the worst scalp pain in the past 24 hours.")
registry.MEASURES = registry.MEASURES + (SCALP_PAIN,)  # before anything else of scalpsite is imported
"""
PROBE = """
import csv, io, json, sys
from pathlib import Path
from click.testing import CliRunner
from pypdf import PdfReader
from scalpsite.cli import main
from scalpsite.journal.editors import schema
from scalpsite.journal.models import Session
from scalpsite.analysis.definitions import definitions

root, bad = Path(sys.argv[1]), Path(sys.argv[2])
run = CliRunner().invoke
field = schema("session")["properties"]["scalp_pain"]
model = "scalp_pain" in Session.model_fields
check = run(main, ["check", str(bad)]).output
rows = list(csv.DictReader(io.StringIO(run(main, ["export", str(root), "--format", "csv"]).output)))
bundle = json.loads(run(main, ["export", str(root), "--format", "fhir"]).output)
codes = [e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
built = run(main, ["build", str(root)])
page = (root / "_site/sessions/2025-03-03.html").read_text()
pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(root / "_site/dossier.pdf").pages)
print(json.dumps({"schema": field, "model": model, "check": check, "csv": rows[-1], "codes": codes, "build": built.exit_code,
                  "glossary": [d for d in definitions(["alopecia_areata"]) if d["term"] == "Scalp pain"],
                  "page": "Scalp pain" in page and "NRS 0–10" in page, "pdf": pdf}))
"""


def test_a_measure_added_to_the_registry_reaches_every_output(tmp_path):
    """One entry (above) and nothing else: session.yaml's model and schema, check's range error, the
    CSV, a FHIR Observation, the glossary, the session page and the dossier's table."""
    root = write_journal(tmp_path / "j", {"2025-01-06": "scalp_pain: 6\nside_effects: none\n",
                                          "2025-03-03": "scalp_pain: 3\nside_effects: none\n"})
    bad = write_journal(tmp_path / "bad", {"2025-01-06": "scalp_pain: 11\n"}, config=CONFIG)
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(SCALP_PAIN) + textwrap.dedent(PROBE))
    env = os.environ | {"PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, str(script), str(root), str(bad)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["model"] and (out["schema"]["description"], out["schema"]["anyOf"][0]["maximum"]) == \
        ("Scalp pain NRS: the worst scalp pain in the past 24 hours, 0-10.", 10)
    assert "scalp_pain" in out["check"] and "[invalid-value]" in out["check"] and "10" in out["check"]
    assert (out["csv"]["scalp_pain"], out["csv"]["scalp_pain_change"]) == ("3", "-3")
    assert out["codes"].count("scalp-pain-nrs") == 2
    assert out["glossary"] and out["glossary"][0]["source"] == "a throwaway example of a test"
    assert out["build"] == 0 and out["page"]
    assert "Pain: Scalp pain NRS, NRS 0–10" in out["pdf"]


def test_the_registry_answers_the_journal_model():
    """The measures of session.yaml are the registry's, in its places (nothing declared beside it)."""
    declared = {*Session.model_fields, *AtopicDermatitis.model_fields, *HairQuality.model_fields}
    assert {m.key for m in recorded()} <= declared
    assert by_key()["itch"].place == "ad" and "itch" in AtopicDermatitis.model_fields
