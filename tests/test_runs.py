"""The runs rule for kept and lost responses, from the worked example of the clinical reference
(round three), step by step; then the same rule through every kind of milestone."""

from __future__ import annotations

import pytest

from scalpsite.analysis.response import milestones, runs
from scalpsite.analysis.response.runs import Run

# The worked example: meet 31 Oct, 21 Nov, 12 Dec; fail 27 Feb, meet 6 Mar, fail 20 Mar, fail 10 Apr;
# meet 23 Oct, 13 Nov, 27 Nov (2025 to 2026).
WORKED = [("2025-10-31", True), ("2025-11-21", True), ("2025-12-12", True), ("2026-02-27", False),
          ("2026-03-06", True), ("2026-03-20", False), ("2026-04-10", False), ("2026-10-23", True),
          ("2026-11-13", True), ("2026-11-27", True)]


def test_worked_example_gives_two_runs_the_second_kept_again():
    assert runs.runs(WORKED) == [Run("2025-10-31", "2025-12-12", "2026-04-10"), Run("2026-10-23", "2026-11-27", None)]
    course = runs.course("SALT ≤ 20", WORKED)
    assert (course["status"], course["kept_since"], course["confirmed_on"], course["lost_on"]) == \
        ("kept", "2026-10-23", "2026-11-27", None)
    assert course["status_label"] == "SALT ≤ 20 kept since 23 Oct 2026 (again, after a loss on 10 Apr 2026)"
    assert course["green"] and course["badge_text"] == "kept since 23 Oct 2026"
    assert [r["outcome"] for r in course["runs"]] == ["lost", "ongoing"]
    assert runs.history_text(course["runs"]) == ("31 Oct 2025, kept 12 Dec 2025, lost 10 Apr 2026; "
                                                 "23 Oct 2026, kept 27 Nov 2026")


# The same example cut after each session: (sessions known, status, kept since, confirmed, lost on, green).
@pytest.mark.parametrize("known, status, kept, confirmed, lost, green", [
    (1, "met", None, None, None, True),                                  # one session never makes it kept
    (2, "met", None, None, None, True),                                  # 21 days: not yet 4 weeks
    (3, "kept", "2025-10-31", "2025-12-12", None, True),                 # 42 days, met throughout
    (4, "kept", "2025-10-31", "2025-12-12", None, True),                 # one failure after kept: tolerated
    (5, "kept", "2025-10-31", "2025-12-12", None, True),
    (6, "kept", "2025-10-31", "2025-12-12", None, True),                 # one failure again (not consecutive)
    (7, "lost", None, None, "2026-04-10", False),                        # two consecutive failures
    (8, "met", None, None, None, True),                                  # a new run: met, never "lost"
    (9, "met", None, None, None, True),
    (10, "kept", "2026-10-23", "2026-11-27", None, True),                # kept again
])
def test_worked_example_step_by_step(known, status, kept, confirmed, lost, green):
    course = runs.course("SALT ≤ 20", WORKED[:known])
    assert (course["status"], course["kept_since"], course["confirmed_on"], course["lost_on"], course["green"]) == \
        (status, kept, confirmed, lost, green)


def test_labels_of_each_status_name_the_milestone_and_the_dates():
    assert runs.course("SALT30", WORKED[:4])["status_label"] == \
        "SALT30 kept since 31 Oct 2025; not met at the latest session (27 Feb 2026)"
    assert runs.course("SALT30", WORKED[:7])["status_label"] == "SALT30 lost on 10 Apr 2026 (had been kept since 31 Oct 2025)"
    assert runs.course("SALT30", WORKED[:8])["status_label"] == \
        "SALT30 met since 23 Oct 2026 (again, after a loss on 10 Apr 2026); kept once still met 4 weeks after"
    assert runs.course("SALT30", [])["status_label"] == "SALT30 not met yet"


def test_before_kept_one_failure_ends_the_run_and_a_new_one_may_start():
    series = [("2025-01-01", True), ("2025-01-15", False), ("2025-02-01", True), ("2025-03-01", True)]
    assert runs.runs(series) == [Run("2025-01-01", None, "2025-01-15"), Run("2025-02-01", "2025-03-01", None)]
    ended = runs.course("EASI-75", series[:2])
    assert ended["status"] == "not_kept" and not ended["green"]
    assert ended["status_label"] == "EASI-75 met on 1 Jan 2025, not kept (not met on 15 Jan 2025)"
    assert ended["badge_text"] == "not met since 15 Jan 2025"


