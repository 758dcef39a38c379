"""Injection adherence: due dates, the window each injection belongs to, and what was given,
late, missed or is still pending. Pure: data in, data out.

Due dates are start + interval × k. An injection belongs to the due date whose window
[due − 3, due + 7] holds it; the first due date takes the loading injections (two for dupilumab).
Late: more than 3 days after due. Missed: nothing by due + 7, once that day has passed as of the
analysis date; until then the dose is pending. Adherence = given / (given + missed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from scalpsite.analysis.response.interruption import gaps
from scalpsite.analysis.labels import day_text
from scalpsite.journal.injectionlog import Injection
from scalpsite.journal.configmodel import Dosing, Treatment
from scalpsite.journal.treatment import same_drug

EARLY_DAYS = 3  # an injection up to 3 days before its due date belongs to it
LATE_DAYS = 3  # more than 3 days after due is late
GRACE_DAYS = 7  # nothing by due + 7: missed (the label: a missed dose is given within 7 days)
# The most due dates followed: 38 years of a dose every 14 days, or nearly 3 years of a daily one.
# More comes from a start date or an interval typed wrong (daily since 1900: 45,000 doses and a
# PDF of 760 pages); check says so, and the analysis follows the first MAX_DOSES only.
MAX_DOSES = 1000
SITE_LABELS = {"abdomen_left": "abdomen, left", "abdomen_right": "abdomen, right", "thigh_left": "thigh, left",
               "thigh_right": "thigh, right", "arm_left": "upper arm, left", "arm_right": "upper arm, right"}


@dataclass(frozen=True)
class Dose:
    """One due date and what became of it."""

    number: int  # 1 for the first (loading) dose
    due: dt.date
    status: str  # given, missed, pending
    given_on: dt.date | None = None
    days_from_due: int | None = None  # of the first injection that belongs to it
    injections: int = 0

    @property
    def timing(self) -> str | None:
        """early, on_time or late for a given dose; None otherwise."""
        if self.days_from_due is None:
            return None
        if self.days_from_due < 0:
            return "early"
        return "late" if self.days_from_due > LATE_DAYS else "on_time"


def due_count(start: dt.date, interval: int, last: dt.date) -> int:
    """How many due dates start + interval × k fall on or before `last`."""
    return (last - start).days // interval + 1 if last >= start else 0


def due_dates(start: dt.date, interval: int, last: dt.date) -> list[dt.date]:
    """start + interval × k for every k whose date is on or before `last`, the first MAX_DOSES at most."""
    count = min(due_count(start, interval, last), MAX_DOSES)
    return [start + dt.timedelta(days=interval * k) for k in range(count)]


def window(due: dt.date, day: dt.date) -> bool:
    """Whether `day` falls in the window [due − 3, due + 7] of a due date."""
    return -EARLY_DAYS <= (day - due).days <= GRACE_DAYS


def assign(dues: list[dt.date], days: list[dt.date], loading: int) -> list[int | None]:
    """For each injection day (sorted), the index of the due date it belongs to, or None.

    An injection goes to the first due date whose window holds it and which still takes one
    (the first takes `loading`, the others one each); a second injection in a full window and
    one outside every window belong to none.
    """
    taken = [0] * len(dues)
    out: list[int | None] = []
    for day in days:
        fits = [k for k, due in enumerate(dues) if window(due, day) and taken[k] < (loading if k == 0 else 1)]
        out.append(fits[0] if fits else None)
        if fits:
            taken[fits[0]] += 1
    return out


def doses(start: dt.date, end: dt.date | None, dosing: Dosing, days: list[dt.date], as_of: dt.date) -> list[Dose]:
    """Every dose due by the as-of date (or given early before it), with its status."""
    horizon = as_of + dt.timedelta(days=EARLY_DAYS)
    dues = [d for d in due_dates(start, dosing.interval_days, horizon) if end is None or d < end]
    owner = assign(dues, days, dosing.loading_doses)
    out = []
    for k, due in enumerate(dues):
        mine = [day for day, o in zip(days, owner) if o == k]
        if mine:
            out.append(Dose(k + 1, due, "given", mine[0], (mine[0] - due).days, len(mine)))
        elif as_of > due + dt.timedelta(days=GRACE_DAYS):
            out.append(Dose(k + 1, due, "missed"))
        elif due <= as_of:
            out.append(Dose(k + 1, due, "pending"))
    return out


def next_due(start: dt.date, end: dt.date | None, dosing: Dosing, done: list[Dose], as_of: dt.date) -> dt.date | None:
    """The first due date not yet given whose window is still open on the as-of date, or None."""
    open_ = [d.due for d in done if d.status == "pending"]
    if open_:
        return open_[0]
    given = [d.number for d in done if d.status == "given"]
    k = max(given, default=0)
    due = start + dt.timedelta(days=dosing.interval_days * k)
    while due + dt.timedelta(days=GRACE_DAYS) < as_of:  # missed ones are past; find the next open one
        k += 1
        due = start + dt.timedelta(days=dosing.interval_days * k)
    return due if end is None or due < end else None


def longest_gap(days: list[dt.date]) -> int | None:
    """The longest time in days between two consecutive injection days; None with fewer than two."""
    distinct = sorted(set(days))
    return max(((b - a).days for a, b in pairwise(distinct)), default=None)


def site_repeats(sites: list[str | None]) -> list[bool]:
    """For each injection in order, whether it was at the same (known) site as the one before."""
    return [i > 0 and s is not None and s == sites[i - 1] for i, s in enumerate(sites)]


def adherence_pct(given: int, missed: int) -> float | None:
    """given / (given + missed) × 100, one decimal; None when nothing was due yet."""
    return round(given / (given + missed) * 100, 1) if given + missed else None


# ---------- the log as data.json shows it ----------

def _for_drug(rows: list[Injection], treatment: Treatment | None, as_of: dt.date) -> list[Injection]:
    """The rows of the tracked treatment's drug up to the as-of date, by date then line."""
    if treatment is None:
        return []
    mine = [r for r in rows if same_drug(r.row.drug, treatment.drug) and r.row.date <= as_of]
    return sorted(mine, key=lambda r: (r.row.date, r.line))


