"""Laboratory results as entered, with a reference range and a high/low flag.

A value is shown with the digits the patient typed (0.46 stays 0.46 next to a cut-off of 0.5).
The range is the report's when given, else the journal's own (scalpsite.yaml `labs:`), else an
adult default for IgE and eosinophils, marked as such. A default is in one unit; a result in
another common unit is converted to it before it is flagged (620 cells/µL is 0.62 ×10⁹/L; an
eosinophil percentage with the white cell count of the same day), and shown as entered.
"""

from __future__ import annotations

from scalpsite.analysis.labels import lab_label, number_text, unit_text

# Adult defaults, marked as such (laboratories differ): name -> (unit, range, source words).
DEFAULT_RANGES = {
    "ige": ("IU/mL", [0.0, 100.0], "adult default"),
    "eosinophils": ("×10⁹/L", [0.04, 0.5], "adult default"),
}
TH2_MARKERS = ("ige", "eosinophils")  # the markers of who responds, shown on page 1
# Units (spaces removed, lower case) and the factor to the default's unit.
CELL_COUNT = {**dict.fromkeys(("10^9/l", "x10^9/l", "×10^9/l", "10⁹/l", "×10⁹/l", "x10⁹/l", "10*9/l", "g/l",
                               "giga/l", "10^3/µl", "10^3/ul", "x10^3/µl", "x10^3/ul", "×10^3/µl", "10³/µl",
                               "×10³/µl", "k/µl", "k/ul"), 1.0),
              **dict.fromkeys(("cells/µl", "cells/ul", "/µl", "/ul", "cells/mm3", "cells/mm³", "/mm3", "/mm³",
                               "cells/mcl", "/mcl"), 0.001)}
FACTORS = {"eosinophils": CELL_COUNT, "ige": dict.fromkeys(("iu/ml", "ku/l", "kiu/l", "kui/l", "ui/ml"), 1.0)}
WHITE_CELLS = ("wbc", "leukocytes", "leucocytes", "white_cells", "white_blood_cells")


def _unit_key(unit: str | None) -> str:
    return (unit or "").replace(" ", "").lower()


def in_default_unit(name: str, lab, session_labs: dict) -> float | None:
    """The result in the unit of its default range, or None when it cannot be converted."""
    table = FACTORS.get(name.lower())
    if table is None:
        return None
    key = _unit_key(lab.unit)
    if key in table:
        return lab.value * table[key]
    if key == "%" and name.lower() == "eosinophils":  # a share of the white cells of the same day
        wbc = next((w for n, w in session_labs.items() if n.lower() in WHITE_CELLS), None)
        if wbc is not None and _unit_key(wbc.unit) in CELL_COUNT:
            return lab.value / 100 * wbc.value * CELL_COUNT[_unit_key(wbc.unit)]
    return None


def reference(name: str, lab, journal_ranges: dict, session_labs: dict | None = None
              ) -> tuple[list[float] | None, str | None, float | None]:
    """(range, where it comes from, the value it is compared with) for one result: the report,
    the journal, a default (the value converted to its unit), or none."""
    if lab.range is not None:
        return list(lab.range), "report", lab.value
    own = journal_ranges.get(name) or journal_ranges.get(name.lower())
    if own is not None and (own.unit is None or _unit_key(own.unit) == _unit_key(lab.unit)):
        return list(own.range), "journal", lab.value
    default = DEFAULT_RANGES.get(name.lower())
    value = in_default_unit(name, lab, session_labs or {}) if default else None
    if default is None or value is None:
        return None, None, None
    return list(default[1]), default[2], value


def flag(value: float, bounds: list[float] | None) -> str | None:
    """'high' above the range, 'low' below it, None inside it or without one (the ends are in range)."""
    if bounds is None:
        return None
    return "high" if value > bounds[1] else "low" if value < bounds[0] else None


def lab_result(name: str, lab, raw: dict, journal_ranges: dict, session_labs: dict | None = None) -> dict:
    """One result for data.json: the number as entered, its unit, its range and flag; and, when it
    was converted to be compared with a default, the value in the default's unit."""
    bounds, source, compared = reference(name, lab, journal_ranges, session_labs)
    text = raw.get(("labs", name, "value")) or number_text(lab.value)
    unit = DEFAULT_RANGES[name.lower()][0] if compared is not None and compared != lab.value else None
    range_text = " ".join(filter(None, ("–".join(number_text(b) for b in bounds), unit))) if bounds else None
    return {"value": lab.value, "text": text, "unit": lab.unit, "unit_label": unit_text(lab.unit),
            "range": bounds, "range_text": range_text, "range_source": source,
            "flag": flag(compared, bounds) if compared is not None else None,
            "converted_text": f"{compared:.3g} {unit}" if unit and compared is not None else None}


def th2_markers(sessions: list[dict]) -> list[dict]:
    """The latest IgE and eosinophil results (the Th2 markers), with date and flag."""
    rows = []
    for marker in TH2_MARKERS:
        found = [(s["date"], s["labs"][n], n) for s in sessions for n in s["labs"] if n.lower() == marker]
        if found:
            day, lab, name = found[-1]
            rows.append({"name": name, "label": lab_label(name), "date": day, **lab})
    return rows
