"""Response over the session series: milestones, and whether a response was kept or lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scalpsite.analysis import scores
from scalpsite.analysis.labels import day_text

SALT_RELATIVE = (30, 50, 75, 90)
EASI_RELATIVE = (50, 75, 90)


def _improved_by(key: str, pct: int) -> Callable[[dict], bool]:
    """A predicate: the session's improvement `key` is at least `pct` %."""
    return lambda s: (s[key] or 0) >= pct


def _tests() -> dict[str, Callable[[dict], bool]]:
    """Milestone key -> predicate over a session (already compared with its baseline)."""
    tests: dict[str, Callable[[dict], bool]] = {
        "salt_le_20": lambda s: s["salt"] is not None and s["salt"] <= 20,
        "salt_le_10": lambda s: s["salt"] is not None and s["salt"] <= 10,
    }
    for n in SALT_RELATIVE:
        tests[f"salt{n}"] = _improved_by("salt_improvement_pct", n)
    for n in EASI_RELATIVE:
        tests[f"easi{n}"] = _improved_by("easi_improvement_pct", n)
    tests["itch_minus_4"] = lambda s: s["itch_change"] is not None and s["itch_change"] <= -scores.ITCH_MEANINGFUL
    return tests


MILESTONE_TESTS = _tests()
MILESTONE_CONDITION = {key: "atopic_dermatitis" if key.startswith(("easi", "itch")) else "alopecia_areata"
                       for key in MILESTONE_TESTS}
MILESTONE_LABELS = {
    "salt_le_20": "SALT ≤ 20", "salt_le_10": "SALT ≤ 10",
    **{f"salt{n}": f"SALT{n}" for n in SALT_RELATIVE},
    **{f"easi{n}": f"EASI-{n}" for n in EASI_RELATIVE},
    "itch_minus_4": "Itch −4",
}


def _after_baseline(sessions: list[dict]) -> list[dict]:
    base = next((s for s in sessions if s["baseline"]), None)
    return [s for s in sessions if base is None or s["date"] > base["date"]]


def milestones(sessions: list[dict]) -> dict:
    """The date of the first session after baseline that met each milestone, or None."""
    later = _after_baseline(sessions)
    return {key: next((s["date"] for s in later if test(s)), None) for key, test in MILESTONE_TESTS.items()}


KEPT_MIN_DAYS = 28  # kept once met at two consecutive sessions at least 4 weeks apart (scalpsite's rule)
TRAJECTORY_KEYS = ("salt30", "salt_le_20")  # the responses whose course the dossier follows
MEASURED = {"salt30": "salt", "salt_le_20": "salt"}


def trajectory(sessions: list[dict], key: str) -> dict:
    """The course of one milestone (docs/clinical-definitions.md): first met, kept since, lost on.

    Kept: met at two consecutive sessions at least KEPT_MIN_DAYS apart and at every session
    since. Lost: after being kept, failed at two consecutive sessions (dated by the second).
    One session never makes a response kept. Only sessions after baseline that measured it count.
    """
    test, field = MILESTONE_TESTS[key], MEASURED[key]
    series = [(s["date"], test(s)) for s in _after_baseline(sessions) if s[field] is not None]
    kept_since = lost_on = None
    fails = 0
    for i, (day, met) in enumerate(series):
        if not met:
            fails += 1
            if kept_since is not None and fails >= 2:
                kept_since, lost_on = None, day
            continue
        fails = 0
        following = series[i + 1] if i + 1 < len(series) else None
        if kept_since is None and following and following[1] and _days(day, following[0]) >= KEPT_MIN_DAYS:
            kept_since, lost_on = day, None
    first = next((d for d, met in series if met), None)
    latest = series[-1][1] if series else None
    status = ("kept" if kept_since and latest else "at_risk" if kept_since else "lost" if lost_on
              else "first_met" if first else "not_met")
    name = MILESTONE_LABELS[key]
    return {"key": key, "label": name, "status": status, "first_met": first, "kept_since": kept_since,
            "lost_on": lost_on, "latest_met": latest,
            "status_label": _status_label(name, status, first, kept_since, lost_on, latest)}


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def _status_label(name: str, status: str, first, kept, lost, latest) -> str:
    """The course in words, always naming the milestone: 'SALT30 kept since 30 Jun 2025'."""
    if status == "first_met":
        return (f"{name} first met on {day_text(first)}; kept once met at two sessions "
                f"{KEPT_MIN_DAYS // 7} weeks or more apart" if latest else
                f"{name} met on {day_text(first)}, not at the latest session")
    return {"not_met": f"{name} not met yet",
            "kept": f"{name} kept since {day_text(kept)}",
            "at_risk": f"{name} kept since {day_text(kept)}; not met at the latest session",
            "lost": f"{name} lost on {day_text(lost)} (relapse)"}[status]


def response_status(sessions: list[dict]) -> dict:
    """The SALT30 response (a 30 % relative improvement), as the dossier's one-line response."""
    course = trajectory(sessions, "salt30")
    status = {"not_met": "not_reached"}.get(course["status"], course["status"])
    return {"status": status, "label": course["status_label"],
            "since": course["kept_since"] or course["first_met"], "lost_on": course["lost_on"]}


def milestone_list(marks: dict, conditions: list[str]) -> list[dict]:
    """The milestones that apply to the conditions tracked, with their labels, in order."""
    return [{"key": key, "label": MILESTONE_LABELS[key], "date": when, "condition": MILESTONE_CONDITION[key]}
            for key, when in marks.items() if MILESTONE_CONDITION[key] in conditions]