def analyse_log(rows: list[Injection], treatment: Treatment | None, dosing: Dosing | None,
                as_of: dt.date) -> dict:
    """data.json's `injections`, `injection_doses`, `injection_log` and `injection_text`."""
    mine = _for_drug(rows, treatment, as_of)
    days = [r.row.date for r in mine]
    done = doses(treatment.start, treatment.end, dosing, days, as_of) if treatment and dosing else []
    counts = {s: sum(d.status == s for d in done) for s in ("given", "missed", "pending")}
    repeats = site_repeats([r.row.site for r in mine])
    scheduled = bool(treatment and dosing)
    due = next_due(treatment.start, treatment.end, dosing, done, as_of) if treatment and dosing else None
    summary = {
        "expected": counts["given"] + counts["missed"] if scheduled else None,
        "given": counts["given"] if scheduled else len(set(days)),
        "missed": counts["missed"] if scheduled else None,
        "late": sum(d.timing == "late" for d in done) if scheduled else None,
        "pending": counts["pending"] if scheduled else None,
        "adherence_pct": adherence_pct(counts["given"], counts["missed"]) if scheduled else None,
        "longest_gap_days": longest_gap(days),
        "last": days[-1].isoformat() if days else None,
        "next_due": _iso(due),
        "site_repeats": sum(repeats),
    }
    owners = _owners(mine, done, dosing)
    notes = dose_notes(done, [r.row.date for r in mine if r.line not in owners]) if scheduled else {}
    breaks = gaps(days, dosing.interval_days, as_of) if treatment and dosing else []
    text = summary_text(summary, treatment, scheduled) + gap_text(breaks)
    return {"injections": summary, "injection_text": text,
            "injection_doses": [_dose(d, notes.get(d.number)) for d in done],
            "injection_log": log_rows(rows, mine, repeats, done, dosing, as_of)}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _dose(d: Dose, note: str | None = None) -> dict:
    return {"number": d.number, "due": d.due.isoformat(), "status": d.status, "timing": d.timing,
            "given_on": _iso(d.given_on), "days_from_due": d.days_from_due, "injections": d.injections,
            "note": note}


def log_rows(rows: list[Injection], mine: list[Injection], repeats: list[bool], done: list[Dose],
             dosing: Dosing | None, as_of: dt.date) -> list[dict]:
    """Every row of the log up to the as-of date, normalised, with the dose it belongs to."""
    repeat = {r.line: rep for r, rep in zip(mine, repeats)}
    owner = _owners(mine, done, dosing)
    out = []
    for r in sorted((r for r in rows if r.row.date <= as_of), key=lambda r: (r.row.date, r.line)):
        dose = owner.get(r.line)
        row = r.row
        timing = _timing(r, dose, repeat, dosing, done)
        out.append({"line": r.line, "date": row.date.isoformat(), "drug": row.drug, "dose_mg": row.dose_mg,
                    "site": row.site, "site_label": SITE_LABELS.get(row.site) if row.site else None,
                    "reaction": row.reaction.value if row.reaction else None, "note": row.note,
                    "dose_number": dose.number if dose else None, "due": _iso(dose.due) if dose else None,
                    "timing": timing, "timing_label": _timing_label(timing, row.date, dose, done),
                    "same_site_as_previous": repeat.get(r.line, False)})
    return out


