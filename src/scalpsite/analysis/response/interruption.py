"""Interruptions of the tracked drug, and what the record shows around each (the facts of a
dechallenge and rechallenge): the gap, the measure at the last session before it, its worst
during it or within 12 weeks after, its value 12 and 24 weeks after the restart, and the
responses lost and met again. Dates and values only: no conclusion is drawn. Pure."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from scalpsite.analysis.labels import day_text
from scalpsite.measures.registry import MEASURES

GAP_FACTOR = 2  # no dose for more than twice the dosing interval: an interruption
AFTER_DAYS = 84  # "within 12 weeks after the gap"
RESTART_WEEKS = (12, 24)
NEAR_DAYS = 28  # a session within 4 weeks of the week stands for it
HEADLINE = [m for m in MEASURES if m.headline]  # the measure of each condition whose course is followed (SALT, EASI)
EVENTS = ("salt_le_20", "salt30", "easi75")  # the courses whose losses and returns are stated
HEADINGS = ["Last session before the gap", f"Worst during it or within {AFTER_DAYS // 7} weeks after",
            *[f"{w} weeks after the restart" for w in RESTART_WEEKS]]  # the columns of the facts, in order


def gaps(days: list[dt.date], interval: int, as_of: dt.date) -> list[tuple[dt.date, dt.date | None]]:
    """(last dose before, first dose after) of every gap over GAP_FACTOR × interval; the first dose
    is None while the gap goes on at the as-of date."""
    distinct = sorted(set(days))
    out: list[tuple[dt.date, dt.date | None]] = [
        (a, b) for a, b in pairwise(distinct) if (b - a).days > GAP_FACTOR * interval]
    if distinct and (as_of - distinct[-1]).days > GAP_FACTOR * interval:
        out.append((distinct[-1], None))
    return out


def _point(s: dict | None, key: str) -> dict | None:
    if s is None:
        return None
    return {"date": s["date"], "week_label": s["week_label"], "value": s[key], "assessed_by": s["assessed_by"]}


def _nearest(valued: list[dict], day: dt.date) -> dict | None:
    near = [s for s in valued if abs((dt.date.fromisoformat(s["date"]) - day).days) <= NEAR_DAYS]
    return min(near, key=lambda s: (abs((dt.date.fromisoformat(s["date"]) - day).days), s["date"]), default=None)


def measure_facts(sessions: list[dict], key: str, last: dt.date, first: dt.date | None, as_of: dt.date) -> dict:
    """One measure around one gap: before, worst (highest) during or within 12 weeks after, and
    12 and 24 weeks after the restart (None when not reached or no session is near)."""
    valued = [s for s in sessions if s[key] is not None]
    before = [s for s in valued if s["date"] <= last.isoformat()]
    end = (first or as_of) + dt.timedelta(days=AFTER_DAYS)
    during = [s for s in valued if last.isoformat() < s["date"] <= end.isoformat()]
    worst = min(during, key=lambda s: (-s[key], s["date"]), default=None)  # the highest, the first of equals
    after: dict = {}
    for weeks in RESTART_WEEKS:
        target = first + dt.timedelta(weeks=weeks) if first else None
        found = _nearest(valued, target) if target else None
        after[f"after_{weeks}"] = _point(found, key)
        after[f"after_{weeks}_due"] = target.isoformat() if target else None
        after[f"after_{weeks}_note"] = None if found or not target else (
            f"not reached yet ({day_text(target)})" if as_of < target - dt.timedelta(days=NEAR_DAYS) else
            f"no session within {NEAR_DAYS // 7} weeks of {day_text(target)}")
    return {"key": key, "label": next(m.label for m in HEADLINE if m.key == key), "before": _point(before[-1] if before else None, key),
            "worst": _point(worst, key), **after}


def events(courses: list[dict], last: dt.date, first: dt.date | None, as_of: dt.date) -> list[str]:
    """The responses lost during the gap (or within 12 weeks after it) and met again after the restart."""
    end = ((first or as_of) + dt.timedelta(days=AFTER_DAYS)).isoformat()
    out = []
    for c in (c for c in courses if c["key"] in EVENTS):
        for r in c["runs"]:
            if r["outcome"] == "lost" and last.isoformat() < r["end"] <= end:
                out.append(f"{c['label']} lost on {day_text(r['end'])} (had been kept since {day_text(r['start'])})")
        back = next((r for r in c["runs"] if first and r["start"] > first.isoformat()), None)
        if back is not None:
            kept = (f", kept since then (confirmed {day_text(back['confirmed_on'])})" if back["confirmed_on"]
                    else ", not yet kept")
            again = " again" if back is not c["runs"][0] else ""
            out.append(f"{c['label']} met{again} on {day_text(back['start'])}{kept}")
    return out


def interruptions(days: list[dt.date], interval: int | None, sessions: list[dict], courses: list[dict],
                  conditions: list[str], as_of: dt.date) -> list[dict]:
    """Every interruption of the tracked drug with the facts around it; none without a dosing interval."""
    if interval is None:
        return []
    out = []
    for last, first in gaps(days, interval, as_of):
        gap = ((first or as_of) - last).days
        text = (f"No dose from {day_text(last)} to {day_text(first)} ({gap} days)" if first else
                f"No dose since {day_text(last)} ({gap} days by {day_text(as_of)})")
        out.append({"last_dose": last.isoformat(), "first_dose": first.isoformat() if first else None,
                    "gap_days": gap, "text": text, "headings": HEADINGS,
                    "measures": [measure_facts(sessions, m.key, last, first, as_of)
                                 for m in HEADLINE if m.condition in conditions],
                    "events": events(courses, last, first, as_of)})
    return out
