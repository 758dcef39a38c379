"""Issue 15 items 1-2: the injection log read row by row, and adherence (docs/clinical-definitions.md).

The worked examples are taken from the definition (due = start + 14 k; window [due − 3, due + 7];
late > 3 days after due; missed: nothing by due + 7; pending while the window is open), with
the treatment starting on Friday 10 Jan 2025: due dates 10 Jan, 24 Jan, 7 Feb, 21 Feb ...
"""

import datetime as dt
import json

import pytest
from conftest import COMPLETE, write_journal

from scalpsite.analysis import adherence as inj
from scalpsite.cli import SITES, main
from scalpsite.findings import Finding
from scalpsite.journal.injectionlog import parse_log
from scalpsite.journal.configmodel import Dosing, Treatment
from scalpsite.journal.models import INJECTION_SITES

D = dt.date.fromisoformat
START = D("2025-01-10")
DUPI = Dosing(interval_days=14, loading_doses=2)


def second_dose(shots: list[str], as_of: str) -> inj.Dose | None:
    """What became of dose 2 (due 24 Jan) when the loading dose was given on time."""
    done = inj.doses(START, None, DUPI, [START, START] + [D(s) for s in shots], D(as_of))
    return next((d for d in done if d.number == 2), None)


@pytest.mark.parametrize("shot, as_of, status, timing", [
    ("2025-01-24", "2025-02-10", "given", "on_time"),    # on the due date
    ("2025-01-21", "2025-02-10", "given", "early"),      # 3 days before: the window opens
    ("2025-01-27", "2025-02-10", "given", "on_time"),    # 3 days after: not yet late
    ("2025-01-28", "2025-02-10", "given", "late"),       # 4 days after: late
    ("2025-01-31", "2025-02-10", "given", "late"),       # due + 7: the last day of the window
    ("2025-02-01", "2025-02-10", "missed", None),        # due + 8: outside the window, missed
    ("2025-01-20", "2025-02-10", "missed", None),        # 4 days early: in no window
])
def test_an_injection_belongs_to_the_window_of_its_due_date(shot, as_of, status, timing):
    """Item 2: early, on time, late and missed by the window [due − 3, due + 7]."""
    dose = second_dose([shot], as_of)
    assert (dose.status, dose.timing) == (status, timing)


@pytest.mark.parametrize("as_of, status", [
    ("2025-01-23", None),         # not yet due: no dose 2 in the list
    ("2025-01-24", "pending"),    # due today
    ("2025-01-31", "pending"),    # due + 7: the window is still open
    ("2025-02-01", "missed"),     # due + 8: nothing by due + 7
])
def test_a_dose_with_no_injection_is_pending_until_its_window_closes(as_of, status):
    """Item 2: a due date whose window is still open is pending, not missed."""
    dose = second_dose([], as_of)
    assert (dose.status if dose else None) == status


def test_both_loading_injections_belong_to_the_first_due_date():
    """Item 2: the loading day takes two injections; a third that day belongs to no dose."""
    done = inj.doses(START, None, DUPI, [START, START], D("2025-01-12"))
    assert [(d.number, d.status, d.injections) for d in done] == [(1, "given", 2)]
    assert inj.assign([START], [START, START, START], 2) == [0, 0, None]
    assert inj.assign([START], [START, D("2025-01-12")], 2) == [0, 0]  # the second two days later


def test_a_dose_given_early_counts_before_its_due_date():
    """Item 2: an injection 2 days before the due date is given, even when the as-of date is before it."""
    done = inj.doses(START, None, DUPI, [START, START, D("2025-01-22")], D("2025-01-22"))
    assert [(d.number, d.status, d.timing) for d in done] == [(1, "given", "on_time"), (2, "given", "early")]


def test_no_dose_is_due_on_or_after_the_treatment_end():
    """Item 2: a stopped treatment has no due dates from its end on."""
    done = inj.doses(START, D("2025-02-07"), DUPI, [START, START, D("2025-01-24")], D("2025-03-31"))
    assert [d.due.isoformat() for d in done] == ["2025-01-10", "2025-01-24"]


