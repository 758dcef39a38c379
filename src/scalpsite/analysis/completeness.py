"""How complete the record is, in a few lines: what each session recorded, and the check's
findings grouped by kind. The dossier prints this; the site keeps every finding with its fix."""

from __future__ import annotations

from collections import Counter

ASSESSMENT_NOTE = ("All scores are the patient's own assessments, except in sessions marked "
                   "'clinician' (measured in clinic).")


def _recorded(sessions: list[dict], ad: bool) -> list[dict]:
    checks = [("salt", "SALT", lambda s: s["salt"] is not None),
              ("density", "Density (any zone)", lambda s: bool(s["density"])),
              ("photos", "Photos (at least one angle)", lambda s: bool(s["photos"])),
              ("side_effects", "Side effects (asked)", lambda s: s["side_effects_recorded"]),
              ("injection_site", "Injection site (asked)", lambda s: s["injection_site"] is not None)]
    if ad:
        checks += [("itch", "Itch", lambda s: s["itch"] is not None), ("easi", "EASI", lambda s: s["easi"] is not None),
                   ("poem", "POEM", lambda s: s["poem"] is not None)]
    checks.append(("dlqi", "DLQI", lambda s: s["dlqi"] is not None))
    return [{"key": k, "label": label, "sessions": sum(map(test, sessions))} for k, label, test in checks]


def completeness(sessions: list[dict], findings, conditions: list[str]) -> dict:
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
    return {"sessions": len(sessions), "recorded": _recorded(sessions, "atopic_dermatitis" in conditions),
            "findings": rows}