def _owners(mine: list[Injection], done: list[Dose], dosing: Dosing | None) -> dict[int, Dose]:
    """Line of each injection of the tracked drug -> the dose it belongs to."""
    if dosing is None:
        return {}
    dues = [d.due for d in done]
    owner = assign(dues, [r.row.date for r in mine], dosing.loading_doses)
    return {r.line: done[k] for r, k in zip(mine, owner) if k is not None}


def _timing(r: Injection, dose: Dose | None, repeat: dict, dosing: Dosing | None, done: list[Dose]) -> str:
    """How an injection stands against the schedule, in one word for the tables.

    An injection in no dose is `after_window` when it came after the window of a missed dose
    closed, `extra` when it fell in the window of a dose that already had its injection (a
    second one, as when reloading), else `off_schedule`.
    """
    if r.line not in repeat:
        return "other_drug"
    if dosing is None:
        return "no_schedule"
    if dose is None:
        return _outside(r.row.date, done)[0]
    days = (r.row.date - dose.due).days
    return "early" if days < 0 else "late" if days > LATE_DAYS else "on_time"


def _outside(day: dt.date, done: list[Dose]) -> tuple[str, Dose | None]:
    """Why an injection belongs to no dose, and the dose it is next to."""
    holding = next((d for d in done if window(d.due, day)), None)
    if holding is not None:
        return "extra", holding
    before = [d for d in done if d.due < day]
    if before and before[-1].status == "missed":
        return "after_window", before[-1]
    return "off_schedule", None


def _timing_label(timing: str, day: dt.date, dose: Dose | None, done: list[Dose]) -> str:
    """The timing in words for the tables: 'late (5 days)', 'given after its window closed (dose 18 ...)'."""
    near = _outside(day, done)[1] if timing in ("after_window", "extra") else None
    if near is not None and timing == "extra":
        return f"an extra injection in the window of dose {near.number} (due {day_text(near.due)})"
    if near is not None:
        return f"given after its window closed (dose {near.number}, due {day_text(near.due)}, counted as missed)"
    if dose is not None and timing in ("early", "late"):
        days = abs((day - dose.due).days)
        return f"{timing} ({days} day{'s' * (days != 1)})"
    return TIMING_WORDS[timing]


TIMING_WORDS = {"on_time": "on time", "off_schedule": "in no dose's window", "other_drug": "another drug",
                "no_schedule": "no dosing interval", "early": "early", "late": "late"}


def dose_notes(done: list[Dose], days: list[dt.date]) -> dict[int, str]:
    """Per missed dose with an injection after its window closed: that injection, in words."""
    notes = {}
    for day in days:
        reason, near = _outside(day, done)
        if reason == "after_window" and near is not None and near.number not in notes:
            notes[near.number] = f"an injection on {day_text(day)}, after its window closed"
    return notes


def gap_text(breaks: list[tuple[dt.date, dt.date | None]]) -> str:
    """The interruptions in a few words for the adherence line: '; no dose from 23 Jan to 17 Apr 2026'."""
    words = [f"no dose from {day_text(a)} to {day_text(b)}" if b else f"no dose since {day_text(a)}"
             for a, b in breaks[:2]]
    more = f" and {len(breaks) - 2} more gaps" if len(breaks) > 2 else ""
    return f"; {', '.join(words)}{more}" if words else ""


def summary_text(s: dict, treatment: Treatment | None, scheduled: bool) -> str:
    """The adherence in one line: '22 of 23 doses, 1 missed, 2 late; longest gap 21 days'."""
    gap = f"; longest gap {s['longest_gap_days']} days" if s["longest_gap_days"] is not None else ""
    if not scheduled:
        drug = treatment.drug if treatment else "the tracked drug"
        return (f"{s['given']} injection day{'s' * (s['given'] != 1)} of {drug} logged{gap} (no dosing "
                "interval in scalpsite.yaml, so no dose is counted as due or missed)")
    pct = f" ({s['adherence_pct']:.1f} %)" if s.get("adherence_pct") is not None else ""
    text = f"{s['given']} of {s['expected']} doses{pct}, {s['missed']} missed, {s['late']} late{gap}"
    if s["pending"]:
        text += f"; {s['pending']} due and not yet logged (its 7-day window is still open)"
    if s["site_repeats"]:
        text += f"; same site as the injection before {s['site_repeats']} time{'s' * (s['site_repeats'] != 1)}"
    return text