@pytest.mark.parametrize("shots, as_of, expected", [
    ([], "2025-01-09", "2025-01-10"),                               # before the start: the loading dose
    (["2025-01-10", "2025-01-10"], "2025-01-12", "2025-01-24"),
    (["2025-01-10", "2025-01-10"], "2025-01-28", "2025-01-24"),     # dose 2 pending: still due
    (["2025-01-10", "2025-01-10"], "2025-02-02", "2025-02-07"),     # dose 2 missed: the next one
    (["2025-01-10", "2025-01-10", "2025-01-22"], "2025-01-22", "2025-02-07"),
])
def test_next_due_is_the_first_dose_whose_window_is_open(shots, as_of, expected):
    """Item 2: `next_due` skips missed doses and never points before the as-of window."""
    done = inj.doses(START, None, DUPI, [D(s) for s in shots], D(as_of))
    assert inj.next_due(START, None, DUPI, done, D(as_of)).isoformat() == expected


@pytest.mark.parametrize("given, missed, pct", [(22, 1, 95.7), (0, 0, None), (0, 2, 0.0), (26, 0, 100.0)])
def test_adherence_is_given_over_given_plus_missed(given, missed, pct):
    """Item 2: pending doses are not in the denominator."""
    assert inj.adherence_pct(given, missed) == pct


def test_longest_gap_and_site_repeats():
    """Item 2: the gap is between injection days; a repeat is the same known site as the one before."""
    assert inj.longest_gap([D("2025-01-10"), D("2025-01-10"), D("2025-01-24"), D("2025-02-14")]) == 21
    assert inj.longest_gap([D("2025-01-10")]) is None
    assert inj.site_repeats(["thigh_left", "thigh_left", "abdomen_right", None, "abdomen_right"]) == \
        [False, True, False, False, False]


def test_summary_text_reads_as_the_issue_writes_it():
    """Item 2: '22 of 23 doses, 1 missed, 2 late; longest gap 21 days'."""
    s = {"given": 22, "expected": 23, "missed": 1, "late": 2, "pending": 0, "longest_gap_days": 21,
         "site_repeats": 0}
    assert inj.summary_text(s, None, True) == "22 of 23 doses, 1 missed, 2 late; longest gap 21 days"
    assert inj.summary_text(s | {"adherence_pct": 95.7}, None, True).startswith("22 of 23 doses (95.7 %), 1 missed")


def test_a_year_of_injections_with_one_late_and_one_missed():
    """Item 2: the example journal's pattern, counted by hand: 27 due by 8 Jan 2026 + 1 pending."""
    dues = inj.due_dates(START, 14, D("2026-01-09"))
    assert len(dues) == 27 and dues[-1] == D("2026-01-09")
    shots = [START] + [d for d in dues if d != D("2025-06-27")]  # dose 13 (due 27 Jun) missed
    shots = [s + dt.timedelta(days=5) if s == D("2025-09-19") else s for s in shots]  # dose 19 five days late
    log = parse_log("date,drug,dose_mg,site\n" + "".join(f"{s},dupilumab,300,\n" for s in shots), [])
    t = Treatment(drug="Dupilumab", start=START)
    out = inj.analyse_log(log.rows, t, DUPI, D("2026-01-12"))
    assert out["injections"] == {"expected": 27, "given": 26, "missed": 1, "late": 1, "pending": 0,
                                 "adherence_pct": 96.3, "longest_gap_days": 28, "last": "2026-01-09",
                                 "next_due": "2026-01-23", "site_repeats": 0}
    assert out["injection_text"] == "26 of 27 doses (96.3 %), 1 missed, 1 late; longest gap 28 days"


