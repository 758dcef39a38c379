"""Issue 15 items 2-6 and 8, issue 14 item 3: what the new analysis shows in data.json, the CSV,
OUT/injections.csv, FHIR, the charts, the site and the dossier."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import matplotlib
import pytest
from click.testing import CliRunner
from conftest import COMPLETE, EXAMPLE, REPO, tiny_photo, write_journal
from pdftext import pdf_pages

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.results import Analysis
from scalpsite.cli import main
from scalpsite.journal.load import load
from scalpsite.output.export import to_csv
from scalpsite.render.charts import STYLE, control_chart, doses_chart, salt_chart

EXPECTED = json.loads((REPO / "tests/expected/example-data.json").read_text(encoding="utf-8"))
INJECTION_KEYS = ["expected", "given", "missed", "late", "pending", "adherence_pct", "longest_gap_days", "last",
                  "next_due", "site_repeats"]


@pytest.fixture(scope="module")
def built(example_build):
    """The example journal's site, built once for the test run (conftest)."""
    return example_build[0]


def test_data_json_validates_against_the_generated_schema():
    """Done-when: data.json validates against the schema generated from the typed analysis."""
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(EXPECTED, Analysis.model_json_schema())


def test_injections_hold_exactly_the_keys_design_names_and_null_without_a_log(tmp_path):
    """Item 2: `injections {expected, given, missed, late, pending, adherence_pct, longest_gap_days, last,
    next_due, site_repeats}`; null when the journal has no log."""
    assert list(EXPECTED["injections"]) == INJECTION_KEYS
    assert EXPECTED["injections"]["missed"] == 3 and EXPECTED["injections"]["late"] == 1
    data = analyze(load(write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}))).model_dump(mode="json")
    assert data["injections"] is None and data["injection_log"] is None and data["injection_doses"] == []


def test_example_milestones_and_session_fields():
    """Items 4-6: ClinRO, PGI-C and ADCT milestones; the AA Scale per session with its reasons."""
    m = EXPECTED["milestones"]
    assert (m["eyebrows_response"], m["eyelashes_response"], m["pgic_response"], m["adct_minus_5"]) == \
        ("2025-06-30", None, "2025-09-08", "2025-03-03")
    by_date = {s["folder"]: s for s in EXPECTED["sessions"]}
    assert by_date["2025-01-06"]["aa_scale"] == "severe"
    assert by_date["2025-09-08"]["aa_scale"] == "moderate"
    assert by_date["2025-09-08"]["aa_scale_not_recorded"] == ["rapidly_progressive", "psychosocial_impact"]
    assert by_date["2026-01-12"]["pgic_label"] == "greatly improved" and by_date["2026-01-12"]["adct_change"] == -13


def test_csv_has_stable_columns_for_the_new_measures():
    """Done-when: `export --format csv` has stable columns for the new measures (empty when not recorded)."""
    rows = list(csv.DictReader(io.StringIO(to_csv(EXPECTED))))
    new = ["eyebrows", "eyelashes", "psychosocial_impact", "rapidly_progressive", "aa_scale", "aa_scale_reasons",
           "pgic", "adct", "adct_change", "recap", "recap_change", "expected_effects"]
    assert all(c in rows[0] for c in new)
    assert (rows[0]["eyebrows"], rows[0]["adct"], rows[0]["pgic"], rows[0]["rapidly_progressive"]) == ("2", "16", "", "false")
    assert rows[1]["eyebrows"] == ""  # not recorded: empty, never 0
    assert rows[-1]["expected_effects"].startswith("conjunctivitis=no; blepharitis=no")


def test_build_writes_the_injection_log_normalised(built):
    """Item 2: OUT/injections.csv, one row per injection with the dose it belongs to."""
    rows = list(csv.DictReader((built / "injections.csv").open(encoding="utf-8")))
    assert len(rows) == 25 and rows[0]["dose_number"] == rows[1]["dose_number"] == "1"
    late = [r for r in rows if r["timing"] == "late"]
    assert [(r["date"], r["due"], r["dose_number"]) for r in late] == [("2025-09-24", "2025-09-19", "19")]
    assert rows[0]["dose_mg"] == "300"


def test_fhir_has_a_medication_administration_per_injection(example_journal):
    """Item 2: FHIR MedicationAdministration per row of the log, validated by fhir.resources."""
    result = CliRunner().invoke(main, ["export", str(example_journal), "--format", "fhir"])
    assert result.exit_code == 0, result.output
    given = [e["resource"] for e in json.loads(result.output)["entry"]
             if e["resource"]["resourceType"] == "MedicationAdministration"]
    assert len(given) == 25
    first = given[1]
    assert first["effectiveDateTime"] == "2025-01-10" and first["dosage"]["site"] == {"text": "thigh, left"}
    assert first["note"][0] == {"text": "injection-site reaction: mild"}


