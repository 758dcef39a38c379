"""Responder milestones over the session series: each one's rule, its first date, and its course
(met, kept or lost by the runs rule of runs.py). Every milestone is decided here, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scalpsite.analysis import clinro, runs, scores

SALT_RELATIVE = (30, 50, 75, 90)
EASI_RELATIVE = (50, 75, 90)
AA, AD = "alopecia_areata", "atopic_dermatitis"
Test = Callable[[dict, dict], bool | None]  # (session, baseline) -> met; None when it does not count


@dataclass(frozen=True)
class Rule:
    """One responder milestone: its words, its condition, and whether a session meets it."""

    key: str
    label: str
    condition: str
    test: Test
    applies: Callable[[dict], bool] = lambda base: True  # from the baseline session


def _at_most(limit: float) -> Test:
    return lambda s, b: None if s["salt"] is None else s["salt"] <= limit


def _improved(field: str, pct: int) -> Test:
    return lambda s, b: None if s[field] is None else s[field] >= pct


def _itch(s: dict, b: dict) -> bool | None:
    return None if s["itch_change"] is None else s["itch_change"] <= -scores.ITCH_MEANINGFUL


def _clinro(field: str) -> Test:
    return lambda s, b: clinro.clinro_responder(b.get(field), s[field])


def _eligible(field: str) -> Callable[[dict], bool]:
    return lambda base: (base.get(field) or 0) >= clinro.CLINRO_ELIGIBLE


RULES = [
    Rule("salt_le_20", "SALT ≤ 20", AA, _at_most(20)),
    Rule("salt_le_10", "SALT ≤ 10", AA, _at_most(10)),
    *[Rule(f"salt{n}", f"SALT{n}", AA, _improved("salt_improvement_pct", n)) for n in SALT_RELATIVE],
    *[Rule(f"easi{n}", f"EASI-{n}", AD, _improved("easi_improvement_pct", n)) for n in EASI_RELATIVE],
    Rule("itch_minus_4", "Itch −4", AD, _itch),
    Rule("eyebrows_response", "Eyebrows response", AA, _clinro("eyebrows"), _eligible("eyebrows")),
    Rule("eyelashes_response", "Eyelashes response", AA, _clinro("eyelashes"), _eligible("eyelashes")),
    Rule("pgic_response", "PGI-C improved", AA, lambda s, b: clinro.pgic_responder(s["pgic"])),
    Rule("adct_minus_5", "ADCT −5", AD,
         lambda s, b: scores.reduced_by(b.get("adct"), s["adct"], clinro.ADCT_MEANINGFUL),
         lambda base: base.get("adct") is not None),
]
BY_KEY = {r.key: r for r in RULES}
MILESTONE_LABELS = {r.key: r.label for r in RULES}
# Page 1 shows at most HEADLINE_MAX badges, in this order of the trials' endpoints; the rest are in
# the table of responses. Page 1 also states the course of FOLLOWED in words.
HEADLINE_ORDER = ("salt_le_20", "salt30", "salt50", "salt_le_10", "easi75", "itch_minus_4", "salt75", "salt90",
                  "easi50", "easi90", "eyebrows_response", "eyelashes_response", "pgic_response", "adct_minus_5")
HEADLINE_MAX = 6
FOLLOWED = ("salt_le_20", "salt30")


def _baseline(sessions: list[dict]) -> dict:
    return next((s for s in sessions if s["baseline"]), {})


def _after_baseline(sessions: list[dict]) -> list[dict]:
    base = _baseline(sessions)
    return [s for s in sessions if not base or s["date"] > base["date"]]


def series(sessions: list[dict], key: str) -> list[tuple[str, bool]]:
    """(date, met) of the sessions after the baseline that count for the milestone (they record it)."""
    rule, base = BY_KEY[key], _baseline(sessions)
    out = []
    for s in _after_baseline(sessions):
        met = rule.test(s, base)
        if met is not None:
            out.append((s["date"], bool(met)))
    return out


def milestones(sessions: list[dict]) -> dict[str, str | None]:
    """The date of the first session after baseline that met each milestone, or None."""
    return {r.key: next((d for d, met in series(sessions, r.key) if met), None) for r in RULES}


def applicable(sessions: list[dict], conditions: list[str]) -> list[Rule]:
    """The milestones of the conditions tracked whose baseline allows them (ClinRO 2 or 3, an ADCT;
    PGI-C once asked), in the order of RULES."""
    base = _baseline(sessions)
    asked = {"pgic_response": any(s["pgic"] is not None for s in sessions)}
    return [r for r in RULES if r.condition in conditions and r.applies(base) and asked.get(r.key, True)]


def trajectories(sessions: list[dict], conditions: list[str]) -> list[dict]:
    """The course of every applicable milestone by the runs rule (first met, kept, lost, every run)."""
    return [{"key": r.key, "label": r.label, "followed": r.key in FOLLOWED} | runs.course(r.label, series(sessions, r.key))
            for r in applicable(sessions, conditions)]


def milestone_list(courses: list[dict]) -> list[dict]:
    """The badges: first date, status in a few words, green while met or kept; the headline ones first."""
    order = sorted(courses, key=lambda c: HEADLINE_ORDER.index(c["key"]))
    headline = {c["key"] for c in order[:HEADLINE_MAX]}
    return [{"key": c["key"], "label": c["label"], "date": c["first_met"], "condition": BY_KEY[c["key"]].condition,
             "status": c["status"], "badge_text": c["badge_text"], "green": c["green"],
             "headline": c["key"] in headline} for c in courses]


def response_status(courses: list[dict]) -> dict:
    """The SALT30 response (a 30 % relative improvement), as the dossier's one-line response."""
    course = next((c for c in courses if c["key"] == "salt30"), None)
    if course is None:
        return {"status": "not_reached", "label": "SALT30 not met yet", "since": None, "lost_on": None}
    status = {"not_met": "not_reached"}.get(course["status"], course["status"])
    since = course["kept_since"] or (course["runs"][-1]["start"] if course["status"] == "met" else None)
    return {"status": status, "label": course["status_label"], "since": since, "lost_on": course["lost_on"]}
