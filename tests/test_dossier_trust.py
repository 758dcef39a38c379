"""Issue 14: a dossier a clinician can trust: only what the record shows, what matters first."""

from __future__ import annotations

import json
import re

import pytest
from conftest import COMPLETE, example_copy, write_journal
from pdftext import pdf_pages
from pypdf import PdfReader

from scalpsite.cli import main


@pytest.fixture(scope="module")
def example(tmp_path_factory, example_build):
    """A copy of the example journal (never built in place), with the cache of the run's build of it."""
    return example_copy(tmp_path_factory.mktemp("ex") / "journal", example_build)


@pytest.fixture(scope="module")
def past(example, tmp_path_factory):
    """The example's dossier for its first appointment, 4 Jul 2025."""
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("past") / "out"
    result = CliRunner().invoke(main, ["build", str(example), "--for", "2025-07-04", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_a_past_dossier_knows_nothing_later(past):
    """Item 1: `--for 2025-07-04` shows no session, milestone, week or due date after that day."""
    data = json.loads((past / "data.json").read_text())
    assert max(s["date"] for s in data["sessions"]) <= "2025-07-04"
    assert data["generated_for"] == "2025-07-04" and data["records_up_to"] == "2025-06-30"
    assert all(d is None or d <= "2025-07-04" for d in data["milestones"].values())
    assert not [f for f in data["findings"] if re.search(r"2025-(0[89]|1\d)|2026", f["path"])]
    text = " ".join(pdf_pages(past / "dossier.pdf"))
    for later in ("Jan 2026", "Dec 2025", "Oct 2025", "52 weeks", "15.1"):
        assert later not in text, later
    assert "Dossier for the appointment of 4 Jul 2025" in text
    assert "2026" not in (past / "index.html").read_text()


def test_until_after_for_is_a_usage_error(runner, example, tmp_path):
    """Item 1: an explicit --until may not exceed --for."""
    result = runner.invoke(main, ["build", str(example), "--for", "2025-07-04", "--until", "2025-08-01",
                                  "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "--until 2025-08-01 is after --for 2025-07-04" in result.output


def test_a_dossier_for_a_future_date_is_allowed(runner, journal, tmp_path):
    """Item 1: --for after the last session is the usual case (the next appointment)."""
    result = runner.invoke(main, ["build", str(journal), "--for", "2025-05-01", "--no-pdf"])
    assert result.exit_code == 0, result.output
    data = json.loads((journal / "_site/data.json").read_text())
    assert data["appointment"]["date"] == "2025-05-01" and len(data["sessions"]) == 2


@pytest.fixture(scope="module")
def latest(example_build):
    """The example's site and dossier as `build` makes them without --for (the run's build of it)."""
    out, _ = example_build
    return out, pdf_pages(out / "dossier.pdf")


def test_without_for_the_next_appointment_and_its_questions_are_on_page_one(latest):
    """Item 2: the journal's appointment four days after the last session, questions on page 1."""
    out, pages = latest
    data = json.loads((out / "data.json").read_text())
    assert data["appointment"]["date"] == "2026-01-16" and data["appointment"]["chosen_by"] == "next"
    assert "Appointment 16 Jan 2026 with Dr. A. Example" in pages[0]
    assert "Questions for the 12-month review" in pages[0] and "Is that common?" in pages[0]
    index = (out / "index.html").read_text()
    assert index.index("Prepared for the appointment on") < index.index("Treatment response summary")


def test_questions_that_do_not_fit_are_pointed_to(runner, tmp_path):
    """Item 2: too many questions for page 1: page 1 says how many, and on which page they are."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE})
    (root / "appointments").mkdir()
    (root / "appointments/2025-03-10.md").write_text("".join(f"1. Question number {i}?\n" for i in range(40)))
    assert runner.invoke(main, ["build", str(root)]).exit_code == 0
    pages = pdf_pages(root / "_site/dossier.pdf")
    match = re.search(r"40 questions for this appointment: page (\d+)", pages[0])
    assert match and "Question number 39?" in pages[int(match.group(1)) - 1]


def test_labs_are_shown_as_entered_with_their_range(runner, tmp_path):
    """Item 4: 0.46 is not rounded to the cut-off 0.5; 420 is not 420.0; ranges and flags."""
    labs = ("labs: {eosinophils: {value: 0.46, unit: 10^9/L}, ige: {value: 420, unit: IU/mL},"
            " crp: {value: 3.0, unit: mg/L, range: [0, 5]}}\n")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE + labs})
    assert runner.invoke(main, ["build", str(root)]).exit_code == 0
    data = json.loads((root / "_site/data.json").read_text())
    lab = data["sessions"][1]["labs"]
    assert (lab["eosinophils"]["text"], lab["eosinophils"]["flag"]) == ("0.46", None)
    assert (lab["ige"]["text"], lab["ige"]["flag"], lab["ige"]["range_source"][:13]) == ("420", "high", "adult default")
    assert (lab["crp"]["text"], lab["crp"]["range_source"]) == ("3.0", "report")
    page1 = pdf_pages(root / "_site/dossier.pdf")[0]
    assert "IgE 420 IU/mL high" in page1 and "Eosinophils 0.46 10⁹/L" in page1
    assert "0.5 10⁹/L" not in page1 and "420.0" not in page1
    csv = (root / "_site/data.csv").read_text()
    assert "eosinophils=0.46 10^9/L; ige=420 IU/mL [high]" in csv


@pytest.mark.parametrize("value, flag", [(0.55, "high"), (0.5, None), (0.04, None), (0.03, "low")])
def test_eosinophil_flags_at_the_cut_off(value, flag):
    """Item 4: above 0.5 x10^9/L is eosinophilia; the ends of the range are in range."""
    from scalpsite.analysis.labs import DEFAULT_RANGES
    from scalpsite.analysis.labs import flag as lab_flag

    assert lab_flag(value, DEFAULT_RANGES["eosinophils"][1]) == flag


def test_the_pdf_summarises_the_check_and_the_site_lists_it(runner, tmp_path):
    """Item 5: 40 sessions of near-identical warnings are a few lines in the PDF, every one on the site."""
    sessions = {f"2025-{1 + i // 4:02d}-{1 + 7 * (i % 4):02d}": "salt: 40\n" for i in range(40)}
    root = write_journal(tmp_path / "j", sessions)
    assert runner.invoke(main, ["build", str(root)]).exit_code == 0
    text = " ".join(pdf_pages(root / "_site/dossier.pdf"))
    assert "Record completeness" in text and "SALT 40 of 40" in text
    assert text.count("side effects not recorded") <= 1 and "fix:" not in text
    findings = (root / "_site/findings.html").read_text()
    assert findings.count("side effects not recorded") == 40


def test_salt_by_region_and_change_since_the_last_visit(latest):
    """Items 6 and 7: the per-region table, and baseline -> last visit -> latest on page 1."""
    out, pages = latest
    data = json.loads((out / "data.json").read_text())
    back = next(r for r in data["summary"]["salt_regions"] if r["region"] == "back")
    top = next(r for r in data["summary"]["salt_regions"] if r["region"] == "top")
    assert back["improvement_pct"] > top["improvement_pct"]  # the back regrew more, not less
    assert "SALT by region" in " ".join(pages)
    assert "Last visit 30 Jun 2025" in pages[0] and "Since last visit" in pages[0]
    salt = data["summary"]["salt"]
    assert salt["change_since_last_visit"] == round(salt["latest"] - salt["at_last_visit"], 2)
    assert svg_has_panels(out / "charts/regions.svg", 4) if (out / "charts/regions.svg").exists() else True


def svg_has_panels(path, n: int) -> bool:
    return path.read_text().count('id="axes_') >= n


def test_the_response_names_its_milestone_and_its_rule(latest):
    """Item 8: "kept" only by the rule; the PDF never drops the milestone's name."""
    _, pages = latest
    assert "SALT30 kept since 30 Jun 2025" in pages[0]
    assert "Response: response kept" not in " ".join(pages)
    assert "at least 4 weeks later" in " ".join(pages)  # the rule, in the definitions


def test_self_assessed_is_said_and_clinician_sessions_are_marked(runner, tmp_path):
    """Item 9: the patient's own assessments labelled once; a clinician session marked as such."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE + "assessed_by: clinician\n"})
    assert runner.invoke(main, ["build", str(root)]).exit_code == 0
    pages = pdf_pages(root / "_site/dossier.pdf")
    assert "All scores are the patient's own assessments, except in sessions marked 'clinician'" in pages[0]
    assert "clinician" in " ".join(pages[1:])
    assert "Assessed by a clinician." in (root / "_site/sessions/2025-03-03.html").read_text()


def test_side_effects_count_sessions_not_episodes(latest):
    """Item 9: "Conjunctivitis x3" counted sessions: say so."""
    _, pages = latest
    assert "Conjunctivitis / eye symptoms 3 of 12, worst mild" in pages[0]
    assert "×3" not in " ".join(pages)


def test_polish_glossary_bookmarks_records_up_to_and_dlqi(latest):
    """Item 11: glossary page, PDF bookmarks, "records up to" the last record, DLQI charted."""
    out, _ = latest
    glossary = (out / "glossary.html").read_text()
    assert "AA-IGA" in glossary and "FU/cm²" in glossary and "Source: Olsen" in glossary
    titles = [o.title for o in PdfReader(out / "dossier.pdf").outline if not isinstance(o, list)]
    assert {"Summary", "Photo comparisons", "Charts", "Definitions used"} <= set(titles)
    assert "records up to 12 Jan 2026" in (out / "index.html").read_text()
    assert "DLQI (0–30)" in (out / "charts/ad.svg").read_text()


def test_density_lines_differ_without_colour(latest):
    """Item 11: density zones are told apart in greyscale print (markers and dashes differ)."""
    out, _ = latest
    svg = (out / "charts/density.svg").read_text()
    dashes = set(re.findall(r"stroke-dasharray: ([\d.,\s]+)", svg))
    assert len(dashes) >= 4


def test_text_the_pdf_cannot_show_is_a_finding(runner, journal):
    """Item 11: CJK text prints as boxes in the PDF: a warning names the file; the site shows it."""
    (journal / "sessions/2025-03-03/notes.md").write_text("頭皮の写真。\n")
    result = runner.invoke(main, ["check", str(journal), "--format", "json"])
    found = [f for f in json.loads(result.output)["findings"] if f["code"] == "font-coverage"]
    assert found and found[0]["path"] == "sessions/2025-03-03/notes.md" and "頭" in found[0]["message"]