def gids(fig) -> set[str]:
    """The gid of every element drawn on a figure (written into the SVG as ids)."""
    buf = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buf, format="svg")
    return {el.get("id") for el in ET.fromstring(buf.getvalue()).iter() if el.get("id")}


def test_charts_draw_doses_and_control_from_the_data():
    """Item 2: dose markers on the SALT chart and a chart of doses over time; item 6: the control chart."""
    data = Analysis.model_validate(EXPECTED)
    assert {"dose-given", "dose-missed"} <= gids(salt_chart(data))
    assert {"dose-given-on_time", "dose-given-late", "dose-missed-None"} <= gids(doses_chart(data))
    assert {"line-adct", "line-recap", "line-pgic"} <= gids(control_chart(data))
    quiet = data.model_copy(update={"injection_doses": [], "control_panels": []})
    assert doses_chart(quiet) is None and control_chart(quiet) is None
    assert not {"dose-given", "dose-missed"} & gids(salt_chart(quiet))


class Text(HTMLParser):
    """The visible text of an HTML page, whitespace collapsed."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(html)

    def handle_data(self, data):
        self.parts.append(data)


def page_text(path) -> str:
    return " ".join(" ".join(Text(path.read_text(encoding="utf-8")).parts).split())


def test_site_index_shows_adherence_checklist_and_aa_scale(built):
    """Items 2, 3, 5: the index shows the adherence line, the checklist and the AA Scale."""
    text = page_text(built / "index.html")
    assert "24 of 27 doses (88.9 %), 3 missed, 1 late; longest gap 42 days; no dose from 17 Oct 2025 to 28 Nov 2025" in text
    assert "Expected effects of dupilumab" in text and "Joint pain 0 5 7" in text
    assert "AA Scale (King 2022) mild" in text and "Next photo session" in text
    session = page_text(built / "sessions/2025-10-20.html")
    assert "Joint pain: not asked" in session and "Headache: no" in session


def test_dossier_page_one_and_the_case_page(built):
    """Done-when: page 1 shows adherence and the checklist; page 2 is the case, with facts only."""
    pages = pdf_pages(built / "dossier.pdf")
    assert "24 of 27 doses (88.9 %), 3 missed, 1 late; longest gap 42 days" in pages[0]
    assert "Expected effects of dupilumab" in pages[0] and "5 never reported" in pages[0]
    assert "Photo sessions" in pages[0] and "Tracking schedule" not in pages[0]
    case = pages[1] + " " + pages[2]  # the case for the treatment: pages 2 and 3
    assert case.startswith("Hair regrowth journal Dossier for the appointment of 16 Jan 2026 The case for the current treatment")
    for fact in ("atopic dermatitis, alopecia areata", "55.7 S3, AA-IGA 3", "ciclosporin", "not tolerated", "IgE 420",
                 "primary endpoint of BRAVE-AA1/2", "24 of 27 doses", "Conjunctivitis / eye symptoms: reported at 3 of 12"):
        assert fact in case, fact
    for advice in ("recommend continuing", "should continue", "we suggest"):
        assert advice not in case.lower()


def test_optional_angles_are_shown_when_present_and_never_missing(tmp_path):
    """Item 4: eyebrows and eyelashes photos as optional angles: angle pages, no missing-photo warnings."""
    config = ("treatments: [{drug: dupilumab, start: 2025-01-10}]\n"
              "photos: {angles: [overhead], optional: [eyebrows, eyelashes]}\n")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE}, config=config)
    for folder in ("2025-01-06", "2025-03-03"):
        tiny_photo(root / "sessions" / folder / "overhead.jpg")
    tiny_photo(root / "sessions/2025-03-03/eyebrows.jpg", shade=80)
    found = json.loads(CliRunner().invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-03-03"]).output)
    assert not [f for f in found["findings"] if f["code"] == "missing-photo"]
    result = CliRunner().invoke(main, ["build", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    data = json.loads((root / "_site/data.json").read_text())
    assert data["angles"] == ["overhead", "eyebrows", "eyelashes"]
    assert data["angle_notes"]["eyebrows"] == "eyebrows (graded by the eyebrow ClinRO); no SALT weight"
    assert (root / "_site/angles/eyebrows.html").is_file()


def test_a_past_as_of_date_knows_no_later_injection(tmp_path):
    """Item 2: the adherence as of a date uses the rows up to that date only."""
    data = analyze(load(EXAMPLE), as_of=dt.date(2025, 7, 4)).model_dump(mode="json")
    assert data["injections"]["last"] == "2025-06-13"
    assert (data["injections"]["missed"], data["injections"]["pending"]) == (0, 1)  # 27 Jun + 7 = 4 Jul: still open
    assert all(r["date"] <= "2025-07-04" for r in data["injection_log"])
