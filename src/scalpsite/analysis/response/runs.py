"""Whether a response was kept or lost: the runs rule, for every responder milestone. Pure.

Only the sessions that record the measure count (a session without it is skipped, never a
failure). A run starts at a session that meets the milestone after one that did not (or at the
first that meets it). It is kept once it has been met at every counted session from its start
to a session at least KEPT_MIN_DAYS after its start (that session confirms it). Before it is
kept, one failing session ends it; once kept, one failure alone does not, two consecutive
failures lose it (dated by the second). A new run may start after a loss and be kept again; the
history keeps every run. The labels follow the ritlecitinib post hoc analysis of response
patterns (King et al., J Eur Acad Dermatol Venereol 2025;39:1163-73: responses maintained, or
achieved and not maintained); the 4 weeks and the two failures are scalpsite's operational rule
for a patient's own record, and the definitions page says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from scalpsite.analysis.labels import day_text

KEPT_MIN_DAYS = 28  # met at every counted session for at least 4 weeks
LOST_AFTER = 2  # consecutive failing sessions that end a kept run


@dataclass(frozen=True)
class Run:
    """One run of sessions meeting a milestone: its start, when it was kept, how it ended."""

    start: str
    confirmed_on: str | None = None  # the session that completed the 4 weeks: kept from here
    end: str | None = None  # lost on (after kept) or ended on (before kept); None while it goes on

    @property
    def outcome(self) -> str:
        """ongoing, lost (it had been kept) or ended (it ended before it was kept)."""
        if self.end is None:
            return "ongoing"
        return "lost" if self.confirmed_on else "ended"


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def runs(series: Sequence[tuple[str, bool]], min_days: int = KEPT_MIN_DAYS) -> list[Run]:
    """Every run of a series of (ISO date, met) of the counted sessions, in date order."""
    out: list[Run] = []
    start = confirmed = None
    fails = 0
    for day, met in series:
        if start is None:
            if met:
                start, confirmed, fails = day, None, 0
            continue
        if met:
            fails = 0
            if confirmed is None and _days(start, day) >= min_days:
                confirmed = day
            continue
        fails += 1
        if confirmed is None or fails >= LOST_AFTER:
            out.append(Run(start, confirmed, day))
            start = None
    if start is not None:
        out.append(Run(start, confirmed, None))
    return out


def status(history: Sequence[Run]) -> str:
    """not_met (never met), met (started, not yet kept), kept, lost, or not_kept (ended before kept)."""
    if not history:
        return "not_met"
    last = history[-1]
    if last.end is None:
        return "kept" if last.confirmed_on else "met"
    return "lost" if last.confirmed_on else "not_kept"


GREEN = ("met", "kept")  # a badge is green only while its latest run is met or kept


def course(name: str, series: Sequence[tuple[str, bool]]) -> dict:
    """The course of one milestone for data.json: status, its dates, every run, and the words."""
    history = runs(series)
    state = status(history)
    last = history[-1] if history else None
    earlier_loss = next((r.end for r in reversed(history[:-1]) if r.outcome == "lost"), None)
    latest = series[-1][1] if series else None
    rows = [{"start": r.start, "confirmed_on": r.confirmed_on, "end": r.end, "outcome": r.outcome} for r in history]
    return {
        "status": state, "first_met": history[0].start if history else None,
        "kept_since": last.start if state == "kept" and last else None,
        "confirmed_on": last.confirmed_on if state == "kept" and last else None,
        "lost_on": last.end if state == "lost" and last else None,
        "latest_met": latest, "green": state in GREEN,
        "runs": rows, "history_text": history_text(rows),
        "status_label": status_text(name, state, last, earlier_loss, series),
        "badge_text": badge_text(state, last),
    }


def status_text(name: str, state: str, last: Run | None, earlier_loss: str | None,
                series: Sequence[tuple[str, bool]]) -> str:
    """The course in words, always naming the milestone: 'SALT ≤ 20 kept since 23 Oct 2026 (again, ...)'."""
    again = f" (again, after a loss on {day_text(earlier_loss)})" if earlier_loss else ""
    if last is None:
        return f"{name} not met yet"
    if state == "kept":
        text = f"{name} kept since {day_text(last.start)}{again}"
        if series and not series[-1][1]:
            text += f"; not met at the latest session ({day_text(series[-1][0])})"
        return text
    if state == "met":
        return (f"{name} met since {day_text(last.start)}{again}; kept once still met "
                f"{KEPT_MIN_DAYS // 7} weeks after")
    if state == "lost":
        return f"{name} lost on {day_text(last.end)} (had been kept since {day_text(last.start)})"
    return f"{name} met on {day_text(last.start)}, not kept (not met on {day_text(last.end)})"


def badge_text(state: str, last: Run | None) -> str:
    """The few words of a badge: 'kept since 23 Oct 2026', 'lost 10 Apr 2026', 'not yet'."""
    if last is None:
        return "not yet"
    return {"kept": f"kept since {day_text(last.start)}", "met": f"met since {day_text(last.start)}",
            "lost": f"lost {day_text(last.end)}", "not_kept": f"not met since {day_text(last.end)}"}[state]


def history_text(history: Sequence[dict]) -> str:
    """Every run in a line: '31 Oct 2025, kept 12 Dec 2025, lost 10 Apr 2026; 23 Oct 2026, kept 27 Nov 2026'."""
    parts = []
    for r in history:
        words = [day_text(r["start"])]
        if r["confirmed_on"]:
            words.append(f"kept {day_text(r['confirmed_on'])}")
        if r["end"]:
            words.append(f"{'lost' if r['outcome'] == 'lost' else 'ended'} {day_text(r['end'])}")
        parts.append(", ".join(words))
    return "; ".join(parts) if parts else "never met"
