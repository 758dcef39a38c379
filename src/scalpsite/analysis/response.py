"""Response over the session series: milestones, and whether a response was kept or lost."""

from __future__ import annotations

from scalpsite.analysis import scores

SALT_RELATIVE = (30, 50, 75, 90)
EASI_RELATIVE = (50, 75, 90)


def _tests():
    """Milestone key -> predicate over a session (already compared with its baseline)."""
    tests = {
        "salt_le_20": lambda s: s["salt"] is not None and s["salt"] <= 20,
        "salt_le_10": lambda s: s["salt"] is not None and s["salt"] <= 10,
    }
    for n in SALT_RELATIVE:
        tests[f"salt{n}"] = lambda s, n=n: (s["salt_improvement_pct"] or 0) >= n
    for n in EASI_RELATIVE:
        tests[f"easi{n}"] = lambda s, n=n: (s["easi_improvement_pct"] or 0) >= n
    tests["itch_minus_4"] = lambda s: s["itch_change"] is not None and s["itch_change"] <= -scores.ITCH_MEANINGFUL
    return tests


MILESTONE_TESTS = _tests()
MILESTONE_CONDITION = {key: "atopic_dermatitis" if key.startswith(("easi", "itch")) else "alopecia_areata"
                       for key in MILESTONE_TESTS}
RESPONSE_LABELS = {"not_reached": "no SALT30 response yet", "kept": "response kept",
                   "lost": "response lost (relapse)"}
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


def response_status(sessions: list[dict], marks: dict) -> dict:
    """Whether a SALT30 response, once reached, was kept by the latest SALT, or lost."""
    reached = marks.get("salt30")
    status, lost_on = "not_reached", None
    if reached is not None:
        later = [s for s in sessions if s["date"] > reached and s["salt"] is not None]
        status = "kept"
        if later and (later[-1]["salt_improvement_pct"] or 0) < SALT_RELATIVE[0]:
            status = "lost"
            lost_on = next(s["date"] for s in later if (s["salt_improvement_pct"] or 0) < SALT_RELATIVE[0])
    return {"status": status, "label": RESPONSE_LABELS[status], "since": reached, "lost_on": lost_on}


def milestone_list(marks: dict, conditions: list[str]) -> list[dict]:
    """The milestones that apply to the conditions tracked, with their labels, in order."""
    return [{"key": key, "label": MILESTONE_LABELS[key], "date": when, "condition": MILESTONE_CONDITION[key]}
            for key, when in marks.items() if MILESTONE_CONDITION[key] in conditions]
