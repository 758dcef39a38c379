"""A long, messy course (tests/longcourse.py), built as a patient would build it, checked against
what a reviewer counts by hand: responses kept, lost and kept again, the record as of a date, an
empty trailing session, a rescue topical, the checklist's counting, the numbers on the pages,
their consistency, and page 1 on one page."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from longcourse import EMPTY_DAY, make_worst, write_course
from pdftext import pdf_pages

from scalpsite.cli import main

DISCLAIMER = "scalpsite documents the patient's records; it does not give medical advice."


def pages(pdf) -> list[str]:
    return [page.replace("’", "'") for page in pdf_pages(pdf)]


def build(root, out, *args) -> dict:
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return json.loads((out / "data.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The 41-session journal and its build (site and dossier)."""
    root = write_course(tmp_path_factory.mktemp("course") / "journal")
    out = root.parent / "site"
    return root, out, build(root, out), pages(out / "dossier.pdf")


@pytest.fixture(scope="module")
def before_pause(course):
    """The dossier for the re-authorisation of 20 Jan 2026: kept, before the pause and the ointment."""
    root = course[0]
    out = root.parent / "jan"
    return out, build(root, out, "--for", "2026-01-20"), pages(out / "dossier.pdf")


@pytest.fixture(scope="module")
def after_loss(course):
    """The dossier for 15 Apr 2026: the response lost on 10 Apr, two days before the reload."""
    root = course[0]
    out = root.parent / "apr"
    return out, build(root, out, "--for", "2026-04-15"), pages(out / "dossier.pdf")


def course_of(data: dict, key: str) -> dict:
    return next(c for c in data["trajectories"] if c["key"] == key)


# ---------- 1. kept and lost by the runs rule, counted by hand from the course ----------

# key: (first met, status, kept since, confirmed on, runs as (start, confirmed, end))
BY_HAND = {
    "salt_le_20": ("2025-10-31", "kept", "2026-10-23", "2026-11-27",
                   [("2025-10-31", "2025-12-12", "2026-04-10"), ("2026-10-23", "2026-11-27", None)]),
    "salt_le_10": (None, "not_met", None, None, []),
    "salt30": ("2025-07-18", "kept", "2026-07-31", "2026-09-11",
               [("2025-07-18", "2025-08-29", "2026-05-29"), ("2026-07-31", "2026-09-11", None)]),
    "salt50": ("2025-09-12", "kept", "2026-09-11", "2026-10-23",
               [("2025-09-12", "2025-10-10", "2026-04-24"), ("2026-09-11", "2026-10-23", None)]),
    "salt75": (None, "not_met", None, None, []),
    "salt90": (None, "not_met", None, None, []),
    "easi50": ("2025-03-03", "kept", "2026-05-01", "2026-05-29",
               [("2025-03-03", "2025-03-31", "2026-04-24"), ("2026-05-01", "2026-05-29", None)]),
    "easi75": ("2025-04-28", "kept", "2026-06-05", "2026-07-10",
               [("2025-04-28", "2025-05-26", "2026-03-06"), ("2026-06-05", "2026-07-10", None)]),
    "easi90": ("2025-09-12", "kept", "2026-10-02", "2026-11-13",
               [("2025-09-12", None, "2025-09-26"), ("2025-10-10", "2025-11-21", "2026-02-27"),
                ("2026-10-02", "2026-11-13", None)]),
    "itch_minus_4": ("2025-03-03", "kept", "2026-05-29", "2026-07-10",
                     [("2025-03-03", "2025-03-31", "2026-03-20"), ("2026-05-29", "2026-07-10", None)]),
    "eyebrows_response": ("2025-08-29", "kept", "2026-09-11", "2026-10-23",
                          [("2025-08-29", "2025-09-26", "2026-03-20"), ("2026-09-11", "2026-10-23", None)]),
    "eyelashes_response": ("2025-05-26", "kept", "2025-05-26", "2025-06-27", [("2025-05-26", "2025-06-27", None)]),
    "pgic_response": ("2025-07-18", "kept", "2026-09-11", "2026-10-23",
                      [("2025-07-18", "2025-08-29", "2026-03-06"), ("2026-09-11", "2026-10-23", None)]),
    "adct_minus_5": ("2025-03-03", "kept", "2026-05-01", "2026-05-29",
                     [("2025-03-03", "2025-03-31", "2026-04-24"), ("2026-05-01", "2026-05-29", None)]),
}