def test_confirmation_is_the_first_session_at_least_28_days_after_the_start():
    assert runs.runs([("2025-01-01", True), ("2025-01-28", True), ("2025-01-29", True)]) == \
        [Run("2025-01-01", "2025-01-29", None)]


# Through the milestone rules: sessions as data.json has them (only the fields the rules read).
def session(date, salt=None, base=False, **fields) -> dict:
    row = {"date": date, "baseline": base, "salt": salt, "salt_improvement_pct": None, "easi_improvement_pct": None,
           "itch_change": None, "eyebrows": None, "eyelashes": None, "pgic": None, "adct": None}
    if salt is not None and not base:
        row["salt_improvement_pct"] = round((50 - salt) / 50 * 100, 1)
    return row | fields


def test_a_session_without_the_measure_is_skipped_never_a_failure():
    s = [session("2025-01-06", 50, base=True), session("2025-10-31", 18), session("2025-11-14"),
         session("2025-11-21", 19), session("2025-11-28"), session("2025-12-12", 17)]
    assert milestones.series(s, "salt_le_20") == [("2025-10-31", True), ("2025-11-21", True), ("2025-12-12", True)]
    course = next(c for c in milestones.trajectories(s, ["alopecia_areata"]) if c["key"] == "salt_le_20")
    assert (course["status"], course["confirmed_on"]) == ("kept", "2025-12-12")


def clinro_course(key: str, field: str, values: list[int | None], base: int) -> dict:
    dates = [d for d, _ in WORKED]
    s = [session("2025-01-06", base=True, **{field: base})] + [session(d, **{field: v}) for d, v in zip(dates, values)]
    return next(c for c in milestones.trajectories(s, ["alopecia_areata"]) if c["key"] == key)


# The worked example's pattern as each graded measure meets or fails it (eyebrows/eyelashes from a
# baseline of 3: 1 meets, 2 fails; PGI-C: 2 meets, 4 fails).
@pytest.mark.parametrize("key, field, meet, fail, base", [
    ("eyebrows_response", "eyebrows", 1, 2, 3), ("eyelashes_response", "eyelashes", 0, 3, 2),
    ("pgic_response", "pgic", 2, 4, None),
])
def test_the_same_rule_for_brows_lashes_and_pgic(key, field, meet, fail, base):
    values = [meet if met else fail for _, met in WORKED]
    course = clinro_course(key, field, values, base)
    assert [(r["start"], r["confirmed_on"], r["end"]) for r in course["runs"]] == \
        [("2025-10-31", "2025-12-12", "2026-04-10"), ("2026-10-23", "2026-11-27", None)]
    assert course["status"] == "kept" and "(again, after a loss on 10 Apr 2026)" in course["status_label"]
    lost = clinro_course(key, field, values[:7], base)
    assert (lost["status"], lost["lost_on"], lost["green"]) == ("lost", "2026-04-10", False)


def test_a_brows_milestone_needs_an_eligible_baseline():
    s = [session("2025-01-06", base=True, eyebrows=1), session("2025-03-01", eyebrows=0)]
    assert "eyebrows_response" not in [c["key"] for c in milestones.trajectories(s, ["alopecia_areata"])]


def test_page_one_shows_at_most_six_badges_in_the_order_of_the_endpoints():
    s = [session("2025-01-06", 50, base=True, eyebrows=3, eyelashes=3, adct=12, itch=8),
         session("2025-03-01", 10, eyebrows=1, eyelashes=1, pgic=2, adct=4, itch_change=-5, easi_improvement_pct=80)]
    listed = milestones.milestone_list(milestones.trajectories(s, ["alopecia_areata", "atopic_dermatitis"]))
    assert len(listed) == 14
    assert [m["key"] for m in listed if m["headline"]] == ["salt_le_20", "salt_le_10", "salt30", "salt50",
                                                          "easi75", "itch_minus_4"]
