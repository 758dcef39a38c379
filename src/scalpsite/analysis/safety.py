"""The expected-effects checklist (docs/clinical-definitions.md): per effect, the sessions that
reported it, that recorded it as absent, and that never asked. Pure: data in, data out.

A session answers an effect in three ways, merged here: the checklist (`expected_effects:`),
the free side-effect list (a name that is, or is a synonym of, the effect) and, for the
injection-site reaction, `injection_site:`. In a session without the checklist, `side_effects:
none` (or an empty list) says that nothing happened, so every effect is absent; in one with
it, an effect left empty was not asked, whatever side_effects says of other effects. Anything
else is "not asked": never shown as none. Injection-site reactions also come from the log.
"""

from __future__ import annotations

import datetime as dt

from scalpsite.analysis.sideeffects import SEVERITY_ORDER
from scalpsite.journal.effects import Effect, effect_key
from scalpsite.journal.models import Session

REPORTED = ("yes", "mild", "moderate", "severe")
SEVERITIES = ("mild", "moderate", "severe")
INJECTION_SITE = "injection_site_reaction"


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
    # Without a checklist in the session (an older one), `none` says nothing happened at all; with
    # one, side_effects holds what else happened, and an effect left empty there was not asked.
    nothing = (s.side_effects == "none" or s.side_effects == []) and not s.expected_effects
    out = {}
    for effect in effects:
        answer = worse(s.expected_effects.get(effect.key), listed.get(effect.key))
        if answer in (None, "no") and effect.key == INJECTION_SITE and s.injection_site is not None:
            site = s.injection_site.value
            answer = worse(answer, "no" if site == "none" else site)
        if answer is None and nothing:
            answer = "no"
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
            out.append({"name": effect.key, "key": effect.key, "label": effect.label,
                        "severity": answer if answer in SEVERITIES else None, "notes": None})
    return out


def conflicts(s: Session, effects: list[Effect]) -> list[str]:
    """Effects a session checks as 'no' but reports in its side-effect list (or injection_site)."""
    said_no = [e.key for e in effects if s.expected_effects.get(e.key) == "no"]
    return [key for key in said_no if answers(s, effects)[key] != "no"]


def checklist_rows(effects: list[Effect], sessions: list[dict], log: list[dict] | None,
                   start: dt.date | None = None) -> list[dict]:
    """Per effect: sessions reported / absent / not asked, first and last date, worst severity.

    `sessions` carry `expected_effects` (this module's answers) and `date`; `log` is the tracked
    drug's injection rows, whose reactions count for the injection-site reaction; `start` (the
    treatment's) dates the first report in weeks on treatment.
    """
    rows = []
    for effect in effects:
        said = [(s, s["expected_effects"][effect.key]) for s in sessions]
        reported = [(s, a) for s, a in said if a in REPORTED]
        row = {"key": effect.key, "label": effect.label, "reported": len(reported),
               "absent": sum(a == "no" for _, a in said), "not_asked": sum(a is None for _, a in said),
               "first": reported[0][0]["date"] if reported else None,
               "last": reported[-1][0]["date"] if reported else None,
               "first_week": None, "worst": _worst(a for _, a in reported), "log_reactions": None, "log_noted": None}
        if effect.key == INJECTION_SITE and log is not None:
            row |= _from_log(row, log)
        if row["first"] is not None and start is not None:
            row["first_week"] = (dt.date.fromisoformat(row["first"]) - start).days // 7
        rows.append(row)
    return rows


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


def checklist_text(rows: list[dict], sessions: list[dict]) -> str | None:
    """One line for page 1: how many sessions answered the checklist, and what was never asked."""
    if not rows or not sessions:
        return None
    asked = sum(any(a is not None for a in s["expected_effects"].values()) for s in sessions)
    never = [r["label"] for r in rows if r["not_asked"] == len(sessions)]
    text = f"answered at {asked} of {len(sessions)} session{'s' * (len(sessions) != 1)}"
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
    if effects:
        return "; ".join(found) if found else "none reported outside the checklist"
    silent = sum(not s["side_effects_recorded"] for s in sessions)
    parts = found or ["none reported"]
    if silent:
        parts.append(f"not recorded at {silent} of {len(sessions)} session{'s' * (len(sessions) != 1)}")
    return "; ".join(parts)