@pytest.mark.parametrize("key", BY_HAND)
def test_every_milestone_by_the_runs_rule(course, key):
    data = course[2]
    first, status, kept, confirmed, history = BY_HAND[key]
    c = course_of(data, key)
    assert data["milestones"][key] == first == c["first_met"]
    assert (c["status"], c["kept_since"], c["confirmed_on"]) == (status, kept, confirmed)
    assert [(r["start"], r["confirmed_on"], r["end"]) for r in c["runs"]] == history
    badge = next(m for m in data["milestone_list"] if m["key"] == key)
    assert badge["green"] == (status in ("met", "kept"))


def test_page_one_says_kept_again_never_lost_and_at_most_six_badges(course):
    _, _, data, text = course
    page1 = text[0]
    assert "SALT ≤ 20 kept since 23 Oct 2026 (again, after a loss on 10 Apr 2026)" in page1
    assert "lost on 10 Apr 2026" not in page1 and "(relapse)" not in page1
    assert sum(m["headline"] for m in data["milestone_list"]) == 6 and len(data["milestone_list"]) == 14
    assert "8 more milestones in the table of responses" in page1
    assert "31 Oct 2025, kept 12 Dec 2025, lost 10 Apr 2026; 23 Oct 2026, kept 27 Nov 2026" in " ".join(text)


# ---------- 2. as of a date ----------

def test_as_of_before_the_pause_knows_nothing_later(before_pause):
    out, data, text = before_pause
    assert max(s["date"] for s in data["sessions"]) <= "2026-01-20"
    drugs = {t["drug"]: t for t in data["treatments"]}
    assert "mometasone furoate 0.1% ointment" not in drugs  # started 15 May 2026
    minoxidil = drugs["topical minoxidil 5% foam"]  # ended 1 Feb 2026, after the date: ongoing then
    assert (minoxidil["end"], minoxidil["outcome"], minoxidil["stopped_because"], minoxidil["current"]) == \
        (None, None, None, True)
    assert max(r["date"] for r in data["injection_log"]) <= "2026-01-20"
    c = course_of(data, "salt_le_20")
    assert (c["status"], c["kept_since"], c["confirmed_on"]) == ("kept", "2025-10-31", "2025-12-12")
    whole = " ".join(text)
    for later in ("mometasone", "scalp irritation", "1 Feb 2026", "lost 10 Apr", "loss on"):  # a due date may be later
        assert later not in whole, later
    assert "mometasone" not in (out / "index.html").read_text(encoding="utf-8")


def test_as_of_just_after_the_loss(after_loss):
    _, data, text = after_loss
    c = course_of(data, "salt_le_20")
    assert (c["status"], c["lost_on"], c["green"]) == ("lost", "2026-04-10", False)
    assert "SALT ≤ 20 lost 10 Apr 2026" in text[0]
    drugs = {t["drug"]: t for t in data["treatments"]}
    assert "mometasone furoate 0.1% ointment" not in drugs
    assert drugs["topical minoxidil 5% foam"]["end"] == "2026-02-01"  # dated before: shown
    assert data["injections"]["missed"] == 7 and data["injections"]["last"] == "2026-01-23"


