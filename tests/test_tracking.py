"""Which treatment the journal tracks, and the configuration as it stood on a date."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import COMPLETE, write_journal

from scalpsite.analysis.analyze import treatment_notes
from scalpsite.cli import main
from scalpsite.journal.configmodel import Config
from scalpsite.journal.treatment import config_as_of, previously_tracked, primary_treatment

DUPI = {"drug": "dupilumab", "start": "2025-01-10", "schedule": "dupilumab"}
OINTMENT = {"drug": "mometasone ointment", "start": "2026-05-15"}


def config(*treatments) -> Config:
    return Config.model_validate({"treatments": list(treatments)})


@pytest.mark.parametrize("treatments, tracked", [
    ([DUPI, OINTMENT], "dupilumab"),                                                    # a rescue never takes over
    ([DUPI | {"end": "2026-01-01"}, OINTMENT], "dupilumab"),                           # not even once it ended
    ([DUPI, OINTMENT | {"tracked": True}], "mometasone ointment"),                     # unless marked
    ([DUPI | {"tracked": False}, OINTMENT], "mometasone ointment"),
    ([{"drug": "a", "start": "2024-01-01", "dosing": {"interval_days": 7}, "end": "2024-12-01"},
      {"drug": "b", "start": "2025-01-01", "dosing": {"interval_days": 14}}], "b"),    # a switch of injected drugs
    ([{"drug": "a", "start": "2024-01-01"}, {"drug": "b", "start": "2025-01-01"}], "b"),  # no dosing anywhere
])
def test_the_tracked_treatment_is_the_one_with_dosing(treatments, tracked):
    assert primary_treatment(config(*treatments)).drug == tracked


def test_a_change_of_tracked_treatment_and_the_others_are_stated():
    c = config({"drug": "tralokinumab", "start": "2024-06-01", "end": "2024-12-20", "dosing": {"interval_days": 14}},
               DUPI, OINTMENT)
    primary = primary_treatment(c)
    assert previously_tracked(c, primary).drug == "tralokinumab"
    assert treatment_notes(c, primary) == [
        "Tracked since 10 Jan 2025: dupilumab, after tralokinumab (1 Jun 2024 to 20 Dec 2024); baseline, weeks, "
        "adherence and milestones count from the start of dupilumab.",
        "Also current, not tracked: mometasone ointment since 15 May 2026 (no dosing interval)."]


def test_the_configuration_as_it_stood_on_a_date():
    c = config(DUPI, OINTMENT, {"drug": "minoxidil", "start": "2025-09-01", "end": "2026-02-01", "outcome": "stopped",
                                "stopped_because": "irritation", "notes": "foam"})
    then = config_as_of(c, dt.date(2026, 1, 20))
    assert [t.drug for t in then.treatments] == ["dupilumab", "minoxidil"]
    minoxidil = then.treatments[1]
    assert (minoxidil.end, minoxidil.outcome, minoxidil.stopped_because, minoxidil.notes) == (None, None, None, "foam")
    assert config_as_of(c, dt.date(2026, 2, 1)).treatments[-1].end == dt.date(2026, 2, 1)  # ended that day: shown
    assert c.treatments[2].end == dt.date(2026, 2, 1)  # the configuration itself is untouched


def test_a_tracked_value_that_is_not_true_or_false_is_a_clear_error(runner, tmp_path):
    bad = "treatments: [{drug: dupilumab, start: 2025-01-10, tracked: yes please}]\n"
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=bad)
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("scalpsite.yaml:1: treatments[0].tracked: expected true or false, got the text 'yes please'"
            in result.output) and "fix: write tracked: true or tracked: false" in result.output
