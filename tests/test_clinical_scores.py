"""Issue 15 items 3-6, issue 14 item 3: the AA Scale, ClinRO and PGI-C responders, ADCT control
and the expected-effects checklist, as tables of worked examples from their definitions."""

import datetime as dt

import pytest

from scalpsite.analysis.response import clinro, milestones
from scalpsite.analysis.aascale import aa_scale, scalp_level
from scalpsite.analysis.safety import answers, checklist_rows, conflicts
from scalpsite.journal.effects import DUPILUMAB, checklist
from scalpsite.journal.configmodel import Treatment
from scalpsite.journal.models import Session


@pytest.mark.parametrize("salt, level", [(0, "mild"), (20, "mild"), (20.4, "moderate"), (21, "moderate"),
                                         (49.9, "moderate"), (50, "severe"), (100, "severe"), (None, None)])
def test_scalp_loss_sets_the_level(salt, level):
    """Item 5: <= 20 % mild, 21-49 % moderate, 50-100 % severe (half-open for non-integers)."""
    assert scalp_level(salt) == level


def session(**given) -> dict:
    """A data.json session with nothing recorded but what is given (SALT 15, on treatment 8 months)."""
    base = {"salt": 15, "eyebrows": 0, "eyelashes": 0, "days_on_treatment": 240, "salt_improvement_pct": 60.0,
            "rapidly_progressive": False, "psychosocial_impact": 2}
    return base | given


@pytest.mark.parametrize("given, level, reasons", [
    ({}, "mild", ()),
    ({"eyebrows": 2}, "moderate", ("eyebrows_eyelashes",)),                 # significant gaps
    ({"eyelashes": 3}, "moderate", ("eyebrows_eyelashes",)),                # no notable eyelashes
    ({"eyebrows": 1}, "mild", ()),                                          # minimal gaps: not noticeable
    ({"salt_improvement_pct": 29.9}, "moderate", ("inadequate_response",)),  # no SALT30 after 8 months
    ({"salt_improvement_pct": 10.0, "days_on_treatment": 182}, "mild", ()),  # under 6 months: does not apply
    ({"salt_improvement_pct": 10.0, "days_on_treatment": 183}, "moderate", ("inadequate_response",)),
    ({"rapidly_progressive": True}, "moderate", ("rapidly_progressive",)),
    ({"psychosocial_impact": 6}, "moderate", ("psychosocial_impact",)),
    ({"psychosocial_impact": 5}, "mild", ()),
    ({"salt": 30, "eyebrows": 3, "psychosocial_impact": 9}, "severe", ("eyebrows_eyelashes", "psychosocial_impact")),
    ({"salt": 60, "eyebrows": 3}, "severe", ()),                            # severe stays severe, no upgrade
])
def test_each_reason_moves_mild_or_moderate_up_one_level(given, level, reasons):
    """Item 5: any one feature moves the level up one level, never two; the reasons are kept."""
    result = aa_scale(session(**given))
    assert (result.level, result.reasons) == (level, reasons)


def test_what_was_not_recorded_is_named_not_assumed_absent():
    """Item 5: an unrecorded feature cannot upgrade, but the result says the level may be higher."""
    result = aa_scale(session(eyebrows=None, eyelashes=1, psychosocial_impact=None, rapidly_progressive=None))
    assert result.level == "mild"
    assert result.not_recorded == ("eyebrows_eyelashes", "rapidly_progressive", "psychosocial_impact")
    assert result.label(15) == ("mild (scalp loss 15 %); may be higher: not recorded eyebrow and eyelash scores, "
                                "whether the loss is diffuse or rapidly progressive, the psychosocial impact")
    assert aa_scale(session(eyebrows=2)).label(15) == ("moderate (mild by scalp loss of 15 %; up one level: "
                                                       "noticeable eyebrow or eyelash involvement)")


@pytest.mark.parametrize("baseline, current, responder", [
    (3, 1, True), (2, 1, True), (2, 0, True), (3, 0, True),
    (3, 2, False),              # better by 1 but not 0 or 1
    (2, 2, False), (3, 3, False),
    (1, 0, None),               # baseline 1: not eligible under BRAVE-AA
    (0, 0, None), (None, 1, None), (3, None, None),
])
def test_clinro_responder_by_the_brave_aa_rule(baseline, current, responder):
    """Item 4: baseline 2 or 3 reaching 0 or 1 with at least a 1-point improvement."""
    assert clinro.clinro_responder(baseline, current) == responder