@pytest.mark.parametrize("text, message", [
    ("date,drug,dose_mg,site\n2025-01-10,dupilumab,300,thigh\n",
     ("injections.csv:2: site: the text 'thigh' is not one of abdomen_left, abdomen_right, thigh_left, "
      "thigh_right, arm_left, arm_right (did you mean 'thigh_left'?)")),
    ("date,drug,dose_mg,site\n2025-02-30,dupilumab,300,\n", "injections.csv:2: date: the text '2025-02-30' is not a date"),
    ("date,drug,dose_mg,site\n\n2025-01-10,dupilumab,300 mg,\n",
     "injections.csv:3: dose_mg: expected a number, got the text '300 mg'"),
    ("date,drug,dose_mg,site\n2025-01-10,,300,\n", "injections.csv:2: drug: expected text, got an empty value"),
    ("date,drug,dose,site\n", "injections.csv:1: unknown column 'dose' (did you mean 'dose_mg'?)"),
    ("date,drug,dose_mg\n", "injections.csv:1: the header has no column 'site'"),
    ("date,drug,dose_mg,site\n2025-01-10,dupilumab,300,,none,a note, with a comma\n",
     "injections.csv:2: 7 cells but the header names 4 columns"),
])
def test_every_bad_row_is_a_finding_with_file_and_line(text, message):
    """Item 1: each row is validated; the message names the file, the line and the column."""
    found: list[Finding] = []
    parse_log(text, found)
    assert [f"{f.location()}: {f.message}" for f in found] == [message]


def test_the_log_reads_any_column_order_and_keeps_good_rows():
    """Item 1: a spreadsheet may reorder columns; a bad row does not hide the good ones."""
    found: list[Finding] = []
    log = parse_log("\ufeffsite,date,dose_mg,drug,note\r\narm_left,2025-01-10,300,dupilumab,\"by my partner, at home\"\r\n"
                    "arm_left,2025-01-24,x,dupilumab,\r\n", found)
    assert [(r.line, r.row.site, r.row.note) for r in log.rows] == [(2, "arm_left", "by my partner, at home")]
    assert [f.line for f in found] == [3]


# ---------- `new --injection` and `check` (CliRunner) ----------

HEADER = "date,drug,dose_mg,site,reaction,note\n"


def test_the_cli_offers_the_sites_of_the_model():
    """Item 1: `--site` choices are the sites injections.csv accepts."""
    assert SITES == INJECTION_SITES


def test_new_injection_creates_the_log_with_its_header(runner, tmp_path):
    """Item 1: `new --injection --date D --site S` appends a row; the file is created with a header."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    result = runner.invoke(main, ["new", str(root), "--injection", "--date", "2025-01-10", "--site", "thigh_left"])
    assert result.exit_code == 0, result.output
    assert result.output == "Added to injections.csv: 2025-01-10, dupilumab 300 mg, thigh_left\n"
    assert (root / "injections.csv").read_text() == HEADER + "2025-01-10,dupilumab,300,thigh_left,,\n"


def test_new_injection_appends_and_never_rewrites(runner, tmp_path):
    """Item 1: the rows there stay byte for byte (a last line without newline, another column order)."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    before = "site,date,drug,dose_mg,note\r\nthigh_left,2025-01-10,dupilumab,200,\"clinic, nurse\""
    (root / "injections.csv").write_bytes(before.encode())
    result = runner.invoke(main, ["new", str(root), "--injection", "--date", "2025-01-24"])
    assert result.exit_code == 0, result.output
    assert "site not noted" in result.output and "--site next time" in result.output
    assert (root / "injections.csv").read_bytes() == before.encode() + b"\n,2025-01-24,dupilumab,200,\n"


