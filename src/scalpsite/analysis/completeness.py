"""How complete the record is, in a few lines: what each session recorded, and the check's
findings grouped by kind. The dossier prints this; the site keeps every finding with its fix."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from scalpsite.analysis.safety import INJECTION_SITE, asked, on_treatment
from scalpsite.measures.registry import MEASURES

ASSESSMENT_NOTE = ("All scores are the patient's own assessments, except in sessions marked "
                   "'clinician' (measured in clinic).")


def _site_asked(s: dict) -> bool:
    """The injection-site reaction answered: by the checklist (which reads injection_site too), else the field."""
    return s["expected_effects"].get(INJECTION_SITE, s["injection_site"]) is not None


def _given(key: str) -> Callable[[dict], bool]:
    return lambda s: s[key] is not None


def _recorded(sessions: list[dict], conditions: list[str], start: dt.date | None) -> list[dict]:
    measures = [(m.key, m.label, _given(m.key)) for m in MEASURES if m.counted and (m.always or m.condition in conditions)]
    # The scalp's other records follow the registry's first measure (SALT), as the dossier has listed them.
    checks = measures[:1] + [("density", "Density (any zone)", lambda s: bool(s["density"])),
                             ("photos", "Photos (at least one angle)", lambda s: bool(s["photos"]))] + measures[1:]
    rows = [{"key": k, "label": label, "sessions": sum(map(test, sessions)), "of": len(sessions)}
            for k, label, test in checks]
    treated = on_treatment(sessions, start)  # as the checklist counts them: the same numbers on every page
    return rows + [{"key": k, "label": label, "sessions": sum(map(test, treated)), "of": len(treated)}
                   for k, label, test in (("side_effects", "Side effects asked (sessions on treatment)", asked),
                                          ("injection_site", "Injection site asked (sessions on treatment)",
                                           _site_asked))]


def completeness(sessions: list[dict], findings, conditions: list[str], start: dt.date | None = None) -> dict:
    """Measures recorded in how many sessions, and findings counted by kind (errors first)."""
    kinds: Counter = Counter()
    example: dict[tuple[str, str], str] = {}
    for f in findings:
        key = (f.level.value, f.code)
        kinds[key] += 1
        example.setdefault(key, f.message)
    order = {"error": 0, "warning": 1, "info": 2}
    rows = [{"code": code, "level": level, "count": n, "example": example[(level, code)]}
            for (level, code), n in sorted(kinds.items(), key=lambda kv: (order[kv[0][0]], -kv[1], kv[0][1]))]
    return {"sessions": len(sessions), "recorded": _recorded(sessions, conditions, start),
            "findings": rows}