@pytest.mark.parametrize("answer, responder, label", [
    (1, True, "greatly improved"), (2, True, "moderately improved"), (3, False, "slightly improved"),
    (4, False, "no change"), (7, False, "greatly worse"), (None, None, None)])
def test_pgic_responder_is_greatly_or_moderately_improved(answer, responder, label):
    """Item 6: the ALLEGRO responder definition."""
    assert clinro.pgic_responder(answer) == responder
    assert clinro.PGIC_LABELS.get(answer) == label


@pytest.mark.parametrize("total, control", [(0, "in control"), (6, "in control"), (7, "not in control"),
                                            (24, "not in control"), (None, None)])
def test_adct_seven_or_more_is_not_in_control(total, control):
    """Item 6: ADCT band (Pariser 2019)."""
    assert clinro.adct_control(total) == control


def series(*rows) -> list[dict]:
    """Sessions of (date, eyebrows, pgic, adct), the first the baseline."""
    return [{"date": d, "baseline": i == 0, "eyebrows": b, "eyelashes": None, "pgic": p, "adct": a, "recap": None,
             "salt": None, "salt_improvement_pct": None, "easi_improvement_pct": None, "itch_change": None}
            for i, (d, b, p, a) in enumerate(rows)]


def test_milestones_hold_the_first_session_that_met_them():
    """Items 4, 6: eyebrows responder, PGI-C responder and ADCT −5, dated by the first session."""
    s = series(("2025-01-06", 3, None, 14), ("2025-03-03", 2, 3, 10), ("2025-06-02", 1, 2, 9), ("2025-09-01", 0, 1, 4))
    marks = milestones.milestones(s)
    assert {k: marks[k] for k in ("eyebrows_response", "eyelashes_response", "pgic_response", "adct_minus_5")} == \
        {"eyebrows_response": "2025-06-02", "eyelashes_response": None, "pgic_response": "2025-06-02",
         "adct_minus_5": "2025-06-02"}
    listed = [c["key"] for c in milestones.trajectories(s, ["alopecia_areata", "atopic_dermatitis"])]
    assert [k for k in listed if k in marks and k[:4] in ("eyeb", "eyel", "pgic", "adct")] == \
        ["eyebrows_response", "pgic_response", "adct_minus_5"]  # eyelashes: no eligible baseline


DUPI = Treatment(drug="Dupilumab", start="2025-01-10", expected_effects=["hair_shedding", "headache"])


def test_the_checklist_is_the_drugs_list_then_what_the_config_adds():
    """Item 3: dupilumab's list (docs/clinical-definitions.md), extended by scalpsite.yaml (no duplicates)."""
    keys = [e.key for e in checklist(DUPI)]
    assert keys == [e.key for e in DUPILUMAB] + ["hair_shedding"]
    assert keys[:8] == ["conjunctivitis", "blepharitis", "injection_site_reaction", "facial_erythema",
                        "oral_herpes", "headache", "joint_pain", "eosinophilia"]
    assert checklist(Treatment(drug="methotrexate", start="2025-01-10")) == []


