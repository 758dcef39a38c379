"""analyze: baseline, comparisons, milestones, response, schedule, and the export contract."""

import datetime as dt
import json

import pytest
from conftest import write_journal

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.schedule import adherence, interval, next_due
from scalpsite.analysis.summary import no_response_note
from scalpsite.cli import main
from scalpsite.journal.load import load
from scalpsite.output.export import to_csv


def salt(top):  # only `top` varies: SALT = 0.4 · top
    return f"salt: {{top: {top}, back: 0, left: 0, right: 0}}\n"


def series(tmp_path, tops: dict[str, float | None], extra: dict[str, str] | None = None) -> dict:
    sessions = {d: (salt(t) if t is not None else "") + (extra or {}).get(d, "") for d, t in tops.items()}
    return analyze(load(write_journal(tmp_path, sessions))).model_dump(mode="json")


def test_baseline_is_last_session_before_start_and_days_count_from_start(tmp_path):
    data = series(tmp_path, {"2024-12-01": 100, "2025-01-06": 100, "2025-02-07": 80})
    base = [s["folder"] for s in data["sessions"] if s["baseline"]]
    assert base == ["2025-01-06"]
    assert [s["days_on_treatment"] for s in data["sessions"]] == [-40, -4, 28]
    assert data["sessions"][2]["salt"] == 32.0 and data["sessions"][2]["salt_change"] == -8.0
    assert data["sessions"][2]["salt_improvement_pct"] == 20.0


def test_milestones_hold_first_date_met(tmp_path):
    data = series(tmp_path, {"2025-01-06": 100, "2025-02-07": 70, "2025-03-07": 45, "2025-05-01": 20,
                             "2025-07-01": 8})
    m = data["milestones"]
    assert m["salt30"] == "2025-02-07" and m["salt50"] == "2025-03-07"  # 40 -> 28 (30 %), 18 (55 %)
    assert m["salt75"] == "2025-05-01" and m["salt90"] == "2025-07-01"
    assert m["salt_le_20"] == "2025-03-07" and m["salt_le_10"] == "2025-05-01"
    assert m["easi75"] is None and m["itch_minus_4"] is None
    assert data["response"] == {"status": "kept", "label": "SALT30 kept since 7 Feb 2025", "since": "2025-02-07",
                                "lost_on": None}


def test_response_lost_after_relapse(tmp_path):
    data = series(tmp_path, {"2025-01-06": 100, "2025-04-07": 50, "2025-06-01": 60, "2025-08-01": 90})
    assert data["response"]["status"] == "kept"  # kept from 7 Apr; one failing session does not lose it
    assert data["response"]["label"] == "SALT30 kept since 7 Apr 2025; not met at the latest session (1 Aug 2025)"


def test_baseline_of_zero_gives_no_relative_improvement(tmp_path):
    data = series(tmp_path, {"2025-01-06": 0, "2025-02-07": 10})
    assert data["sessions"][1]["salt_improvement_pct"] is None
    assert data["sessions"][1]["salt_change"] == 4.0
    assert data["milestones"]["salt30"] is None


def test_unrecorded_measures_are_null_never_zero(tmp_path):
    data = series(tmp_path, {"2025-01-06": 50, "2025-02-07": None},
                  {"2025-02-07": "ad: {itch: 3, poem: [1, null, null, 0, 0, 0, 0]}\n"})
    s = data["sessions"][1]
    for key in ("salt", "salt_change", "salt_improvement_pct", "easi", "poem", "dlqi", "vellus_pct", "aa_iga"):
        assert s[key] is None, key
    assert s["itch"] == 3 and s["density"] == {}
    row = to_csv(data).splitlines()[2].split(",")
    header = to_csv(data).splitlines()[0].split(",")
    assert row[header.index("salt")] == "" and row[header.index("itch")] == "3"


def test_easi_uses_child_weights_under_8(tmp_path):
    config = ("conditions: [atopic_dermatitis]\npatient: {birth_date: 2019-06-01}\n"
              "treatments: [{drug: dupilumab, start: 2025-01-10}]\n")
    easi = ("ad: {easi: {head_neck: {area_pct: 15, erythema: 2, oedema: 1, excoriation: 1}, "
            "upper_limbs: {area_pct: 0}, trunk: {area_pct: 0}, lower_limbs: {area_pct: 0}}}\n")
    data = analyze(load(write_journal(tmp_path, {"2025-01-06": easi, "2027-07-01": easi}, config=config))).model_dump(mode="json")
    assert [s["easi"] for s in data["sessions"]] == [1.6, 0.8]  # 4·2·0.2 at 5 years, 4·2·0.1 at 8