def test_export_as_of_is_the_record_as_it_stood(course, after_loss):
    root = course[0]
    result = CliRunner().invoke(main, ["export", str(root), "--as-of", "2026-04-15"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    built = after_loss[1]
    assert exported["generated_for"] == "2026-04-15" and exported["records_up_to"] == "2026-04-10"
    for key in ("sessions", "trajectories", "milestones", "treatments", "injection_doses", "effect_checklist"):
        assert exported[key] == built[key], key
    early = CliRunner().invoke(main, ["export", str(root), "--as-of", "2024-12-01"])
    assert early.exit_code == 2 and "--as-of 2024-12-01 is before the first session (2025-01-06)" in early.output


# ---------- 3. the empty session is never the latest ----------

def test_an_empty_session_is_never_latest(course):
    root, out, data, text = course
    assert data["summary"]["latest_date"] == data["records_up_to"] == "2026-11-27"
    assert data["summary"]["empty_sessions"] == [EMPTY_DAY.isoformat()] and data["summary"]["sessions"] == 40
    assert data["summary"]["latest_photo_folder"] == "2026-11-27"
    assert "latest 27 Nov 2026" in text[0] and "nothing recorded yet, 11 Dec 2026" in text[0]
    photos = next(t for t in text if t.count("Photo comparisons"))
    assert "Latest · 27 Nov 2026" in photos and "11 Dec 2026" not in photos
    assert "11 Dec 2026" not in (out / "angles/overhead.html").read_text(encoding="utf-8").split("timeline")[0]


# ---------- 4. the tracked treatment does not switch to the rescue ointment ----------

def test_the_rescue_ointment_never_takes_over(course):
    root, _, data, text = course
    assert [t["drug"] for t in data["treatments"] if t["primary"]] == ["dupilumab"]
    assert data["summary"]["baseline_date"] == "2025-01-06" and data["injections"]["adherence_pct"] == 86.0
    assert data["treatment_notes"] == ["Also current, not tracked: mometasone furoate 0.1% ointment since "
                                       "15 May 2026 (no dosing interval)."]
    assert "Also current, not tracked: mometasone" in text[0]
    template = (root / "sessions" / EMPTY_DAY.isoformat() / "session.yaml").read_text(encoding="utf-8")
    assert "conjunctivitis:" in template and "new_aa_patches:" in template  # the dupilumab checklist


# ---------- 5. the checklist counts absences only where asked ----------

def test_checklist_counting(course):
    _, _, data, text = course
    rows = {r["key"]: r for r in data["effect_checklist"]}
    eyes = rows["conjunctivitis"]
    # on treatment: 39 sessions (not the baseline, not the empty one); "no" at 9 of the 10 full
    # checklists (the 10th reported it), reported at 3 (the list, "dry eyes", the checklist)
    assert (eyes["sessions"], eyes["reported"], eyes["absent"], eyes["not_asked"]) == (39, 3, 9, 27)
    assert rows["new_aa_patches"]["label"] == "New or worsening alopecia areata patches"
    assert (rows["new_aa_patches"]["reported"], rows["new_aa_patches"]["first"]) == (2, "2026-03-20")
    line = data["effect_checklist_text"]
    assert '"none" volunteered at 5' in line and "conjunctivitis / eye symptoms asked at only 12" in line
    assert "side effects asked at 39 of 39 sessions on treatment" in line
    assert "side effects asked at 39 of 39 sessions on treatment" in text[0].replace("\n", " ")


# ---------- 6. numbers the record has are on the pages ----------

def test_adherence_labs_and_one_first_reaction(course):
    root, out, data, text = course
    assert "43 of 50 doses (86.0 %), 7 missed, 1 late" in text[0]
    labs = {(s["date"], k): v for s in data["sessions"] for k, v in s["labs"].items()}
    assert (labs["2025-11-28", "eosinophils"]["flag"], labs["2025-11-28", "eosinophils"]["converted_text"]) == \
        ("high", "0.62 ×10⁹/L")
    assert labs["2025-07-04", "eosinophils"]["text"] == "0.505" and labs["2025-07-04", "eosinophils"]["flag"] == "high"
    assert labs["2026-06-05", "eosinophils"]["converted_text"] == "0.306 ×10⁹/L"  # 4.5 % of 6.8 ×10⁹/L
    assert labs["2026-06-05", "eosinophils"]["flag"] is None
    whole = " ".join(text)
    assert "620 cells/µL high = 0.62 ×10⁹/L" in whole and "0.505 high" in whole and "0.55 high" in whole
    assert 'answered "no" on 28 Nov 2025, when the eosinophil count that day was 620 cells/µL (high)' in whole
    session = (out / "sessions/2025-11-28.html").read_text(encoding="utf-8")
    assert "high" in session and "range 0.04–0.5 ×10⁹/L (adult default)" in session
    site_row = next(r for r in data["effect_checklist"] if r["key"] == "injection_site_reaction")
    log_row = next(r for r in data["side_effect_log"] if r["key"] == "injection_site_reaction")
    assert site_row["first"] == log_row["first"] == "2025-01-10" and site_row["first_week"] == 0


# ---------- 7. one count per fact, and why an injection is outside its window ----------

def test_the_same_count_on_every_page(course):
    _, _, data, text = course
    recorded = {r["key"]: (r["sessions"], r["of"]) for r in data["completeness"]["recorded"]}
    assert recorded["side_effects"] == (39, 39)
    site = next(r for r in data["effect_checklist"] if r["key"] == "injection_site_reaction")
    assert recorded["injection_site"] == (site["reported"] + site["absent"], site["sessions"])
    whole = " ".join(text)
    assert "Side effects asked (sessions on treatment) 39 of 39" in whole
    assert "Given after its window closed (dose 18, due 5 Sep 2025, counted as missed)" in whole
    assert "an injection on 13 Sep 2025, after its window closed" in whole
    assert "extra injection in the window of dose 34 (due 17 Apr 2026)" in whole


def test_no_garbled_or_raw_strings(course):
    _, out, data, text = course
    whole = " ".join(text)
    for wrong in ("sessions table under", "dupilumab without one", "EASI EASI-75", "up: Eyebrows eyelashes",
                  "facial_erythema", "new_aa_patches", "New aa patches", "Eyebrows eyelashes"):
        assert wrong not in whole, wrong
    assert "The value on or before the start of dupilumab; without one, the first recorded after it." in whole
    assert [r["label"] for r in data["side_effect_log"]].count("Conjunctivitis / eye symptoms") == 1
    assert not any("dry eyes" in r["label"].lower() for r in data["side_effect_log"])
    assert "Response</text>" in (out / "charts/salt.svg").read_text(encoding="utf-8") or \
        "Response window" in (out / "charts/salt.svg").read_text(encoding="utf-8")


# ---------- 8. page 1 fits, always ----------

SHORT_QUESTIONS = "".join(f"{i}. A short question.\n" for i in range(1, 6))


@pytest.mark.parametrize("count, questions, worst", [(40, None, False), (80, SHORT_QUESTIONS, False),
                                                     (80, SHORT_QUESTIONS, True)])
def test_page_one_fits_on_long_journals(tmp_path, count, questions, worst):
    """Page 1 fits by rule: at most 6 badges, 4 checklist effects, 6 density zones, 4 other side
    effects, long texts cut (in full on later pages), the chart only in the room left."""
    root = write_course(tmp_path / "j", count=count, photos=False, questions=questions)
    if worst:
        make_worst(root)
    data = build(root, tmp_path / "out")
    assert len(data["sessions"]) == count and len(data["milestone_list"]) == 14
    assert not worst or (len(data["treatment_notes"]) == 2 and len(data["summary"]["density"]) == 10)
    text = pages(tmp_path / "out" / "dossier.pdf")
    page1, page2 = text[0], text[1]
    for part in ("Alopecia areata", "What changed", "Safety, labs, tracking and records", "Journal check",
                 DISCLAIMER, "definitions and sources on page"):
        assert part in page1, part
    assert page2.split("Dossier for the appointment of 15 Dec 2026 ", 1)[1].startswith("The case for the")
    assert DISCLAIMER not in page2.split("page 2 of")[0].rsplit("scalpsite documents", 1)[0]
    assert re.search(r"\d more reported|never reported", page1)  # the checklist shortened by rule
