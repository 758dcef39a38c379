"""The expected-effects checklist of the tracked treatment: per effect, the sessions that
reported it, that answered it "no", and that never asked. Pure: data in, data out.

A session answers an effect in three ways, merged here: the checklist (`expected_effects:`),
the free side-effect list (a name that is, or is a synonym of, the effect) and, for the
injection-site reaction, `injection_site:`. An effect is absent at a session only when that
effect was answered "no" there: a blanket `side_effects: none` says that nothing was volunteered,
and is counted on its own line, never as the absence of an effect that was not asked. Only
sessions on treatment count. Injection-site reactions also come from the log.
"""

from __future__ import annotations

import datetime as dt

from scalpsite.analysis.labels import day_text
from scalpsite.analysis.sideeffects import SEVERITY_ORDER
from scalpsite.journal.effects import Effect, effect_key
from scalpsite.journal.models import Session

REPORTED = ("yes", "mild", "moderate", "severe")
SEVERITIES = ("mild", "moderate", "severe")
INJECTION_SITE = "injection_site_reaction"
EOSINOPHILIA = "eosinophilia"
EYES = "conjunctivitis"  # under-reported unless asked directly
RARELY = 0.5  # asked at fewer than half of the sessions on treatment: "rarely asked"
OTHERS_SHOWN = 4  # side effects outside the checklist named in one line


def worse(a: str | None, b: str | None) -> str | None:
    """The worse of two answers: severe > moderate > mild > yes > no > not asked (None)."""
    order = {None: 0, "no": 1, "yes": 2, "mild": 3, "moderate": 4, "severe": 5}
    return a if order[a] >= order[b] else b


def answers(s: Session, effects: list[Effect]) -> dict[str, str | None]:
    """One session's answer per effect: no, yes, mild, moderate, severe, or None (not asked)."""
    listed: dict[str, str | None] = {}
    for e in s.side_effects if isinstance(s.side_effects, list) else []:
        key = effect_key(e.name)
        listed[key] = worse(listed.get(key), e.severity or "yes")
    out = {}
    for effect in effects:
        answer = worse(s.expected_effects.get(effect.key), listed.get(effect.key))
        if answer in (None, "no") and effect.key == INJECTION_SITE and s.injection_site is not None:
            site = s.injection_site.value
            answer = worse(answer, "no" if site == "none" else site)
        out[effect.key] = answer
    return out


def reported(side_effects: list[dict], said: dict[str, str | None], effects: list[Effect]) -> list[dict]:
    """A session's side effects as listed, then the checklist's reports that the list does not name.

    Each entry has the shape of a side-effect list entry (name, key, label, severity, notes), so
    the side-effect log counts the checklist's answers too.
    """
    named = {effect_key(e["key"]) for e in side_effects}
    out = list(side_effects)
    for effect in effects:
        answer = said[effect.key]
        if answer in REPORTED and effect.key not in named:
            out.append({"name": effect.label, "key": effect.key, "label": effect.label,
                        "severity": answer if answer in SEVERITIES else None, "notes": None})
    return out


def conflicts(s: Session, effects: list[Effect]) -> list[str]:
    """Effects a session checks as 'no' but reports in its side-effect list (or injection_site)."""
    said_no = [e.key for e in effects if s.expected_effects.get(e.key) == "no"]
    return [key for key in said_no if answers(s, effects)[key] != "no"]


def on_treatment(sessions: list[dict], start: dt.date | None) -> list[dict]:
    """The sessions the checklist counts: those on or after the treatment's start."""
    return [s for s in sessions if start is None or s["date"] >= start.isoformat()]


def checklist_rows(effects: list[Effect], sessions: list[dict], log: list[dict] | None,
                   start: dt.date | None = None) -> list[dict]:
    """Per effect over the sessions on treatment: reported / answered no / not asked, first and
    last date, worst severity (and, for the injection site, the log's reactions).

    `sessions` carry `expected_effects` (this module's answers), `date` and `labs`; `log` is the
    tracked drug's injection rows; `start` (the treatment's) leaves earlier sessions out and
    dates the first report in weeks on treatment.
    """
    counted = on_treatment(sessions, start)
    rows = []
    for effect in effects:
        said = [(s, s["expected_effects"][effect.key]) for s in counted]
        reported = [(s, a) for s, a in said if a in REPORTED]
        row = {"key": effect.key, "label": effect.label, "sessions": len(counted), "reported": len(reported),
               "absent": sum(a == "no" for _, a in said), "not_asked": sum(a is None for _, a in said),
               "first": reported[0][0]["date"] if reported else None,
               "last": reported[-1][0]["date"] if reported else None,
               "first_week": None, "worst": _worst(a for _, a in reported), "log_reactions": None, "log_noted": None,
               "lab_high": None, "notes": []}
        if effect.key == INJECTION_SITE and log is not None:
            row |= _from_log(row, log)
        if effect.key == EOSINOPHILIA:
            row |= _eosinophil_labs(said)
        if row["first"] is not None and start is not None:
            row["first_week"] = (dt.date.fromisoformat(row["first"]) - start).days // 7
        rows.append(row)
    return rows


