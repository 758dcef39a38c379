"""Which sessions and photos the outputs show: the comparison (baseline, last visit or midway,
latest), the PDF's photo timeline when the sessions do not all fit, and each angle's pair of
photos on the site. Decided here once, so the site and the dossier show the same photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Protocol

from scalpsite.analysis.results import Analysis, AnglePick, Compared, PhotoPlan, SessionResult

# Thumbnails per angle in the PDF's timeline grid (three rows of eight). A multi-year journal
# shows a sample spread over time: the grid stays readable, the PDF small, and typst's memory
# flat; the site and the tables keep every session.
TIMELINE_LIMIT = 24


class Dated(Protocol):
    """A session as the timeline sees it: its folder and ISO date."""

    @property
    def folder(self) -> str: ...

    @property
    def date(self) -> str: ...


def photo_plan(analysis: Analysis, rendered: Collection[str]) -> PhotoPlan:
    """The photos both outputs show; `rendered`: the journal paths of the photos that have renditions."""
    summary, seen = analysis.summary, analysis.last_visit
    compared = comparison(analysis.sessions, summary.baseline_folder, summary.latest_photo_folder,
                          seen.folder if seen else None)
    must = [c.folder for c in compared] + (seen.sessions_since if seen else [])
    recorded = [s for s in analysis.sessions if s.recorded]
    return PhotoPlan(comparison=compared, timeline=timeline_folders(recorded, must, TIMELINE_LIMIT),
                     angles={a: angle_pick(analysis.sessions, a, summary.baseline_folder, rendered)
                             for a in analysis.angles})


def angle_pick(sessions: Sequence[SessionResult], angle: str, baseline: str | None,
               rendered: Collection[str]) -> AnglePick:
    """The baseline's photo of `angle` (else the first one) and the latest, when it is another."""
    shot = [s.folder for s in sessions if s.photos.get(angle) in rendered]
    base = baseline if baseline in shot else (shot[0] if shot else None)
    latest = shot[-1] if shot and shot[-1] != base else None
    return AnglePick(baseline=base, latest=latest)


def comparison(sessions: Sequence[Dated], first: str | None, last: str | None,
               seen: str | None) -> list[Compared]:
    """Baseline, the session seen at the last visit (else the one midway), and latest.

    `first`: the baseline's folder; `last`: the latest session with a photo (never an empty
    one); `seen`: the last session on or before the previous appointment."""
    if not sessions or first is None or last is None:
        return []
    picks = [Compared(folder=first, role="Baseline")]
    if seen and seen not in (first, last):
        picks.append(Compared(folder=seen, role="At last visit"))
    elif middle := _middle_in_time(sessions, first, last):
        picks.append(Compared(folder=middle, role="Midway"))
    if last != first:
        picks.append(Compared(folder=last, role="Latest"))
    return picks


def _middle_in_time(sessions: Sequence[Dated], first: str, last: str) -> str | None:
    """The session nearest the midpoint between baseline and latest; the earlier one on a tie."""
    dates = {s.folder: dt.date.fromisoformat(s.date) for s in sessions}
    inner = [s for s in sessions if dates[first] < dates[s.folder] < dates[last]]
    if not inner:
        return None
    mid = dates[first] + (dates[last] - dates[first]) / 2
    return min(inner, key=lambda s: (abs(dates[s.folder] - mid), s.date)).folder


def timeline_folders(sessions: Sequence[Dated], must: list[str], limit: int) -> list[str]:
    """At most `limit` session folders in date order: all when they fit, else a spread over time.

    The first and the last session are always in; then the folders of `must` in their order
    (the compared sessions, then those since the last visit) up to half the places; the rest
    go to the sessions nearest to evenly spaced dates between the first and the last.
    """
    if len(sessions) <= limit:
        return [s.folder for s in sessions]
    dates = {s.folder: dt.date.fromisoformat(s.date) for s in sessions}
    chosen = set(list(dict.fromkeys(f for f in must if f in dates))[:limit // 2])
    first, last = dates[sessions[0].folder], dates[sessions[-1].folder]
    chosen |= {sessions[0].folder, sessions[-1].folder}
    slots = limit - len(chosen)
    for i in range(1, slots + 1):
        target = first + (last - first) * i / (slots + 1)
        free = [f for f in dates if f not in chosen]
        chosen.add(min(free, key=lambda f: (abs(dates[f] - target), dates[f])))
    return [s.folder for s in sessions if s.folder in chosen]