@pytest.mark.parametrize("args, message", [
    (["--site", "arm_left"], "Error: --site and --dose go with --injection"),
    (["--injection", "--suffix", "x"], "Error: --suffix names a session folder; it does not go with --injection"),
    (["--injection", "--dose", "0"], "Error: Invalid value for '--dose': 0.0 is not in the range 0<x<=10000."),
    (["--injection", "--site", "belly"], "Error: Invalid value for '--site': 'belly' is not one of"),
])
def test_new_injection_usage_errors(runner, tmp_path, args, message):
    """Item 1: wrong combinations are usage errors (exit 2) that say what goes with what."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    result = runner.invoke(main, ["new", str(root), *args])
    assert result.exit_code == 2 and message in result.output
    assert not (root / "injections.csv").exists()


def test_new_injection_refuses_a_log_with_a_bad_header(runner, tmp_path):
    """Item 1: a header it cannot map is an error naming the fix; the file is left as it was."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    (root / "injections.csv").write_text("when,drug\n")
    result = runner.invoke(main, ["new", str(root), "--injection"])
    assert result.exit_code == 1
    assert result.output == ("Error: injections.csv: unknown column 'when'; fix its first line (the column names: "
                             "date,drug,dose_mg,site,reaction,note) and run the command again\n")
    assert (root / "injections.csv").read_text() == "when,drug\n"


def test_new_injection_needs_a_dose_for_a_drug_without_one(runner, tmp_path):
    """Item 1: no dose logged and no usual dose known: ask for --dose."""
    config = "treatments: [{drug: tralokinumab, start: 2025-01-10}]\n"
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=config)
    result = runner.invoke(main, ["new", str(root), "--injection"])
    assert result.exit_code == 1 and result.output == "Error: no dose of tralokinumab logged yet; give it with --dose MG\n"


def check_json(runner, root, as_of) -> list[dict]:
    result = runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", as_of])
    return json.loads(result.output)["findings"]


def test_check_reads_every_row_against_treatments_calendar_and_rotation(runner, tmp_path):
    """Item 1: same site as the previous injection, dates outside the treatment, unknown drug, future."""
    config = ("treatments:\n  - {drug: dupilumab, start: 2025-01-10, schedule: dupilumab}\n"
              "  - {drug: omalizumab, start: 2024-01-01, end: 2024-06-01}\n")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=config)
    (root / "injections.csv").write_text(HEADER + ("2025-01-10,dupilumab,300,thigh_left,,\n"
                                                   "2025-01-10,Dupilumab,300,thigh_left,,\n"
                                                   "2025-01-03,dupilumab,300,arm_left,,\n"
                                                   "2024-07-01,omalizumab,150,arm_right,,\n"
                                                   "2025-01-24,dupilumb,300,thigh_right,,\n"
                                                   "2025-03-01,dupilumab,300,thigh_right,,\n"))
    got = {(f["code"], f["line"]): f["message"] for f in check_json(runner, root, "2025-01-26")
           if f["path"] == "injections.csv"}
    assert got == {
        ("injection-duplicate", 3): "injection on 2025-01-10: the same drug and site as line 2 (a row logged twice?)",
        ("injection-outside-treatment", 4): "injection on 2025-01-03, before dupilumab started (2025-01-10)",
        ("injection-outside-treatment", 5): "injection on 2024-07-01, after omalizumab ended (2024-06-01)",
        ("injection-unknown-drug", 6): "drug 'dupilumb' is not a treatment in scalpsite.yaml (did you mean 'dupilumab'?)",
        ("injection-future", 7): "injection dated 2025-03-01, after today (2025-01-26)",
    }


@pytest.mark.parametrize("as_of, overdue", [("2025-01-31", False), ("2025-02-01", True)])
def test_check_says_a_dose_is_overdue_once_its_window_has_closed(runner, tmp_path, as_of, overdue):
    """Item 1: overdue = the as-of date is past due + 7 with nothing logged."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    (root / "injections.csv").write_text(HEADER + ("2025-01-10,dupilumab,300,thigh_left,,\n"
                                                   "2025-01-10,dupilumab,300,thigh_right,,\n"))
    found = [f for f in check_json(runner, root, as_of) if f["code"] == "injection-overdue"]
    expected = "no injection of dupilumab logged for the dose due on 2025-01-24 (its window closed on 2025-01-31)"
    assert [f["message"] for f in found] == ([expected] if overdue else [])
