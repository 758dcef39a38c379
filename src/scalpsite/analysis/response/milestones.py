"""Responder milestones over the session series: each one's rule, its first date, and its course
(met, kept or lost by the runs rule of runs.py). Every milestone is decided here, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scalpsite.analysis.response import runs
from scalpsite.measures.kinds import Measure, Milestone
from scalpsite.measures.registry import MEASURES

Test = Callable[[dict, dict], bool | None]  # (session, baseline) -> met; None when it does not count


@dataclass(frozen=True)
class Rule:
    """One responder milestone of a measure of the registry: its words, its condition, and whether a
    session meets it."""

    measure: Measure
    milestone: Milestone

    @property
    def key(self) -> str:
        """The milestone's key in data.json."""
        return self.milestone.key

    @property
    def label(self) -> str:
        """The milestone in words."""
        return self.milestone.label

    @property
    def condition(self) -> str:
        """The condition whose milestones it is among."""
        return self.measure.condition or ""

    def test(self, s: dict, base: dict) -> bool | None:
        """Whether session `s` meets it against the baseline; None when it does not count."""
        return self.milestone.met(self.measure.key, s, base)

    def applies(self, base: dict, sessions: list[dict]) -> bool:
        """Whether it is followed, from the baseline (ClinRO 2 or 3, an ADCT) and the sessions (PGI-C asked)."""
        return self.milestone.applies(self.measure.key, base, sessions)


# The headline measures' milestones first (the trials' primary endpoints, SALT and EASI), then the
# others in the registry's order.
RULES = [Rule(m, milestone) for m in sorted(MEASURES, key=lambda m: not m.headline) for milestone in m.milestones]
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
    return [r for r in RULES if r.condition in conditions and r.applies(base, sessions)]


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