def _eosinophil_labs(said: list[tuple[dict, str | None]]) -> dict:
    """Sessions whose eosinophil count was high, and a note for each that also answered 'no'."""
    high = [(s, a, lab) for s, a in said for name, lab in s["labs"].items()
            if name.lower() == "eosinophils" and lab["flag"] == "high"]
    notes = [f"answered \"no\" on {day_text(s['date'])}, when the eosinophil count that day was "
             f"{' '.join(filter(None, (lab['text'], lab['unit_label'])))} (high)" for s, a, lab in high if a == "no"]
    return {"lab_high": len(high), "notes": notes}


def _worst(found) -> str | None:
    """The worst severity among answers (None when none was graded)."""
    graded = [a for a in found if a in SEVERITIES]
    return max(graded, key=lambda a: SEVERITY_ORDER[a], default=None)


def _from_log(row: dict, log: list[dict]) -> dict:
    """The injection log's reactions merged into the injection-site row: counts, dates, worst."""
    noted = [r for r in log if r["reaction"] is not None]
    reacted = [r for r in noted if r["reaction"] != "none"]
    dates = sorted([r["date"] for r in reacted] + [d for d in (row["first"], row["last"]) if d])
    return {"log_reactions": len(reacted), "log_noted": len(noted),
            "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
            "worst": _worst([row["worst"], *(r["reaction"] for r in reacted)])}


def asked_about(s: Session) -> bool:
    """Whether a session asked about side effects at all: the list (or `none`), or an answer to the checklist;
    `injection_site:` alone is the injection site's own record. The one rule of the pages, the CSV, the
    completeness count and `check` (data.json keeps it as `side_effects_asked`)."""
    return s.side_effects is not None or any(a is not None for a in s.expected_effects.values())


def asked(s: dict) -> bool:
    """Whether a data.json session asked about side effects (`asked_about`, kept in side_effects_asked)."""
    return s["side_effects_asked"]


def checklist_text(rows: list[dict], sessions: list[dict], start: dt.date | None = None) -> str | None:
    """One line for the pages: sessions on treatment that asked, blanket 'none', eyes rarely asked, never asked."""
    counted = on_treatment(sessions, start)
    if not rows or not counted:
        return None
    n = len(counted)
    text = f"side effects asked at {sum(map(asked, counted))} of {n} session{'s' * (n != 1)} on treatment"
    blanket = sum(s["side_effects_recorded"] and not s["side_effects"] for s in counted)
    if blanket:
        text += (f"; \"none\" volunteered at {blanket} (counted as no item's absence)")
    eyes = next((r for r in rows if r["key"] == EYES), None)
    if eyes and eyes["reported"] + eyes["absent"] < RARELY * n:
        text += (f"; {eyes['label'].lower()} asked at only {eyes['reported'] + eyes['absent']} "
                 "(under-reported unless asked directly)")
    never = [r["label"] for r in rows if r["not_asked"] == n]
    return text + (f"; never asked: {', '.join(never)}" if never else "")


def other_effects_text(sessions: list[dict], effects: list[Effect]) -> str:
    """The side effects outside the checklist, or (without one) the side-effect record, in one line.

    A session that recorded nothing about side effects is counted as not recorded, never as none.
    """
    known = {e.key for e in effects}
    counts: dict[str, int] = {}
    for s in sessions:
        for label in {e["label"] for e in s["side_effects"] if effect_key(e["key"]) not in known}:
            counts[label] = counts.get(label, 0) + 1
    found = [f"{label} at {n} session{'s' * (n != 1)}" for label, n in sorted(counts.items())]
    if len(found) > OTHERS_SHOWN:  # a line on page 1: the rest are in the side-effect log
        found = found[:OTHERS_SHOWN] + [f"{len(found) - OTHERS_SHOWN} others (see the side-effect log)"]
    if effects:
        return "; ".join(found) if found else "none reported outside the checklist"
    silent = sum(not s["side_effects_recorded"] for s in sessions)  # without a checklist, asked is the list
    parts = found or ["none reported"]
    if silent:
        parts.append(f"not recorded at {silent} of {len(sessions)} session{'s' * (len(sessions) != 1)}")
    return "; ".join(parts)