def test_no_response_note_fires_only_after_six_months(tmp_path):
    early = series(tmp_path / "a", {"2025-01-06": 50, "2025-05-01": 50})
    assert early["summary"]["no_response_note"] is None
    late = series(tmp_path / "b", {"2025-01-06": 50, "2025-05-01": 50, "2025-08-01": 52})
    assert "No SALT improvement has been recorded after 7 months" in late["summary"]["no_response_note"]
    better = series(tmp_path / "c", {"2025-01-06": 50, "2025-08-01": 45})
    assert better["summary"]["no_response_note"] is None
    assert no_response_note([]) is None


@pytest.mark.parametrize("days, expected", [(0, (28, 28)), (100, (28, 42)), (200, (42, 56)), (400, (56, 84))])
def test_schedule_preset_intervals(days, expected):
    assert interval("dupilumab", days) == expected


def test_next_due_and_overdue():
    start = dt.date(2025, 1, 10)
    due = next_due("dupilumab", start, dt.date(2025, 2, 7), as_of=dt.date(2025, 3, 1))
    assert due.next_due == dt.date(2025, 3, 7) and not due.overdue
    late = next_due("dupilumab", start, dt.date(2025, 2, 7), as_of=dt.date(2025, 3, 20))
    assert late.overdue
    assert adherence("dupilumab", start, [dt.date(2025, 1, 10), dt.date(2025, 2, 7), dt.date(2025, 5, 1)]) == (1, 2)


CONTRACT_SESSION_KEYS = {
    "folder", "date", "baseline", "days_on_treatment", "phase", "salt", "salt_regions", "salt_class",
    "aa_iga", "salt_change", "salt_improvement_pct", "density", "density_change_pct", "vellus_pct",
    "itch", "easi", "easi_improvement_pct", "poem", "dlqi", "side_effects", "photos",
}
CONTRACT_MILESTONES = {"salt_le_20", "salt_le_10", "salt30", "salt50", "salt75", "salt90", "easi75", "itch_minus_4"}