@pytest.mark.parametrize("yaml, expected", [
    ({}, {"conjunctivitis": None, "headache": None, "injection_site_reaction": None}),      # nothing: not asked
    ({"side_effects": "none"}, {"conjunctivitis": None, "headache": None, "injection_site_reaction": None}),
    ({"side_effects": []}, {"conjunctivitis": None, "headache": None, "injection_site_reaction": None}),  # a blanket
    # "none" volunteers nothing: no effect is absent unless answered "no" itself
    ({"expected_effects": {"conjunctivitis": "mild", "headache": "no"}},
     {"conjunctivitis": "mild", "headache": "no", "injection_site_reaction": None}),
    ({"side_effects": [{"name": "eye itching", "severity": "moderate"}]},                   # a synonym, graded
     {"conjunctivitis": "moderate", "headache": None, "injection_site_reaction": None}),
    ({"side_effects": [{"name": "Headache"}]}, {"conjunctivitis": None, "headache": "yes", "injection_site_reaction": None}),
    ({"injection_site": "none"}, {"conjunctivitis": None, "headache": None, "injection_site_reaction": "no"}),
    ({"side_effects": "none", "expected_effects": {"conjunctivitis": "no", "headache": None}},   # left empty:
     {"conjunctivitis": "no", "headache": None, "injection_site_reaction": None}),             # not asked
    ({"injection_site": "mild", "expected_effects": {"injection_site_reaction": "no"}},
     {"conjunctivitis": None, "headache": None, "injection_site_reaction": "mild"}),        # reported wins
])
def test_a_session_answers_each_effect_reported_absent_or_not_asked(yaml, expected):
    """Reported (with severity), answered "no", or left unasked; a blanket 'none' answers no effect."""
    effects = [e for e in checklist(DUPI) if e.key in expected]
    assert answers(Session.model_validate(yaml), effects) == expected


def test_a_no_contradicted_by_the_side_effect_list_is_a_conflict():
    """Item 3: check reports an effect ticked 'no' but listed as a side effect."""
    s = Session.model_validate({"expected_effects": {"headache": "no"}, "side_effects": [{"name": "headache"}]})
    assert conflicts(s, checklist(DUPI)) == ["headache"]


def test_checklist_rows_count_sessions_and_merge_the_injection_log():
    """Per effect reported / absent / not asked on treatment (the session before the start is not
    counted), first and last, worst; site reactions from the log."""
    effects = [e for e in checklist(DUPI) if e.key in ("conjunctivitis", "injection_site_reaction")]
    sessions = [{"date": d, "expected_effects": a, "labs": {}} for d, w, a in [
        ("2025-01-06", -1, {"conjunctivitis": None, "injection_site_reaction": None}),
        ("2025-04-14", 13, {"conjunctivitis": "yes", "injection_site_reaction": "no"}),
        ("2025-05-05", 16, {"conjunctivitis": "mild", "injection_site_reaction": "no"}),
        ("2025-06-02", 20, {"conjunctivitis": "no", "injection_site_reaction": "no"})]]
    log = [{"date": "2025-01-10", "reaction": "moderate"}, {"date": "2025-01-24", "reaction": None},
           {"date": "2025-02-07", "reaction": "none"}]
    eye, site = checklist_rows(effects, sessions, log, dt.date(2025, 1, 10))
    assert eye == {"key": "conjunctivitis", "label": "Conjunctivitis / eye symptoms", "sessions": 3, "reported": 2,
                   "absent": 1, "not_asked": 0, "first": "2025-04-14", "last": "2025-05-05", "first_week": 13,
                   "worst": "mild", "log_reactions": None, "log_noted": None, "lab_high": None, "notes": []}
    assert (site["reported"], site["absent"], site["log_reactions"], site["log_noted"]) == (0, 3, 1, 2)
    assert (site["first"], site["last"], site["worst"], site["first_week"]) == ("2025-01-10", "2025-01-10", "moderate", 0)


def entry(name: str) -> dict:
    return {"name": name, "key": name, "label": name.capitalize(), "severity": None, "notes": None}


@pytest.mark.parametrize("recorded, lists, with_checklist, text", [
    ([False, False], [[], []], False, "none reported; not recorded at 2 of 2 sessions"),
    ([True, False], [[], []], False, "none reported; not recorded at 1 of 2 sessions"),
    ([True, True], [[entry("hair shedding")], []], False, "Hair shedding at 1 session"),
    ([True, True], [[entry("headache")], [entry("nausea")]], True, "Nausea at 1 session"),
    ([True, True], [[entry("eye_itching")], []], True, "none reported outside the checklist"),
])
def test_nothing_recorded_is_never_said_as_none(recorded, lists, with_checklist, text):
    """Issue 14 item 3: 'not recorded at N of M sessions' instead of 'none recorded'."""
    from scalpsite.analysis.safety import other_effects_text

    sessions = [{"side_effects_recorded": r, "side_effects": e} for r, e in zip(recorded, lists)]
    assert other_effects_text(sessions, checklist(DUPI) if with_checklist else []) == text
