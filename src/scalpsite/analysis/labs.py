"""Laboratory results as entered, with a reference range and a high/low flag.

A value is shown with the digits the patient typed (0.46 stays 0.46 next to a cut-off of 0.5).
The range is the report's when given, else the journal's own (scalpsite.yaml `labs:`), else the
adult defaults for IgE and eosinophils (docs/clinical-definitions.md), marked as such.
"""

from __future__ import annotations

from scalpsite.analysis.labels import lab_label, number_text, unit_text

# Adult reference ranges (docs/clinical-definitions.md); laboratories differ, so these are marked as defaults.
DEFAULT_RANGES = {
    "ige": ({"iu/ml", "ku/l"}, [0.0, 100.0], "adult default"),
    "eosinophils": ({"10^9/l", "x10^9/l", "×10^9/l", "10⁹/l", "g/l"}, [0.04, 0.5], "adult default"),
}
TH2_MARKERS = ("ige", "eosinophils")  # the markers of who responds (Guttman-Yassky 2022), shown on page 1


def _unit_key(unit: str | None) -> str:
    return (unit or "").replace(" ", "").lower()


def reference(name: str, lab, journal_ranges: dict) -> tuple[list[float] | None, str | None]:
    """(range, where it comes from) for one result: the report, the journal, a default, or none."""
    if lab.range is not None:
        return list(lab.range), "report"
    own = journal_ranges.get(name) or journal_ranges.get(name.lower())
    if own is not None and (own.unit is None or _unit_key(own.unit) == _unit_key(lab.unit)):
        return list(own.range), "journal"
    default = DEFAULT_RANGES.get(name.lower())
    if default and _unit_key(lab.unit) in default[0]:
        return list(default[1]), default[2]
    return None, None


def flag(value: float, bounds: list[float] | None) -> str | None:
    """'high' above the range, 'low' below it, None inside it or without one (the ends are in range)."""
    if bounds is None:
        return None
    return "high" if value > bounds[1] else "low" if value < bounds[0] else None


def lab_result(name: str, lab, raw: dict, journal_ranges: dict) -> dict:
    """One result for data.json: the number, as entered, its unit, its range and flag."""
    bounds, source = reference(name, lab, journal_ranges)
    text = raw.get(("labs", name, "value")) or number_text(lab.value)
    return {"value": lab.value, "text": text, "unit": lab.unit, "unit_label": unit_text(lab.unit),
            "range": bounds, "range_text": "–".join(number_text(b) for b in bounds) if bounds else None,
            "range_source": source, "flag": flag(lab.value, bounds)}


def th2_markers(sessions: list[dict]) -> list[dict]:
    """The latest IgE and eosinophil results (the Th2 markers), with date and flag."""
    rows = []
    for marker in TH2_MARKERS:
        found = [(s["date"], s["labs"][n], n) for s in sessions for n in s["labs"] if n.lower() == marker]
        if found:
            day, lab, name = found[-1]
            rows.append({"name": name, "label": lab_label(name), "date": day, **lab})
    return rows