def test_export_json_matches_the_contract(runner, journal):
    result = runner.invoke(main, ["export", str(journal), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"title", "generated_for", "treatments", "sessions", "milestones", "schedule"} <= set(data)
    assert data["treatments"][0]["drug"] == "dupilumab" and data["treatments"][0]["start"] == "2025-01-10"
    for s in data["sessions"]:
        assert CONTRACT_SESSION_KEYS <= set(s)
        assert s["photos"]["overhead"] == f"sessions/{s['folder']}/overhead.jpg"
    assert CONTRACT_MILESTONES <= set(data["milestones"])
    assert {"last_session", "next_due", "overdue"} <= set(data["schedule"])
    first = data["sessions"][0]
    assert (first["salt"], first["salt_class"], first["aa_iga"], first["days_on_treatment"]) == (39.3, "S2", 2, -4)


def test_export_csv_has_density_columns(runner, journal):
    result = runner.invoke(main, ["export", str(journal), "--format", "csv"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split(",")
    assert header[:3] == ["folder", "date", "baseline"]
    assert "density_frontal" in header and "density_crown" in header
    assert len(result.output.splitlines()) == 3


def _nullable(kind: str | dict) -> dict:
    return {"anyOf": [{"type": kind} if isinstance(kind, str) else kind, {"type": "null"}]}


DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
NUMBER_MAP = {"type": "object", "additionalProperties": {"type": "number"}}
CONTRACT = {  # the data.json contract other tools read, as a JSON Schema: types and nulls, not only keys
    "type": "object",
    "required": ["title", "generated_for", "treatments", "sessions", "milestones", "schedule"],
    "properties": {
        "title": {"type": "string"}, "generated_for": DATE,
        "treatments": {"type": "array", "items": {"type": "object", "required": ["drug", "start"],
                                                   "properties": {"drug": {"type": "string"}, "start": DATE}}},
        "sessions": {"type": "array", "items": {
            "type": "object", "required": sorted(CONTRACT_SESSION_KEYS),
            "properties": {
                "folder": {"type": "string"}, "date": DATE, "baseline": {"type": "boolean"},
                "days_on_treatment": _nullable("integer"),
                "phase": _nullable({"enum": ["observation", "response_window", "continued_assessment",
                                             "maintenance"]}),
                "salt": _nullable("number"), "salt_regions": _nullable(NUMBER_MAP),
                "salt_class": _nullable({"enum": ["S0", "S1", "S2", "S3", "S4", "S5"]}),
                "aa_iga": _nullable({"enum": [0, 1, 2, 3, 4]}),
                "salt_change": _nullable("number"), "salt_improvement_pct": _nullable("number"),
                "density": NUMBER_MAP, "density_change_pct": {"type": "object",
                                                              "additionalProperties": _nullable("number")},
                "vellus_pct": _nullable("number"), "itch": _nullable("number"), "easi": _nullable("number"),
                "easi_improvement_pct": _nullable("number"), "poem": _nullable("integer"),
                "dlqi": _nullable("integer"),
                "side_effects": {"type": "array", "items": {"type": "object", "required": ["name", "severity"]}},
                "photos": {"type": "object", "additionalProperties": {"type": "string"}},
            }}},
        "milestones": {"type": "object", "required": sorted(CONTRACT_MILESTONES),
                       "additionalProperties": _nullable(DATE)},
        "schedule": {"type": "object", "required": ["last_session", "next_due", "overdue"],
                     "properties": {"last_session": _nullable(DATE), "next_due": _nullable(DATE),
                                    "overdue": {"type": "boolean"}}},
    },
}


def test_export_of_a_partial_journal_validates_against_the_contract(runner, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    journal = write_journal(tmp_path, {
        "2025-01-06": salt(50) + "ad: {itch: 7, poem: [2, 3, 1, 0, 4, 2, 1]}\ndlqi: [1, 0, 2, 1, 0, 0, 1, 0, 1, 2]\n",
        "2025-02-03": "density: {frontal: 80}\n",  # only some measures recorded
        "2025-03-03": salt(20) + "ad: {itch: 2, easi: 3.5}\n",
    })
    result = runner.invoke(main, ["export", str(journal), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, CONTRACT)
    first, middle, last = data["sessions"]
    assert (first["poem"], first["dlqi"]) == (13, 8)  # the answers, summed
    assert middle["salt"] is None and middle["itch"] is None and middle["easi_improvement_pct"] is None
    assert last["salt_improvement_pct"] == 60.0 and data["milestones"]["salt50"] == "2025-03-03"
    assert data["milestones"]["itch_minus_4"] == "2025-03-03" and data["milestones"]["salt75"] is None


def test_example_export_validates_against_the_contract():
    jsonschema = pytest.importorskip("jsonschema")
    from conftest import REPO

    jsonschema.validate(json.loads((REPO / "tests/expected/example-data.json").read_text()), CONTRACT)


# The runs rule (round three): kept once met at every counted session from a run's start to one at
# least 28 days later; before kept one failure ends a run, after it two consecutive ones lose it.
# SALT = 0.4 x top; baseline top 100 (SALT 40): SALT30 is met at SALT <= 28 (top <= 70).
@pytest.mark.parametrize("marks, status, first, kept, lost", [
    ({"2025-02-03": 70}, "met", "2025-02-03", None, None),                                 # one session
    ({"2025-02-03": 70, "2025-03-03": 60}, "kept", "2025-02-03", "2025-02-03", None),     # 28 days apart
    ({"2025-02-03": 70, "2025-02-17": 60}, "met", "2025-02-03", None, None),              # only 14 days
    ({"2025-02-03": 70, "2025-02-17": 60, "2025-03-17": 60}, "kept", "2025-02-03", "2025-02-03", None),
    ({"2025-02-03": 70, "2025-03-03": 60, "2025-04-07": 90}, "kept", "2025-02-03", "2025-02-03", None),
    ({"2025-02-03": 70, "2025-03-03": 60, "2025-04-07": 90, "2025-05-05": 95}, "lost", "2025-02-03", None,
     "2025-05-05"),
    ({"2025-02-03": 70, "2025-03-03": 60, "2025-04-07": 90, "2025-05-05": 95, "2025-06-02": 50,
      "2025-07-07": 50}, "kept", "2025-02-03", "2025-06-02", None),                         # regained
    ({"2025-02-03": 70, "2025-03-03": None, "2025-04-07": 60}, "kept", "2025-02-03", "2025-02-03", None),
    ({"2025-02-03": 90, "2025-03-03": 80}, "not_met", None, None, None),
    ({"2025-02-03": 70, "2025-03-03": 80}, "not_kept", "2025-02-03", None, None),           # one failure ends it
])
def test_response_trajectory_by_the_clinical_rule(tmp_path, marks, status, first, kept, lost):
    """One session is "met", kept needs 4 weeks met, a loss is dated, a response may be kept again."""
    data = series(tmp_path, {"2025-01-06": 100, **marks})
    course = next(c for c in data["trajectories"] if c["key"] == "salt30")
    assert (course["status"], course["first_met"], course["kept_since"], course["lost_on"]) == (status, first, kept, lost)
    assert course["status_label"].startswith("SALT30 ")
