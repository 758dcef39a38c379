"""The history a form asks for: diagnoses with their codes and durations, earlier treatments with
how long and how strong, and the other treatments that overlap a response (which may confound
it). Facts of scalpsite.yaml as of the dossier's date; pure, no advice."""

from __future__ import annotations

import datetime as dt

from scalpsite.analysis.labels import MONTHS, day_text
from scalpsite.journal.configmodel import Diagnosis, Treatment

AA, AD = "alopecia_areata", "atopic_dermatitis"
PURPOSE_LABELS = {AA: "alopecia areata", AD: "atopic dermatitis", "other": "other"}
OUTCOME_LABELS = {"none": "no response", "partial": "partial response", "complete": "complete response",
                  "not_tolerated": "not tolerated", "stopped": "stopped"}
POTENCY_LABELS = {"I": "class I (superpotent)", "II": "class II (high)", "III": "class III (upper mid-strength)",
                  "IV": "class IV (mid-strength)", "V": "class V (lower mid-strength)", "VI": "class VI (mild)",
                  "VII": "class VII (least potent)"}


def partial_text(value: str) -> str:
    """'2012', 'Sep 2024' or '1 Apr 2019': a date as precisely as it was written."""
    if len(value) == 4:
        return value
    if len(value) == 7:
        return f"{MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    return day_text(value)


def duration(value: str, on: dt.date) -> str:
    """The time from a partial date to `on`, as precisely as the date is known: 'about 14 years',
    '2 years 3 months'; 'less than a month' under that."""
    y, m, d = (int(p) for p in (value.split("-") + ["0", "0"])[:3])
    if m == 0:
        years = on.year - y
        return f"about {_count(years, 'year')}" if years > 0 else "less than a year"
    months = (on.year - y) * 12 + on.month - m - (d > 0 and on.day < d)
    text = " ".join(w for w in (_count(months // 12, "year"), _count(months % 12, "month")) if w)
    return ("about " if d == 0 and text else "") + (text or "less than a month")


def _count(n: int, word: str) -> str:
    return "" if n <= 0 else f"{n} {word}{'s' * (n != 1)}"


def diagnoses(found: list[Diagnosis], on: dt.date) -> list[dict]:
    """Each diagnosis with its dates in words and the durations of the disease and of the episode."""
    rows = []
    for d in found:
        since = f"diagnosed {partial_text(d.diagnosed)} ({duration(d.diagnosed, on)})" if d.diagnosed else None
        episode = (f"current episode since {partial_text(d.episode_start)} ({duration(d.episode_start, on)})"
                   if d.episode_start else None)
        words = "; ".join(w for w in (since, episode) if w) or "date of diagnosis not recorded"
        spans = [w for w in (duration(d.diagnosed, on) if d.diagnosed else None,
                             f"episode {duration(d.episode_start, on)}" if d.episode_start else None) if w]
        rows.append({"condition": d.condition, "code": d.code, "diagnosed": d.diagnosed,
                     "episode_start": d.episode_start,
                     "disease_duration": duration(d.diagnosed, on) if d.diagnosed else None,
                     "episode_duration": duration(d.episode_start, on) if d.episode_start else None,
                     "text": f"{d.condition}{f' ({d.code})' if d.code else ''}: {words}",
                     "brief": " ".join(w for w in (d.code, d.condition) if w) + (f" ({'; '.join(spans)})" if spans else "")})
    return rows


def purposes(t: Treatment) -> list[str]:
    """What a treatment is given for, as keys (`for:` as a list or one value)."""
    value = getattr(t, "for")  # `for` is a keyword
    return [] if value is None else list(value)


def prior_treatments(treatments: list[Treatment], primary: Treatment | None, on: dt.date) -> list[dict]:
    """Every treatment but the tracked one, by what it was for (AA, AD, other, not stated), then date:
    how long, how strong, how it went ('outcome not recorded' rather than a blank)."""
    order = {AA: 0, AD: 1, "other": 2}
    rows: list[dict] = []
    for t in treatments:
        if t is primary:
            continue
        keys = purposes(t)
        outcome = OUTCOME_LABELS.get(t.outcome or "") or ("ongoing" if t.end is None else "outcome not recorded")
        rows.append({"drug": t.drug, "start": t.start.isoformat(), "end": t.end.isoformat() if t.end else None,
                     "duration": duration(t.start.isoformat(), t.end or on) + ("" if t.end else " so far"),
                     "potency": t.potency, "potency_label": POTENCY_LABELS.get(t.potency or ""),
                     "for_label": ", ".join(PURPOSE_LABELS[k] for k in keys) or "not stated",
                     "outcome": t.outcome, "outcome_label": outcome,
                     "stopped_because": t.stopped_because, "notes": t.notes,
                     "_order": (min((order[k] for k in keys), default=3), t.start)})
    rows.sort(key=lambda r: r["_order"])
    return [{k: v for k, v in r.items() if k != "_order"} for r in rows]


def confounders(treatments: list[Treatment], primary: Treatment | None, want: str | None,
                since: str, until: str) -> list[str]:
    """Other treatments for the measure's condition `want` (or for nothing stated) given at some time
    between the baseline and the session: they overlap the response and may confound it."""
    found = []
    for t in treatments:
        keys = purposes(t)
        if t is primary or (keys and want not in keys):
            continue
        if t.start.isoformat() <= until and (t.end is None or t.end.isoformat() >= since):
            span = f"{day_text(t.start)} to {day_text(t.end)}" if t.end else f"from {day_text(t.start)}"
            found.append(f"{t.drug} ({span}{'' if keys else '; for not stated'})")
    return found
