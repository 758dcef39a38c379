"""The case for the treatment, ready for a prior authorisation: diagnoses and their durations,
interruptions and return, endpoints as a physician takes them, confounders and history, the AD
severity a form asks for, the attestation, and `export --format case`; from worked examples."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from conftest import COMPLETE, EXAMPLE, write_journal
from longcourse import write_course
from pdftext import pdf_text

from scalpsite.analysis import case, history, scores
from scalpsite.analysis.response import interruption
from scalpsite.analysis.definitions import definitions
from scalpsite.analysis.summary import VIGA_SUCCESS
from scalpsite.cli import main
from scalpsite.journal.configmodel import Config

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = write_course(tmp_path_factory.mktemp("case") / "journal", photos=False)
    out = root.parent / "site"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "data.json").read_text(encoding="utf-8"))
    text = pdf_text(out / "dossier.pdf")
    return root, data, text.replace("’", "'")


# ---------- 1. diagnoses ----------

@pytest.mark.parametrize("since, on, words", [
    ("2012", "2026-01-12", "about 14 years"),
    ("2024-09", "2026-01-12", "about 1 year 4 months"),
    ("2008-05-14", "2026-11-27", "18 years 6 months"),
    ("2008-05-28", "2026-11-27", "18 years 5 months"),          # a day short of the 6th month
    ("2026-06", "2026-11-27", "about 5 months"),
    ("2026-11", "2026-11-27", "less than a month"),
    ("2026", "2026-11-27", "less than a year"),
])
def test_durations_are_as_precise_as_the_date(since, on, words):
    assert history.duration(since, D(on)) == words


@pytest.mark.parametrize("entry, ok", [
    ({"condition": "alopecia areata", "code": "L63.9", "diagnosed": 2012}, True),
    ({"condition": "atopic dermatitis", "code": "L20.89", "diagnosed": "2019-04"}, True),
    ({"condition": "asthma", "code": "J45.909", "diagnosed": dt.date(2005, 3, 1)}, True),
    ({"condition": "alopecia totalis", "code": "L63.0"}, True),
    ({"condition": "x", "code": "L639"}, False), ({"condition": "x", "code": "l63.9"}, False),
    ({"condition": "x", "code": "L63.12345"}, False), ({"condition": "x", "diagnosed": "2019-13"}, False),
    ({"condition": "x", "diagnosed": "2019-02-30"}, False), ({"condition": "x", "diagnosed": 1850}, False),
    ({"condition": "", "code": "L63.9"}, False),
])
def test_a_diagnosis_code_is_checked_for_form_only(entry, ok):
    try:
        Config.model_validate({"treatments": [], "diagnoses": [entry]})
    except ValueError:
        assert not ok
    else:
        assert ok


def test_a_bad_code_is_a_message_with_line_and_fix(runner, tmp_path):
    config = "treatments: [{drug: dupilumab, start: 2025-01-10}]\ndiagnoses:\n  - {condition: aa, code: L639}\n"
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=config)
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("scalpsite.yaml:3: diagnoses[0].code: 'L639' is not an ICD-10-CM code; write a capital letter, two "
            "characters and, after a dot, up to four more: L63.9, L20.89, J45.909") in result.output


def test_diagnoses_on_page_one_and_the_case_page_as_of_the_date(course):
    root, data, text = course
    rows = {d["code"]: d for d in data["diagnoses"]}
    assert rows["L63.9"]["text"] == ("alopecia areata (L63.9): diagnosed 2012 (about 14 years); current episode "
                                     "since Sep 2024 (about 2 years 2 months)")
    assert rows["J30.9"]["disease_duration"] == "about 5 months"
    assert data["case"]["diagnoses"] == data["diagnoses"]
    assert "L63.9 alopecia areata (about 14 years; episode about 2 years 2 months)" in text
    early = CliRunner().invoke(main, ["export", str(root), "--format", "case", "--as-of", "2026-04-15"])
    codes = [d["code"] for d in json.loads(early.output)["case"]["diagnoses"]]
    assert codes == ["L63.9", "L20.9", "J45.909"]  # allergic rhinitis was diagnosed in June 2026


# ---------- 2. the interruption and return ----------

@pytest.mark.parametrize("days, as_of, expected", [
    (["2025-01-10", "2025-01-24", "2025-02-21"], "2025-03-01", []),                       # 28 days: not more
    (["2025-01-10", "2025-01-24", "2025-02-22"], "2025-03-01", [("2025-01-24", "2025-02-22")]),
    (["2025-01-10", "2025-01-24"], "2025-02-21", []),
    (["2025-01-10", "2025-01-24"], "2025-02-22", [("2025-01-24", None)]),                  # going on
])
def test_an_interruption_is_no_dose_for_more_than_twice_the_interval(days, as_of, expected):
    found = interruption.gaps([D(d) for d in days], 14, D(as_of))
    assert [(a.isoformat(), b.isoformat() if b else None) for a, b in found] == expected


def test_the_dechallenge_and_rechallenge_facts_of_the_course(course):
    _, data, text = course
    [gap] = data["interruptions"]
    assert (gap["last_dose"], gap["first_dose"], gap["gap_days"]) == ("2026-01-23", "2026-04-17", 84)
    salt = next(m for m in gap["measures"] if m["key"] == "salt")
    got = {k: (salt[k]["date"], salt[k]["value"], salt[k]["assessed_by"]) for k in ("before", "worst", "after_12",
                                                                                   "after_24")}
    assert got == {"before": ("2026-01-16", 15.3, "clinician"), "worst": ("2026-06-19", 44.0, "self"),
                   "after_12": ("2026-07-10", 40.0, "self"), "after_24": ("2026-10-02", 23.0, "self")}
    assert gap["events"][:2] == ["SALT ≤ 20 lost on 10 Apr 2026 (had been kept since 31 Oct 2025)",
                                 "SALT ≤ 20 met again on 23 Oct 2026, kept since then (confirmed 27 Nov 2026)"]
    assert data["case"]["interruptions"] == data["interruptions"]
    assert "No dose from 23 Jan 2026 to 17 Apr 2026 (84 days)" in text and "no conclusion is drawn" in text
    for conclusion in ("positive dechallenge", "caused", "due to the"):
        assert conclusion not in text.split("Definitions used")[0]


def test_the_example_journal_has_an_interruption_and_the_chart_marks_it():
    expected = json.loads((EXAMPLE.parent / "tests/expected/example-data.json").read_text(encoding="utf-8"))
    [gap] = expected["interruptions"]
    assert (gap["last_dose"], gap["first_dose"], gap["gap_days"]) == ("2025-10-17", "2025-11-28", 42)
    salt = gap["measures"][0]
    assert salt["after_12_note"] == "not reached yet (20 Feb 2026)" and salt["before"]["date"] == "2025-09-08"
    from scalpsite.render.charts import salt_chart

    from scalpsite.analysis.results import Analysis

    fig = salt_chart(Analysis.model_validate(expected))
    assert "dose-gap" in {a.get_gid() for ax in fig.axes for a in ax.patches}


# ---------- 3. endpoints as a physician takes them ----------

def session(date: str, days: int, by: str = "self", salt: float = 30.0) -> dict:
    return {"date": date, "days_on_treatment": days, "baseline": False, "assessed_by": by, "salt": salt,
            "easi": None}


@pytest.mark.parametrize("pool, week, chosen", [
    ([session("a", 168), session("b", 175, "clinician")], 24, "b"),     # a clinician a week later wins
    ([session("a", 168), session("b", 190, "clinician")], 24, "a"),     # ... but not 3 weeks later
    ([session("a", 161), session("b", 175)], 24, "a"),                  # equally near: the earlier
    ([session("a", 130)], 24, None),                                    # over 4 weeks away: none
])
def test_the_session_that_stands_for_a_week(pool, week, chosen):
    found = case.nearest(pool, week)
    assert (found["date"] if found else None) == chosen


def test_endpoint_rows_with_who_scored_them_and_what_overlapped(course):
    _, data, text = course
    rows = {r["label"]: r for r in data["case"]["response"]}
    assert list(rows) == ["week 12", "week 24", "week 36", "week 48", "week 52", "now"]
    assert (rows["week 24"]["salt"], rows["week 24"]["assessed_by"]) == (40.5, "clinician")  # not the self 41.5
    assert (rows["week 52"]["salt"], rows["week 52"]["assessed_by"]) == (15.3, "clinician")  # not the self 14.3
    assert (rows["week 48"]["date"], rows["now"]["date"]) == ("2025-12-12", "2026-11-27")
    assert "dupilumab phase 2a" in rows["week 48"]["endpoint"]
    assert data["case"]["baseline"]["assessed_by"] == "clinician" and data["case"]["now"]["assessed_by"] == "self"
    assert rows["week 24"]["confounders"] == []
    minoxidil = "SALT: topical minoxidil 5% foam (1 Sep 2025 to 1 Feb 2026)"
    assert all(minoxidil in rows[w]["confounders"] for w in ("week 36", "week 48", "week 52", "now"))
    assert "EASI: mometasone furoate 0.1% ointment (from 15 May 2026)" in rows["now"]["confounders"]
    assert "week 24 4 Jul 2025 (week 25, clinician) 40.5" in text


# ---------- 4. history: how long, how strong, how it went ----------

def test_prior_treatments_say_duration_potency_and_outcome(course):
    _, data, text = course
    prior = {p["drug"]: p for p in data["case"]["prior"]}
    clobetasol = prior["clobetasol propionate 0.05% foam"]
    assert (clobetasol["duration"], clobetasol["potency_label"]) == ("7 months", "class I (superpotent)")
    assert prior["ciclosporin"]["outcome_label"] == "outcome not recorded"
    assert (prior["mometasone furoate 0.1% ointment"]["outcome_label"],
            prior["mometasone furoate 0.1% ointment"]["duration"]) == ("ongoing", "6 months so far")
    assert "class I (superpotent)" in text and "outcome not recorded" in text


# ---------- 5. the AD severity a form asks for ----------

@pytest.mark.parametrize("pct, band", [(0, "clear"), (0.1, "mild"), (15.9, "mild"), (16, "moderate"),
                                       (39.9, "moderate"), (40, "severe"), (100, "severe"), (None, None)])
def test_bsa_strata(pct, band):
    assert scores.bsa_band(pct) == band


@pytest.mark.parametrize("baseline, latest, met", [(3, 1, True), (4, 0, True), (2, 1, False), (4, 2, False),
                                                   (3, None, None)])
def test_viga_success_is_0_or_1_and_2_grades_better(baseline, latest, met):
    assert VIGA_SUCCESS.met(baseline, latest) == met


def test_bsa_and_viga_at_baseline_and_now(course):
    _, data, text = course
    base = data["case"]["baseline"]
    assert (base["bsa_pct"], base["bsa_band"], base["viga_ad"], base["viga_ad_label"]) == (27.0, "moderate", 4, "severe")
    viga = next(m for m in data["summary"]["ad_measures"] if m["key"] == "viga_ad")
    assert (viga["baseline"], viga["latest"], viga["target"]["met"]) == (4, 1, True)
    assert "vIGA-AD" in text.split("The case for the current treatment")[1][:2500]


# ---------- 6, 7. the attestation, and the same facts for software ----------

def test_the_case_page_ends_with_the_attestation(course):
    _, data, text = course
    assert data["case"]["attestation"]["fields"] == ["Prescriber's name", "Signature", "Date", "Licence number"]
    assert "compiled by the patient from their own records" in text and "Licence number" in text
    page = text.split("The case for the current treatment")[1].split("Photo comparisons")[0]
    for advice in ("recommend continuing", "should continue", "we suggest", "is effective"):
        assert advice not in page.lower()


def test_export_case_gives_the_same_values(course):
    root, data, _ = course
    result = CliRunner().invoke(main, ["export", str(root), "--format", "case"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    assert exported["case"] == data["case"] and exported["generated_for"] == data["generated_for"]
    assert set(exported) == {"scalpsite_version", "title", "generated_for", "records_up_to", "patient", "case"}
    shown = " ".join(CliRunner().invoke(main, ["export", "--help"]).output.split())
    assert "case: the facts of the dossier's case page as JSON" in shown


def test_every_definition_names_a_published_source_never_the_project_notes():
    for d in definitions(["alopecia_areata", "atopic_dermatitis"]):
        assert d["source"] is None or ("CLINICAL" not in d["source"] and "DESIGN" not in d["source"]), d["term"]
    terms = {d["term"]: d["source"] for d in definitions(["alopecia_areata", "atopic_dermatitis"])}
    assert "Chopra" in terms["BSA"] and "Simpson" in terms["vIGA-AD"] and "Naranjo" in terms["Interruption"]
    assert "ICD-10-CM" in terms["Diagnoses"] and "Eichenfield" in terms["Potency"]
